package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.rules.BudgetState;
import io.dropwizard.jackson.Jackson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cached snapshot: its forecast survives the cache, and entries cached before it still read. */
class BudgetSnapshotTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final ObjectMapper JSON = Jackson.newObjectMapper();

  static {
    BudgetGateApplication.configureJson(JSON);
  }

  @Test
  void aStatusFromTheCacheProjectsFromTheCachedRateAtTheTimeAsked() throws Exception {
    BudgetSnapshot loaded = snapshot("44", new BigDecimal("1.000000"));
    BudgetSnapshot cached = JSON.readValue(JSON.writeValueAsString(loaded), BudgetSnapshot.class);

    BudgetStanding later = cached.status(NOW.plusSeconds(30), SpendSource.CACHE);

    assertThat(later.projectedBlockAt()).isEqualTo(Instant.parse("2026-11-23T06:00:30Z"));
    assertThat(later.projectedPeriodSpend()).isEqualByComparingTo("295.99");
  }

  @Test
  void aSnapshotCachedBeforeTheForecastExistedStillReadsWithNoProjection() throws Exception {
    var entry = (ObjectNode) JSON.readTree(
        JSON.writeValueAsString(snapshot("44", new BigDecimal("1"))));
    entry.remove("burnRatePerHour");
    String old = entry.toString();

    BudgetSnapshot cached = JSON.readValue(old, BudgetSnapshot.class);
    BudgetStanding status = cached.status(NOW, SpendSource.CACHE);

    assertThat(old).contains("\"spendAt\"").doesNotContain("burnRatePerHour");
    assertThat(cached.burnRatePerHour()).isNull();
    assertThat(status.state()).isEqualTo(BudgetState.OK);
    assertThat(status.projectedBlockAt()).isNull();
    assertThat(status.projectedPeriodSpend()).isNull();
  }

  @Test
  void theStatusJsonNamesBothProjectionsEvenWhenNull() throws Exception {
    String body = JSON.writeValueAsString(snapshot("44", null).status(NOW, SpendSource.LIVE));

    assertThat(body).contains("\"projected_block_at\":null").contains("\"projected_period_spend\":null");
  }

  @Test
  void aBlockedTenantIsProjectedBlockedAtTheTimeOfTheAnswer() {
    BudgetStanding status = snapshot("120", null).status(NOW, SpendSource.LIVE);

    assertThat(status.state()).isEqualTo(BudgetState.BLOCKED);
    assertThat(status.projectedBlockAt()).isEqualTo(status.checkedAt());
  }

  private static BudgetSnapshot snapshot(String spend, BigDecimal rate) {
    return new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, "30d", Instant.parse("2026-12-01T00:00:00Z"),
        List.of(), new BigDecimal(spend), NOW, rate);
  }
}
