package io.budgetgate.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;

/**
 * Budget values a new tenant gets when its creation request leaves them out.
 *
 * @param maxBudget USD, default 500.00
 * @param alertThreshold percent, default 80
 * @param graceThreshold percent, default 110
 */
public record TenantDefaults(
    @JsonProperty("maxBudget") @NotNull @DecimalMin("0.00") BigDecimal maxBudget,
    @JsonProperty("alertThreshold") @Min(1) @Max(100) int alertThreshold,
    @JsonProperty("graceThreshold") @Min(100) @Max(200) int graceThreshold) {

  /** The defaults of DESIGN §1. */
  public static TenantDefaults standard() {
    return new TenantDefaults(new BigDecimal("500.00"), 80, 110);
  }
}
