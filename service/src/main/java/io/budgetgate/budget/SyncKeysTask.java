package io.budgetgate.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.AdminTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/sync-litellm-keys} on the admin port: pushes block_at to every LiteLLM key
 * whose sync is pending (docs/budget-rules.md, "LiteLLM key sync") now, instead of at the reset
 * job's next round. Prints {@code outcome} {@code ran} with {@code keys_synced}; a key LiteLLM
 * still refuses stays pending and is tried again later.
 */
final class SyncKeysTask extends AdminTask {
  private final BudgetService budgets;

  SyncKeysTask(BudgetService budgets, ObjectMapper json) {
    super("sync-litellm-keys", json);
    this.budgets = budgets;
  }

  @Override
  protected Map<String, Object> answer(Map<String, List<String>> parameters) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("outcome", "ran");
    answer.put("keys_synced", budgets.syncPendingKeys(() -> true));
    return answer;
  }
}
