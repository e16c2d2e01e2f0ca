package io.budgetgate.alert.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One stored alert ({@code GET /v1/tenants/{id}/budget/alerts}).
 *
 * @param id alert id
 * @param tenantId the tenant
 * @param level {@code warning}, {@code critical} or {@code blocked}
 * @param percentUsed percent of the effective budget when raised
 * @param spend USD spend when raised
 * @param effectiveBudget USD effective budget when raised
 * @param source {@code webhook}, {@code check} or {@code reconciler}
 * @param litellmEvent LiteLLM's {@code event} for webhook alerts, else null
 * @param periodStart start of the budget period the alert belongs to
 * @param notified whether notifications were queued for it
 * @param suppressionReason why not: {@code duplicate} (same level this period within the dedup window) or {@code no_recipients}
 * @param createdAt when raised
 * @param projectedBlockAt when the tenant was going to be blocked at the burn rate of the moment the
 *     alert was raised (the instant its email and Slack message name); null when spend was flat or
 *     falling, or the tenant was already blocked
 */
public record AlertView(
    UUID id,
    String tenantId,
    String level,
    BigDecimal percentUsed,
    BigDecimal spend,
    BigDecimal effectiveBudget,
    String source,
    String litellmEvent,
    Instant periodStart,
    boolean notified,
    String suppressionReason,
    Instant createdAt,
    Instant projectedBlockAt) {}
