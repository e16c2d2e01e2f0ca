package io.budgetgate.budget;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.api.GrantOverrideRequest;
import io.budgetgate.budget.api.OverrideView;
import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.rules.BudgetFieldChecks;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Grants, lists and revokes time-boxed budget overrides. Granting and revoking are audited,
 * invalidate the cached budget and move the LiteLLM key's max_budget the way a budget change does
 * (committed first, then synced: {@link KeyBudgetSync}).
 */
public class OverrideService {
  private static final int MAX_REASON = 500;

  private final Jdbi jdbi;
  private final BudgetService budgets;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<UUID> ids;

  OverrideService(Jdbi jdbi, BudgetService budgets, AuditLog audit, Clock clock, Supplier<UUID> ids) {
    this.jdbi = jdbi;
    this.budgets = budgets;
    this.audit = audit;
    this.clock = clock;
    this.ids = ids;
  }

  /** Grants an override: 422 naming each bad field, 404 for an unknown tenant; audited as the caller. */
  public OverrideView grant(Caller caller, String tenantId, GrantOverrideRequest request) {
    Instant now = clock.instant();
    Instant startsAt = validate(request, now);
    UUID id = ids.get();
    boolean answered = budgets.keySync().requireKey(current(tenantId), "the override was not granted");
    jdbi.useTransaction(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      BudgetRow row = dao.lock(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      List<FieldError> ceiling = new ArrayList<>();
      BudgetFieldChecks.effectiveBudget("amount", row.maxBudget(),
          BudgetOverride.total(dao.liveOverrides(tenantId, now)).add(request.amount()), ceiling);
      if (!ceiling.isEmpty()) {
        throw new ValidationException(ceiling);
      }
      dao.insertOverride(id, tenantId, request.amount().setScale(2), request.reason().strip(), startsAt,
          request.expiresAt(), caller.name(), now);
      BigDecimal blockAt = budgets.keySync().want(handle, tenantId, false, now);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("override_id", id.toString());
      details.put("amount", request.amount().setScale(2));
      details.put("reason", request.reason().strip());
      details.put("starts_at", startsAt.toString());
      details.put("expires_at", request.expiresAt().toString());
      details.put("litellm_max_budget", blockAt);
      audit.record(handle, caller.name(), "override.granted", tenantId, details);
    });
    budgets.followChange(tenantId, answered);
    return view(jdbi.withExtension(BudgetDao.class, dao -> dao.override(tenantId, id)).orElseThrow(), now);
  }

  /** The tenant's overrides, active and past. */
  public List<OverrideView> list(String tenantId) {
    Instant now = clock.instant();
    return jdbi.withExtension(BudgetDao.class, dao -> {
      dao.find(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      return dao.overrides(tenantId).stream().map(o -> view(o, now)).toList();
    });
  }

  /** Revokes; revoking an already revoked override changes nothing and is not an error. */
  void revoke(Caller caller, String tenantId, UUID overrideId) {
    Instant now = clock.instant();
    BudgetRow current = current(tenantId);
    jdbi.withExtension(BudgetDao.class, dao -> dao.override(tenantId, overrideId)).orElseThrow(() -> unknownOverride(
        tenantId, overrideId));
    boolean answered = budgets.keySync().requireKey(current, "the override was not revoked");
    boolean changed = jdbi.inTransaction(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      dao.lock(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      BudgetOverride override = dao.override(tenantId, overrideId).orElseThrow(() -> unknownOverride(tenantId,
          overrideId));
      if (dao.revoke(tenantId, overrideId, caller.name(), now) == 0) {
        return false;
      }
      BigDecimal blockAt = budgets.keySync().want(handle, tenantId, false, now);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("override_id", overrideId.toString());
      details.put("amount", override.amount());
      details.put("was", override.statusAt(now));
      details.put("litellm_max_budget", blockAt);
      audit.record(handle, caller.name(), "override.revoked", tenantId, details);
      return true;
    });
    if (changed) {
      budgets.followChange(tenantId, answered);
    }
  }

  private BudgetRow current(String tenantId) {
    return jdbi.withExtension(BudgetDao.class, dao -> dao.find(tenantId)).orElseThrow(
        () -> TenantService.unknownTenant(tenantId));
  }

  private static ServiceException unknownOverride(String tenantId, UUID overrideId) {
    return ServiceException.notFound("unknown_override", "tenant '" + tenantId + "' has no override with id " + overrideId);
  }

  private static Instant validate(GrantOverrideRequest request, Instant now) {
    if (request == null) {
      throw ValidationException.of("body", "must be a JSON object with amount, reason and expires_at");
    }
    List<FieldError> errors = new ArrayList<>();
    if (request.amount() == null || request.amount().signum() <= 0) {
      errors.add(new FieldError("amount", "is required and must be more than 0 (USD)"));
    } else if (request.amount().stripTrailingZeros().scale() > 2) {
      errors.add(new FieldError("amount", "must have at most 2 decimal places (USD cents)"));
    } else if (AmountCeiling.exceeded(request.amount())) {
      errors.add(new FieldError("amount", "must be at most " + AmountCeiling.TEXT + " (the amount ceiling)"));
    }
    if (request.reason() == null || request.reason().isBlank() || request.reason().length() > MAX_REASON) {
      errors.add(new FieldError("reason", "is required, 1-" + MAX_REASON + " characters"));
    }
    Instant startsAt = request.startsAt() == null ? now : request.startsAt();
    if (request.expiresAt() == null) {
      errors.add(new FieldError("expires_at", "is required (ISO-8601, e.g. 2026-12-31T00:00:00Z)"));
    } else if (!request.expiresAt().isAfter(now)) {
      errors.add(new FieldError("expires_at", "must be in the future"));
    } else if (!request.expiresAt().isAfter(startsAt)) {
      errors.add(new FieldError("expires_at", "must be after starts_at"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return startsAt;
  }

  private static OverrideView view(BudgetOverride o, Instant now) {
    return new OverrideView(o.id(), o.tenantId(), o.amount(), o.reason(), o.startsAt(), o.expiresAt(), o.statusAt(now),
        o.createdBy(), o.createdAt(), o.revokedAt(), o.revokedBy());
  }
}
