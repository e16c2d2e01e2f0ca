package io.budgetgate.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;

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

  /**
   * A task that runs one round of a job and prints {@code outcome} {@code ran} with how many
   * things it did ({@code counted}), or {@code skipped} when the round returns a negative count:
   * another instance holds the job's lease.
   */
  public static AdminTask round(String name, String counted, IntSupplier round, ObjectMapper json) {
    return round(name, round, (answer, done) -> answer.put(counted, done), json);
  }

  /** The same, with {@code figures} adding what the round did to a {@code ran} answer. */
  public static AdminTask round(String name, IntSupplier round, ObjIntConsumer<Map<String, Object>> figures,
      ObjectMapper json) {
    return new AdminTask(name, json) {
      @Override
      protected Map<String, Object> answer(Map<String, List<String>> parameters) {
        Map<String, Object> answer = new LinkedHashMap<>();
        int done = round.getAsInt();
        if (done < 0) {
          answer.put("outcome", "skipped");
          answer.put("message", SKIPPED);
        } else {
          answer.put("outcome", "ran");
          figures.accept(answer, done);
        }
        return answer;
      }
    };
  }

  /** Why a round was skipped. */
  public static final String SKIPPED = "another instance holds this job's lease and runs its rounds (the job_leases table says which)";

  @Override
  public final void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
    output.println(json.writeValueAsString(answer(parameters)));
  }
}
