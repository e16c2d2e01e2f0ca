package io.budgetgate.tenant.api;

import java.util.List;

/**
 * A page of {@code GET /v1/tenants}, ordered by tenant id.
 *
 * @param tenants this page
 * @param nextAfter pass as {@code ?after=} for the next page; null on the last page
 */
public record TenantPage(List<TenantView> tenants, String nextAfter) {}
