package io.budgetgate.litellm.api;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

/**
 * What BudgetGate asks of LiteLLM's {@code POST /key/generate} for a tenant.
 *
 * @param keyAlias the tenant id; LiteLLM's alias for the key
 * @param maxBudget LiteLLM's hard stop for the key: the tenant's block_at amount
 * @param budgetDuration LiteLLM budget period ({@code 30d}, {@code 1mo}...), or null
 * @param metadata free-form metadata; carries {@code tenant_id}
 * @param spend the spend the key starts with (a re-provisioned key carries the period's spend), or null for 0
 */
public record KeyGenerateRequest(
    String keyAlias, BigDecimal maxBudget, String budgetDuration, Map<String, String> metadata, BigDecimal spend) {

  public KeyGenerateRequest {
    Objects.requireNonNull(keyAlias, "keyAlias");
    Objects.requireNonNull(maxBudget, "maxBudget");
    metadata = Map.copyOf(metadata);
  }

  /** A new key with no spend. */
  public KeyGenerateRequest(String keyAlias, BigDecimal maxBudget, String budgetDuration, Map<String, String> metadata) {
    this(keyAlias, maxBudget, budgetDuration, metadata, null);
  }
}
