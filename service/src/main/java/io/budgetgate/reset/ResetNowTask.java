package io.budgetgate.reset;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.AdminTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/reset-budgets} on the admin port: runs one round of the period-reset job now,
 * on this instance (every period that is due, then the LiteLLM keys still to sync). Prints
 * {@code outcome} {@code ran} with {@code periods_reset}, or {@code skipped} when another instance
 * holds the job's lease.
 */
final class ResetNowTask extends AdminTask {
  private final BudgetResetJob job;

  ResetNowTask(BudgetResetJob job, ObjectMapper json) {
    super("reset-budgets", json);
    this.job = job;
  }

  @Override
  protected Map<String, Object> answer(Map<String, List<String>> parameters) {
    Map<String, Object> answer = new LinkedHashMap<>();
    int reset = job.runOnce();
    if (reset < 0) {
      answer.put("outcome", "skipped");
      answer.put("message", "another instance holds the reset job's lease and runs its rounds (the job_leases table says which)");
    } else {
      answer.put("outcome", "ran");
      answer.put("periods_reset", reset);
    }
    return answer;
  }
}
