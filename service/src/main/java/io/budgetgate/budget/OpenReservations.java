package io.budgetgate.budget;

import com.codahale.metrics.MetricRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * What all tenants' reservations hold right now, as gauges read from PostgreSQL at each scrape (so
 * every instance reports the same figures): {@code reservations.open.holds} and
 * {@code reservations.open.held_amount} (unsettled holds not yet expired, and their USD),
 * {@code reservations.open.settled} and {@code reservations.open.settled_amount} (settled amounts
 * still inside their settle lag; each counts until LiteLLM has recorded it). Holds that expired
 * unsettled are the counter {@code reservations.expired}. Each gauge is one short query on the
 * partial index of open rows; a database that cannot be read reports -1 rather than failing the
 * scrape.
 */
final class OpenReservations {
  /** Open holds and settled amounts at one instant. */
  record Totals(long holds, BigDecimal heldAmount, long settled, BigDecimal settledAmount) {
    static final Totals UNKNOWN = new Totals(-1, BigDecimal.ONE.negate(), -1, BigDecimal.ONE.negate());
  }

  private final Jdbi jdbi;
  private final Clock clock;

  OpenReservations(Jdbi jdbi, Clock clock, MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.clock = clock;
    metrics.gauge("reservations.open.holds", () -> () -> orUnknown().holds());
    metrics.gauge("reservations.open.held_amount", () -> () -> orUnknown().heldAmount().doubleValue());
    metrics.gauge("reservations.open.settled", () -> () -> orUnknown().settled());
    metrics.gauge("reservations.open.settled_amount", () -> () -> orUnknown().settledAmount().doubleValue());
  }

  /** The totals now (the partial index of held and settled rows serves the query). */
  Totals now() {
    Instant now = clock.instant();
    return jdbi.withHandle(handle -> handle.createQuery("""
            SELECT count(*) FILTER (WHERE status = 'held' AND expires_at > :now),
                   COALESCE(SUM(amount) FILTER (WHERE status = 'held' AND expires_at > :now), 0),
                   count(*) FILTER (WHERE status = 'settled' AND counts_until > :now),
                   COALESCE(SUM(actual_cost) FILTER (WHERE status = 'settled' AND counts_until > :now), 0)
              FROM budget_reservations WHERE status IN ('held', 'settled')""")
        .bind("now", now)
        .map((rs, ctx) -> new Totals(rs.getLong(1), rs.getBigDecimal(2), rs.getLong(3), rs.getBigDecimal(4)))
        .one());
  }

  private Totals orUnknown() {
    try {
      return now();
    } catch (RuntimeException e) {
      return Totals.UNKNOWN;
    }
  }
}
