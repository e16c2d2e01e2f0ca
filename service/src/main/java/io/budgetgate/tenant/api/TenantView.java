package io.budgetgate.tenant.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's configuration as the API shows it. The LiteLLM virtual key is never part of it.
 *
 * @param tenantId the tenant's id
 * @param name display name
 * @param maxBudget USD per period
 * @param alertThreshold percent
 * @param graceThreshold percent
 * @param alertAt USD at which alerts start (max_budget x alert_threshold / 100)
 * @param blockAt USD at which calls are refused; the LiteLLM key's max_budget
 * @param budgetDuration budget period, or null
 * @param budgetResetAt when the current period ends, or null
 * @param litellmKeyLastReset when the key's spend was last reset, or null
 * @param litellmKeyAlias the key's alias in LiteLLM (the tenant id)
 * @param notificationEmails who gets budget emails
 * @param slackWebhookUrl the Slack webhook with its secret path masked, or null
 * @param createdAt when created
 * @param updatedAt when last changed
 */
public record TenantView(
    String tenantId,
    String name,
    BigDecimal maxBudget,
    int alertThreshold,
    int graceThreshold,
    BigDecimal alertAt,
    BigDecimal blockAt,
    String budgetDuration,
    Instant budgetResetAt,
    Instant litellmKeyLastReset,
    String litellmKeyAlias,
    List<String> notificationEmails,
    String slackWebhookUrl,
    Instant createdAt,
    Instant updatedAt) {}
