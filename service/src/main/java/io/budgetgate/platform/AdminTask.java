package io.budgetgate.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /tasks/{name}} on the admin port that answers with one JSON object (its
 * {@code outcome} first), so an operator's script and a test read the same answer.
 */
public abstract class AdminTask extends Task {
  private final ObjectMapper json;

  protected AdminTask(String name, ObjectMapper json) {
    super(name);
    this.json = json;
  }

  /** What the task did, in the order it is printed. */
  protected abstract Map<String, Object> answer(Map<String, List<String>> parameters);

  @Override
  public final void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
    output.println(json.writeValueAsString(answer(parameters)));
  }
}
