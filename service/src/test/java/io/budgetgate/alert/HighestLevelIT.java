package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertDao#highestLevel}, which decides whether a check or the reconciler raises an alert:
 * on real PostgreSQL, over alerts of two tenants in three periods, inserted lowest level last so
 * neither insertion order nor time can stand in for the level order.
 */
class HighestLevelIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final Instant P0 = Instant.parse("2026-10-01T00:00:00Z");
  static final Instant P1 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant P2 = Instant.parse("2026-12-01T00:00:00Z");
  static Jdbi jdbi;

  @BeforeAll
  static void fixtures() {
    jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    for (String tenant : new String[] {"hl-a", "hl-b", "hl-c"}) {
      jdbi.useHandle(h -> h.execute("""
          INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key, max_budget,
                                      created_at, updated_at)
          VALUES (?, ?, ?, encode(sha256(convert_to(?, 'UTF8')), 'hex'), ?, 100, now(), now())""",
          tenant, tenant, tenant, "sk-" + tenant, "sk-" + tenant));
    }
    alert("hl-a", P0, "blocked", P0.plusSeconds(10)); // an older period's blocked alert
    alert("hl-a", P1, "critical", P1.plusSeconds(10));
    alert("hl-a", P1, "blocked", P1.plusSeconds(20));
    alert("hl-a", P1, "warning", P1.plusSeconds(30)); // the newest, and the lowest
    alert("hl-a", P2, "warning", P2.plusSeconds(10));
    alert("hl-b", P1, "critical", P1.plusSeconds(5));
    alert("hl-b", P1, "warning", P1.plusSeconds(50));
    alert("hl-c", P2, "critical", P2.plusSeconds(1));
    alert("hl-c", P2, "blocked", P2.plusSeconds(2));
  }

  @Test
  void theHighestLevelOfTheTenantsOwnPeriodWhateverTheOrderOrTheNeighbours() {
    assertThat(highest("hl-a", P1)).as("blocked above critical, the newer warning does not lower it").contains("blocked");
    assertThat(highest("hl-a", P2)).as("a new period starts from its own alerts").contains("warning");
    assertThat(highest("hl-a", P0)).contains("blocked");
    assertThat(highest("hl-b", P1)).as("critical above the newer warning; hl-a's blocked is not hl-b's").contains("critical");
    assertThat(highest("hl-b", P2)).as("no alert in this period").isEmpty();
    assertThat(highest("hl-c", P2)).contains("blocked");
    assertThat(highest("hl-c", P1)).isEmpty();
  }

  private static Optional<String> highest(String tenant, Instant period) {
    return jdbi.withExtension(AlertDao.class, dao -> dao.highestLevel(tenant, period)).map(AlertLevel::wireName);
  }

  private static void alert(String tenant, Instant period, String level, Instant at) {
    jdbi.useHandle(h -> h.createUpdate("""
        INSERT INTO budget_alert_history (id, tenant_id, level, percent_used, spend, effective_budget, source, period_start,
                                          created_at)
        VALUES (:id, :tenant, :level, 90, 90, 100, 'webhook', :period, :at)""")
        .bind("id", UUID.randomUUID()).bind("tenant", tenant).bind("level", level).bind("period", period).bind("at", at).execute());
  }
}
