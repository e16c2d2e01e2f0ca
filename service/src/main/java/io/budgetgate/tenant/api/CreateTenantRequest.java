package io.budgetgate.tenant.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;

/**
 * Body of {@code POST /v1/tenants}. Every field is checked at once and all problems are named in
 * one 422 answer.
 *
 * @param tenantId {@code ^[a-z0-9][a-z0-9_-]{0,62}$}; also the LiteLLM key alias
 * @param name display name
 * @param maxBudget USD per period, >= 0, at most 2 decimals (default from config, 500.00)
 * @param alertThreshold percent 1..100 (default 80)
 * @param graceThreshold percent 100..200, >= alert_threshold (default 110)
 * @param budgetDuration optional period: {@code 24h}, {@code 7d}, {@code 30d}, {@code 1mo}...
 * @param notificationEmails who gets budget emails
 * @param slackWebhookUrl optional Slack incoming-webhook URL
 */
@Schema(requiredProperties = {"tenant_id", "name"})
public record CreateTenantRequest(
    String tenantId,
    String name,
    BigDecimal maxBudget,
    Integer alertThreshold,
    Integer graceThreshold,
    String budgetDuration,
    List<String> notificationEmails,
    String slackWebhookUrl) {}
