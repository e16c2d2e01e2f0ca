package io.budgetgate.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.AdminTask;
import io.budgetgate.platform.errors.ServiceException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/reprovision-litellm-key?tenant_id=...} on the admin port: the repair for
 * {@code litellm_key_missing} (ops-runbook/litellm-key-missing.md). Prints one JSON object whose
 * {@code outcome} is {@code reprovisioned} or {@code refused} (with the error code and why).
 */
final class ReprovisionKeyTask extends AdminTask {
  static final String ACTOR = "admin-task";

  private final KeyReprovision reprovision;

  ReprovisionKeyTask(KeyReprovision reprovision, ObjectMapper json) {
    super("reprovision-litellm-key", json);
    this.reprovision = reprovision;
  }

  @Override
  protected Map<String, Object> answer(Map<String, List<String>> parameters) {
    List<String> tenant = parameters.getOrDefault("tenant_id", List.of());
    Map<String, Object> answer = new LinkedHashMap<>();
    if (tenant.size() != 1 || tenant.get(0).isBlank()) {
      answer.put("outcome", "refused");
      answer.put("error", "validation_failed");
      answer.put("message", "name exactly one tenant: ?tenant_id=<id>");
    } else {
      try {
        KeyReprovision.Outcome done = reprovision.reprovision(ACTOR, tenant.get(0));
        answer.put("outcome", "reprovisioned");
        answer.put("tenant_id", done.tenantId());
        answer.put("litellm_max_budget", done.maxBudget());
        answer.put("carried_spend", done.carriedSpend());
        answer.put("key_name", done.keyName());
      } catch (ServiceException e) {
        answer.put("outcome", "refused");
        answer.put("error", e.error());
        answer.put("message", e.getMessage());
      }
    }
    return answer;
  }
}
