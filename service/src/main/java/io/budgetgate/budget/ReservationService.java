package io.budgetgate.budget;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.budget.api.AccessRequest;
import io.budgetgate.budget.api.HoldView;
import io.budgetgate.budget.api.ReservationView;
import io.budgetgate.budget.api.SettleRequest;
import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.rules.ReservedAmount;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reservations (DESIGN §11, docs/budget-rules.md "Reservations"): an llm-access with an
 * {@code estimated_cost} holds it against the tenant's headroom, atomically in PostgreSQL under the
 * tenant's row lock, so concurrent agents of one tenant (on any number of instances) cannot all
 * spend the last dollars. A call then settles with its real cost or releases the hold; an
 * unsettled hold expires by itself.
 *
 * <p>What the holds amount to is also shown in every budget status ({@code reserved},
 * {@code headroom}). It is counted in PostgreSQL, and the count is cached with the spend it was
 * counted against and the first instant it could drop: a cached status with that same spend reads
 * it from the cache until then (a hold rewrites it; a settle, release or sweep deletes it, so
 * several instances on one cache agree). The cache holds one small value per tenant, however many
 * reservations it has open. Only a hold decides, and it decides on PostgreSQL itself.
 */
public class ReservationService {
  private static final Logger LOG = LoggerFactory.getLogger(ReservationService.class);
  private static final int MAX_REQUEST_ID = 200;
  private static final int MAX_DECIMALS = 6;
  private static final int SPEND_SCALE = 8;
  private static final int LIST_LIMIT = 200;

  private final Jdbi jdbi;
  private final ReservationCounts counts;
  private final ReservationConfig config;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Counter held;
  private final Counter repeated;
  private final Map<ReservedAmount.Refusal, Counter> refused = new EnumMap<>(ReservedAmount.Refusal.class);
  private final Counter settled;
  private final Counter released;
  private final Counter expired;

  /** An llm-access answer: the standing and what is reserved, and the hold made or the refusal. */
  public record Access(BudgetStanding standing, BigDecimal reserved, HoldView hold, ReservedAmount.Refusal refusal,
      BigDecimal estimate) {
    public boolean allowed() {
      return refusal == null;
    }
  }

  ReservationService(Jdbi jdbi, KeyValueCache cache, ObjectMapper json, ReservationConfig config, Clock clock,
      Supplier<UUID> ids, MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.counts = new ReservationCounts(cache, json);
    this.config = config;
    this.clock = clock;
    this.ids = ids;
    this.held = metrics.counter("reservations.held");
    this.repeated = metrics.counter("reservations.repeated");
    for (ReservedAmount.Refusal r : ReservedAmount.Refusal.values()) {
      refused.put(r, metrics.counter(MetricRegistry.name("reservations", "refused", r.wireName())));
    }
    this.settled = metrics.counter("reservations.settled");
    this.released = metrics.counter("reservations.released");
    this.expired = metrics.counter("reservations.expired");
  }

  /**
   * What is reserved for the standing's tenant: from the cache when the standing itself came from
   * the cache and the cached count was made with its spend and still holds; from PostgreSQL
   * otherwise (and the cache rewritten).
   */
  public BigDecimal reserved(BudgetStanding standing) {
    Instant now = clock.instant();
    BigDecimal spend = judged(standing.spend());
    if (standing.source() == SpendSource.CACHE) {
      Optional<ReservationDao.Counted> cached = counts.cached(standing.tenantId(), spend, now);
      if (cached.isPresent()) {
        return cached.get().reserved();
      }
    }
    ReservationDao.Counted counted = jdbi.withExtension(ReservationDao.class,
        dao -> dao.counted(standing.tenantId(), spend, now));
    counts.remember(standing.tenantId(), spend, counted, now);
    return counted.reserved();
  }

  /**
   * The llm-access decision for a status just decided: without an estimate, refused when spend +
   * reserved has reached block_at; with one, the estimate is held if it fits, in one conditional
   * INSERT under the tenant's row lock. A repeated request_id gets what the first got.
   */
  public Access access(BudgetStanding standing, AccessRequest request) {
    if (request == null || (request.estimatedCost() == null && request.requestId() == null
        && request.holdSeconds() == null)) {
      BigDecimal reserved = reserved(standing);
      ReservedAmount.Refusal refusal = standing.allowed()
          ? ReservedAmount.judge(standing.blockAt(), standing.spend(), reserved, null).orElse(null)
          : ReservedAmount.Refusal.BLOCKED;
      count(refusal);
      return new Access(standing, reserved, null, refusal, null);
    }
    Valid valid = validate(request);
    return hold(standing, valid);
  }

  private record Valid(BigDecimal estimate, String requestId, Duration hold) {}

  private record Outcome(HoldView hold, boolean repeated, ReservedAmount.Refusal refusal, ReservationDao.Counted counted) {}

  private Access hold(BudgetStanding standing, Valid request) {
    String tenantId = standing.tenantId();
    Instant now = clock.instant();
    BigDecimal spend = judged(standing.spend());
    BigDecimal blockAt = standing.blockAt();
    Outcome outcome = jdbi.inTransaction(handle -> {
      ReservationDao dao = handle.attach(ReservationDao.class);
      dao.lockTenant(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      if (request.requestId() != null) {
        Optional<ReservationRow> earlier = dao.byRequest(tenantId, request.requestId());
        if (earlier.isPresent()) {
          return repeated(earlier.get(), request, dao.counted(tenantId, spend, now), now);
        }
      }
      UUID id = ids.get();
      Instant expiresAt = now.plus(request.hold());
      ReservationDao.Held held = dao.hold(id, tenantId, request.requestId(), request.estimate(), spend, blockAt, now,
          expiresAt);
      if (held.made()) {
        Instant until = held.until() == null || expiresAt.isBefore(held.until()) ? expiresAt : held.until();
        return new Outcome(new HoldView(id, request.estimate(), expiresAt, request.requestId(), ReservationRow.HELD), false,
            null, new ReservationDao.Counted(held.reserved().add(request.estimate()), until));
      }
      ReservedAmount.Refusal refusal = ReservedAmount.judge(blockAt, spend, held.reserved(), request.estimate())
          .orElse(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
      if (request.requestId() != null) {
        dao.refuse(id, tenantId, request.requestId(), request.estimate(), spend, refusal.wireName(), now);
      }
      return new Outcome(null, false, refusal, new ReservationDao.Counted(held.reserved(), held.until()));
    });
    counts.remember(tenantId, spend, outcome.counted(), now);
    if (outcome.repeated()) {
      repeated.inc();
    } else if (outcome.refusal() == null) {
      held.inc();
    } else {
      count(outcome.refusal());
    }
    return new Access(standing, outcome.counted().reserved(), outcome.hold(), outcome.refusal(), request.estimate());
  }

  /** A request_id seen before: the same hold or the same refusal; another estimate with it is a 409. */
  private static Outcome repeated(ReservationRow row, Valid request, ReservationDao.Counted counted, Instant now) {
    if (row.amount().compareTo(request.estimate()) != 0) {
      throw new ServiceException(ServiceException.Kind.CONFLICT, "request_id_reused", "request_id '"
          + request.requestId() + "' of tenant '" + row.tenantId() + "' was used for an estimated_cost of "
          + row.amount().stripTrailingZeros().toPlainString() + "; a repeated request must carry the same estimate",
          null, null);
    }
    ReservedAmount.Refusal refusal = row.refusedReason() == null ? null
        : ReservedAmount.Refusal.valueOf(row.refusedReason().toUpperCase(java.util.Locale.ROOT));
    return new Outcome(refusal == null ? holdView(row, now) : null, true, refusal, counted);
  }

  private void count(ReservedAmount.Refusal refusal) {
    if (refusal != null) {
      refused.get(refusal).inc();
    }
  }

  /**
   * Settles a reservation with its actual cost: from then on that amount counts until LiteLLM's
   * recorded spend has caught up with it or {@code reservations.settleLag} passes. Settling again
   * with the same amount changes nothing; with another amount it is a 409. A hold that expired
   * can still be settled (the call did happen).
   */
  public ReservationView settle(String tenantId, UUID id, SettleRequest request) {
    if (request == null || request.actualCost() == null) {
      throw ValidationException.of("actual_cost", "is required: what the call cost, USD, 0 or more");
    }
    List<FieldError> errors = new ArrayList<>();
    checkAmount("actual_cost", request.actualCost(), true, errors);
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    BigDecimal actual = request.actualCost().setScale(MAX_DECIMALS);
    Instant now = clock.instant();
    Changed done = jdbi.inTransaction(handle -> {
      ReservationDao dao = handle.attach(ReservationDao.class);
      ReservationRow row = locked(dao, tenantId, id);
      switch (row.status()) {
        case ReservationRow.SETTLED, ReservationRow.RECORDED -> {
          if (row.actualCost().compareTo(actual) != 0) {
            throw new ServiceException(ServiceException.Kind.CONFLICT, "reservation_settled", "reservation " + id
                + " was already settled with an actual_cost of " + row.actualCost().stripTrailingZeros().toPlainString()
                + "; it cannot be settled again with another amount", null, null);
          }
          return new Changed(row, false);
        }
        case ReservationRow.RELEASED -> throw new ServiceException(ServiceException.Kind.CONFLICT, "reservation_released",
            "reservation " + id + " was released (the call did not happen); it cannot be settled", null, null);
        default -> {
          return new Changed(dao.settle(id, actual, now, now.plus(config.settleLag().toJavaDuration())).orElseThrow(), true);
        }
      }
    });
    if (done.changed()) {
      settled.inc();
      counts.forget(tenantId);
    }
    return view(done.row(), now);
  }

  /** A reservation after a settle or release, and whether this call changed it. */
  private record Changed(ReservationRow row, boolean changed) {}

  /** Releases a hold (the call did not happen). Releasing twice is not an error; a settled reservation is a 409. */
  public void release(String tenantId, UUID id) {
    Instant now = clock.instant();
    Changed done = jdbi.inTransaction(handle -> {
      ReservationDao dao = handle.attach(ReservationDao.class);
      ReservationRow row = locked(dao, tenantId, id);
      if (ReservationRow.SETTLED.equals(row.status()) || ReservationRow.RECORDED.equals(row.status())) {
        throw new ServiceException(ServiceException.Kind.CONFLICT, "reservation_settled", "reservation " + id
            + " was settled (the call happened); a settled reservation cannot be released", null, null);
      }
      return new Changed(row, dao.release(id, now) == 1);
    });
    if (done.changed()) {
      released.inc();
      counts.forget(tenantId);
    }
  }

  /** The tenant's open reservations and those that ended within {@code reservations.listFor}, newest first. */
  public List<ReservationView> list(String tenantId) {
    Instant now = clock.instant();
    return jdbi.withHandle(handle -> {
      if (handle.attach(BudgetDao.class).find(tenantId).isEmpty()) {
        throw TenantService.unknownTenant(tenantId);
      }
      return handle.attach(ReservationDao.class).recent(tenantId, now.minus(config.listFor().toJavaDuration()), LIST_LIMIT)
          .stream().filter(r -> !ReservationRow.REFUSED.equals(r.status())).map(r -> view(r, now)).toList();
    });
  }

  /**
   * One sweep (each instance runs it; every row changes once, whoever runs it): holds past their
   * expiry become {@code expired} (counted: an agent that never settles is a bug worth seeing),
   * settled amounts past their settle lag {@code recorded}, ended rows older than
   * {@code reservations.keepFor} deleted. Returns how many holds expired.
   */
  public int sweep() {
    Instant now = clock.instant();
    List<String> expiredOf = new ArrayList<>();
    Set<String> changed = new LinkedHashSet<>();
    jdbi.useTransaction(handle -> {
      ReservationDao dao = handle.attach(ReservationDao.class);
      expiredOf.addAll(dao.expire(now));
      changed.addAll(dao.lapse(now));
      dao.prune(now.minus(config.keepFor().toJavaDuration()));
    });
    changed.addAll(expiredOf);
    if (!changed.isEmpty()) {
      counts.forget(changed);
    }
    if (!expiredOf.isEmpty()) {
      expired.inc(expiredOf.size());
      LOG.warn("{} reservation hold(s) expired without being settled or released (tenants: {}); the agent platform "
          + "should settle or release every hold (reservations.expired)", expiredOf.size(), new LinkedHashSet<>(expiredOf));
    }
    return expiredOf.size();
  }

  /** The spend a hold is judged against: never below 0, at most 8 decimals, rounded up (null, unknown: 0). */
  private static BigDecimal judged(BigDecimal spend) {
    return spend == null ? BigDecimal.ZERO.setScale(SPEND_SCALE)
        : spend.max(BigDecimal.ZERO).setScale(SPEND_SCALE, RoundingMode.UP);
  }

  private Valid validate(AccessRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (request.estimatedCost() == null) {
      errors.add(new FieldError("estimated_cost", "is required with request_id or hold_seconds: what the call may cost "
          + "at most, USD"));
    } else {
      checkAmount("estimated_cost", request.estimatedCost(), false, errors);
    }
    String requestId = request.requestId();
    if (requestId != null && (requestId.isBlank() || requestId.length() > MAX_REQUEST_ID
        || requestId.chars().anyMatch(Character::isISOControl))) {
      errors.add(new FieldError("request_id", "must be 1-" + MAX_REQUEST_ID + " characters without control characters"));
    }
    long maxHold = config.maxHold().toSeconds();
    Integer seconds = request.holdSeconds();
    if (seconds != null && (seconds < 1 || seconds > maxHold)) {
      errors.add(new FieldError("hold_seconds", "must be 1.." + maxHold + " (seconds)"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    Duration hold = seconds == null ? config.defaultHold().toJavaDuration() : Duration.ofSeconds(seconds);
    return new Valid(request.estimatedCost().setScale(MAX_DECIMALS), requestId, hold);
  }

  private static void checkAmount(String field, BigDecimal amount, boolean zeroAllowed, List<FieldError> errors) {
    if (zeroAllowed ? amount.signum() < 0 : amount.signum() <= 0) {
      errors.add(new FieldError(field, zeroAllowed ? "must be 0 or more (USD)" : "must be more than 0 (USD)"));
    } else if (amount.stripTrailingZeros().scale() > MAX_DECIMALS) {
      errors.add(new FieldError(field, "must have at most " + MAX_DECIMALS + " decimal places (USD)"));
    } else if (AmountCeiling.exceeded(amount)) {
      errors.add(new FieldError(field, "must be at most " + AmountCeiling.TEXT + " (the amount ceiling)"));
    }
  }

  /**
   * The reservation, its row locked (404 for an unknown tenant or reservation; a stored refusal is
   * none). The tenant's row is not locked: a settle or release never lets a hold in that the
   * tenant's lock would have kept out. A release only lowers what is reserved; a settle above the
   * estimate that a concurrent hold does not see yet is the overshoot of a call in flight (the
   * bound's item 2, docs/budget-rules.md), which that hold could not have seen either had it come
   * a moment earlier. So settles do not queue behind the holds of a busy tenant.
   */
  private static ReservationRow locked(ReservationDao dao, String tenantId, UUID id) {
    Optional<ReservationRow> row = dao.byId(tenantId, id, "FOR UPDATE").filter(r -> !ReservationRow.REFUSED.equals(r.status()));
    if (row.isEmpty() && !dao.tenantExists(tenantId)) {
      throw TenantService.unknownTenant(tenantId);
    }
    return row.orElseThrow(() -> unknownReservation(tenantId, id));
  }

  private static ServiceException unknownReservation(String tenantId, UUID id) {
    return ServiceException.notFound("unknown_reservation", "tenant '" + tenantId + "' has no reservation with id " + id);
  }

  private static HoldView holdView(ReservationRow row, Instant now) {
    return new HoldView(row.id(), row.amount(), row.expiresAt(), row.requestId(), row.statusAt(now));
  }

  private static ReservationView view(ReservationRow r, Instant now) {
    return new ReservationView(r.id(), r.requestId(), r.statusAt(now), r.amount(), r.actualCost(), r.spendAtHold(),
        r.createdAt(), r.expiresAt(), r.settledAt(), r.countsUntil(), r.endedAt());
  }
}
