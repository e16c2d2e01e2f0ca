package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.rules.OverrideWindow;
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

  @Test
  void withoutASpendTheStateIsUnknownUnlessNothingMayBeSpentAtAll() {
    BudgetSnapshot unread = new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, null, null, List.of(), null, null, null);
    BudgetSnapshot nothingToSpend = new BudgetSnapshot("t", BigDecimal.ZERO, 80, 110, null, null, List.of(), null, null, null);

    BudgetStanding unknown = unread.status(NOW, SpendSource.LIVE);
    assertThat(unknown.state()).isEqualTo(BudgetState.UNKNOWN);
    assertThat(unknown.percentUsed()).isNull();
    assertThat(unknown.remaining()).isNull();
    assertThat(nothingToSpend.status(NOW, SpendSource.LIVE).state()).as("a budget of 0 blocks whatever the spend")
        .isEqualTo(BudgetState.BLOCKED);
  }

  @Test
  void anOverrideInItsWindowRaisesTheEffectiveBudgetAndTheLimits() {
    OverrideWindow window = new OverrideWindow(new BigDecimal("50"), NOW.minusSeconds(60), NOW.plusSeconds(60));
    BudgetSnapshot raised = new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, null, null, List.of(window),
        new BigDecimal("130"), NOW, null);

    BudgetStanding during = raised.status(NOW, SpendSource.LIVE);
    assertThat(raised.effectiveBudget(NOW)).isEqualByComparingTo("150");
    assertThat(during.overrideTotal()).isEqualByComparingTo("50");
    assertThat(during.blockAt()).isEqualByComparingTo("165");
    assertThat(during.percentUsed()).as("130 / 150, cut, not rounded up").isEqualByComparingTo("86.66");
    assertThat(during.remaining()).isEqualByComparingTo("20");
    assertThat(during.state()).isEqualTo(BudgetState.WARNING);
    assertThat(raised.effectiveBudget(NOW.plusSeconds(60))).as("the window has ended").isEqualByComparingTo("100");
    assertThat(raised.status(NOW.plusSeconds(60), SpendSource.LIVE).state()).as("130 of 100 is past block_at 110").isEqualTo(BudgetState.BLOCKED);
  }

  @Test
  void aNewSpendOrRateKeepsEverythingElseAndAPendingChangeIsShown() {
    Instant pending = NOW.minusSeconds(5);
    BudgetSnapshot loaded = new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, "30d", NOW.plusSeconds(3600),
        List.of(), new BigDecimal("10"), NOW.minusSeconds(30), new BigDecimal("2"), pending);

    BudgetSnapshot later = loaded.withSpend(new BigDecimal("95"), NOW);
    BudgetSnapshot faster = loaded.withBurnRate(new BigDecimal("7"));

    assertThat(later).isEqualTo(new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, "30d", NOW.plusSeconds(3600),
        List.of(), new BigDecimal("95"), NOW, new BigDecimal("2"), pending));
    assertThat(faster).isEqualTo(new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, "30d", NOW.plusSeconds(3600),
        List.of(), new BigDecimal("10"), NOW.minusSeconds(30), new BigDecimal("7"), pending));
    assertThat(later.status(NOW, SpendSource.LIVE).litellmSync()).isEqualTo(BudgetStanding.KeySync.PENDING);
    assertThat(snapshot("10", null).status(NOW, SpendSource.LIVE).litellmSync()).isEqualTo(BudgetStanding.KeySync.SYNCED);
  }

  private static BudgetSnapshot snapshot(String spend, BigDecimal rate) {
    return new BudgetSnapshot("t", new BigDecimal("100.00"), 80, 110, "30d", Instant.parse("2026-12-01T00:00:00Z"),
        List.of(), new BigDecimal(spend), NOW, rate);
  }
}
