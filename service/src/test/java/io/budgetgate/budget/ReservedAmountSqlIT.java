package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.rules.ReservedAmount;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;

/**
 * The reserved amount two ways over random reservations: the SQL the hold decides with
 * ({@link ReservationDao#RESERVED}) and the rule the cached status applies ({@link ReservedAmount}).
 * Seeded; each round has its own tenant.
 */
class ReservedAmountSqlIT {
  static final long SEED = 20261206L;
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void theHoldsSqlAndTheCachedRuleAgreeOnEveryMix() {
    Jdbi jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    BudgetRowMappers.register(jdbi, new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS)));
    Random random = new Random(SEED);
    for (int round = 0; round < 120; round++) {
      String tenant = "sql-" + UUID.randomUUID().toString().substring(0, 8);
      jdbi.useHandle(h -> h.execute("""
          INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                      created_at, updated_at)
          VALUES (?, ?, ?, ?, 'x', now(), now())""", tenant, tenant, tenant, (tenant + "0".repeat(64)).substring(0, 64)));
      int rows = random.nextInt(8);
      for (int i = 0; i < rows; i++) {
        String status = List.of("held", "settled", "released", "expired", "recorded").get(random.nextInt(5));
        BigDecimal amount = cents(random, 500).add(new BigDecimal("0.01"));
        BigDecimal actual = status.equals("settled") || status.equals("recorded") ? cents(random, 600) : null;
        BigDecimal spendAtHold = new BigDecimal(100 + random.nextInt(10));
        Instant until = NOW.plusSeconds(random.nextInt(120) - 60);
        jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO budget_reservations (id, tenant_id, status, amount, actual_cost, spend_at_hold, created_at,
                                             expires_at, settled_at, counts_until)
            VALUES (:id, :tenant, :status, :amount, :actual, :spendAtHold, :created, :until, :settled, :countsUntil)""")
            .bind("id", UUID.randomUUID()).bind("tenant", tenant).bind("status", status).bind("amount", amount)
            .bind("actual", actual).bind("spendAtHold", spendAtHold).bind("created", NOW.minusSeconds(300))
            .bind("until", until).bind("settled", actual == null ? null : NOW.minusSeconds(10))
            .bind("countsUntil", actual == null ? null : until).execute());
      }
      for (int s = 0; s < 5; s++) {
        BigDecimal spend = new BigDecimal(100 + random.nextInt(16)).add(cents(random, 100));
        BigDecimal sql = jdbi.withExtension(ReservationDao.class, dao -> dao.reserved(tenant, spend, NOW));
        List<ReservedAmount.Open> open = jdbi.withExtension(ReservationDao.class, dao -> dao.open(tenant, NOW)).stream()
            .map(ReservationRow::open).toList();
        assertThat(ReservedAmount.reserved(open, spend, NOW)).as("seed %d round %d spend %s: %s", SEED, round, spend, open)
            .isEqualByComparingTo(sql);
      }
    }
  }

  static BigDecimal cents(Random random, int max) {
    return BigDecimal.valueOf(random.nextInt(max * 100), 2);
  }
}
