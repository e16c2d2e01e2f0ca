package io.budgetgate.litellm.api;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The budget fields of LiteLLM's {@code GET /key/info} (they sit under {@code info}).
 *
 * @param keyAlias the key's alias, or null
 * @param spend spend in USD so far this period (never null: LiteLLM's null is read as 0)
 * @param maxBudget the key's hard stop in USD, or null when it has none
 * @param budgetDuration the key's budget period, or null
 * @param budgetResetAt when LiteLLM will next reset the spend, or null
 */
public record KeyInfo(
    String keyAlias,
    BigDecimal spend,
    BigDecimal maxBudget,
    String budgetDuration,
    Instant budgetResetAt) {}
