package io.budgetgate.budget.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;

/**
 * Body of {@code POST /v1/tenants/{id}/reservations/{reservation_id}/settle}.
 *
 * @param actualCost what the call really cost, USD; >= 0, at most 6 decimals, within the amount ceiling
 */
@Schema(requiredProperties = {"actual_cost"})
public record SettleRequest(BigDecimal actualCost) {}
