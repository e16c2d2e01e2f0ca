package io.budgetgate.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.AdminTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/reconcile} on the admin port: runs one reconciler round now, on this
 * instance, and prints what it did as one JSON object: {@code outcome} {@code ran} (with the
 * tenants read, LiteLLM reads, seconds and alerts raised) or {@code skipped} (another instance
 * holds the lease and is running one). For an operator who does not want to wait for the next
 * round after an outage, and for the perf suite's scale scenario.
 */
final class ReconcileNowTask extends AdminTask {
  private final AlertReconcilerJob reconciler;

  ReconcileNowTask(AlertReconcilerJob reconciler, ObjectMapper json) {
    super("reconcile", json);
    this.reconciler = reconciler;
  }

  @Override
  protected Map<String, Object> answer(Map<String, List<String>> parameters) {
    Map<String, Object> answer = new LinkedHashMap<>();
    int raised = reconciler.runOnce();
    if (raised < 0) {
      answer.put("outcome", "skipped");
      answer.put("message", SKIPPED);
    } else {
      AlertReconcilerJob.Round round = reconciler.lastRound();
      answer.put("outcome", "ran");
      answer.put("tenants", round.tenants());
      answer.put("litellm_reads", round.litellmReads());
      answer.put("seconds", round.seconds());
      answer.put("busy_seconds", round.busySeconds());
      answer.put("alerts_raised", raised);
      answer.put("skipped_tenants", round.skipped());
    }
    return answer;
  }
}
