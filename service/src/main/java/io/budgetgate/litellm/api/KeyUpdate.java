package io.budgetgate.litellm.api;

import io.budgetgate.litellm.VirtualKey;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A change to an existing key through {@code POST /key/update}; null fields are left alone.
 *
 * @param key the key to change
 * @param maxBudget new hard stop, or null
 * @param budgetDuration new budget period, or null
 * @param spend new spend (0 resets it), or null
 */
public record KeyUpdate(VirtualKey key, BigDecimal maxBudget, String budgetDuration, BigDecimal spend) {

  public KeyUpdate {
    Objects.requireNonNull(key, "key");
  }
}
