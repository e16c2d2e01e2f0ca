package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OverviewQueryTest {

  @Test
  void defaultsToAllTenantsMostUsedFirstOnPageOne() {
    assertThat(OverviewQuery.of(null, null, null)).isEqualTo(new OverviewQuery("all", "percent_desc", 1));
  }

  @Test
  void readsKnownValuesWhateverTheirCase() {
    assertThat(OverviewQuery.of(" Blocked ", "TENANT", "3")).isEqualTo(new OverviewQuery("blocked", "tenant", 3));
  }

  @Test
  void unknownValuesFallBackInsteadOfFailing() {
    assertThat(OverviewQuery.of("<script>", "drop table", "-4")).isEqualTo(new OverviewQuery("all", "percent_desc", 1));
    assertThat(OverviewQuery.of("ok", "percent_asc", "x")).isEqualTo(new OverviewQuery("ok", "percent_asc", 1));
  }

  @Test
  void changingTheFilterOrOrderGoesBackToPageOne() {
    OverviewQuery onPage4 = new OverviewQuery("warning", "tenant", 4);

    assertThat(onPage4.withState("blocked").href()).isEqualTo("/dashboard?state=blocked&sort=tenant&page=1");
    assertThat(onPage4.withSort("percent_asc").href()).isEqualTo("/dashboard?state=warning&sort=percent_asc&page=1");
  }
}
