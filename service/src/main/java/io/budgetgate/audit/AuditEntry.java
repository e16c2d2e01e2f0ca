package io.budgetgate.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded event.
 *
 * @param id database id
 * @param occurredAt when
 * @param actor token name, or the job/webhook that acted
 * @param action what happened, e.g. {@code tenant.created}
 * @param tenantId the tenant concerned, or null
 * @param details structured details (never a secret)
 */
public record AuditEntry(
    long id, Instant occurredAt, String actor, String action, String tenantId, Map<String, Object> details) {}
