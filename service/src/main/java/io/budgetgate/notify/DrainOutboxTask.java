package io.budgetgate.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.AdminTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/drain-outbox} on the admin port: sends every notification that is due now,
 * without waiting for the dispatcher's next tick (after SMTP or Slack came back, say). Prints
 * {@code outcome} {@code ran} with {@code rows_attempted}; 0 also when this instance's dispatcher
 * was already draining (that drain sends them).
 */
final class DrainOutboxTask extends AdminTask {
  private final OutboxDispatcher dispatcher;

  DrainOutboxTask(OutboxDispatcher dispatcher, ObjectMapper json) {
    super("drain-outbox", json);
    this.dispatcher = dispatcher;
  }

  @Override
  protected Map<String, Object> answer(Map<String, List<String>> parameters) {
    Map<String, Object> answer = new LinkedHashMap<>();
    int attempted = dispatcher.drain();
    answer.put("outcome", "ran");
    answer.put("rows_attempted", attempted);
    return answer;
  }
}
