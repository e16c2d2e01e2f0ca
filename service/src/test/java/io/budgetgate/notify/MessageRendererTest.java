package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each level's email and Slack message, rendered with real figures, read as a person would. */
class MessageRendererTest {
  private final MessageRenderer renderer = new MessageRenderer();
  private static final Instant RESET = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant BLOCKED_AT = Instant.parse("2026-11-23T06:00:00Z");

  @Test
  void warningNamesTheTenantTheFiguresAndThatNothingIsBlocked() throws Exception {
    RenderedMessage m = render("warning", "85.00", "85.00");

    assertThat(m.subject()).isEqualTo("[BudgetGate] Acme <Corp> (acme): budget warning, 85.00% used");
    assertThat(m.text()).contains("Acme <Corp> (acme) has used 85.00% of its budget")
        .contains("Spend:      $85.00").contains("Budget:     $100.00").contains("Remaining:  $15.00")
        .contains("Resets:     Tue 1 Dec 2026, 00:00 UTC").contains("Nothing is blocked yet");
    assertThat(m.html()).contains("Acme &lt;Corp&gt;").doesNotContain("Acme <Corp>").contains("<strong>$85.00</strong>");
    JsonNode slack = new ObjectMapper().readTree(m.slackJson());
    assertThat(slack.get("text").asText()).startsWith(":warning: *Acme <Corp>* (`acme`)").contains("$85.00").contains("85.00%");
    assertThat(slack.at("/blocks/1/fields").findValuesAsText("text")).contains("*Remaining*\n$15.00", "*Used*\n85.00%");
  }

  @Test
  void criticalSaysTheGraceBandAndWhereCallsStop() {
    RenderedMessage m = render("critical", "104.50", "104.50");

    assertThat(m.subject()).contains("budget used up (grace period), 104.50% used");
    assertThat(m.text()).contains("calls are still allowed until 110% of the budget ($110.00)").contains("Remaining:  $0.00");
    assertThat(m.slackJson()).contains(":rotating_light:");
  }

  @Test
  void blockedSaysCallsAreRefusedAndUntilWhen() {
    RenderedMessage m = render("blocked", "110.00", "110.00");

    assertThat(m.subject()).contains("blocked: over budget, 110.00% used");
    assertThat(m.text()).contains("LLM calls are refused with HTTP 402").contains("until the budget resets");
    assertThat(m.slackJson()).contains(":no_entry:");
  }

  @Test
  void withoutAPeriodTheResetLineSaysSo() {
    RenderedMessage m = renderer.render(new MessageRenderer.Figures("acme", "Acme", "warning", "check",
        new BigDecimal("80"), new BigDecimal("100"), new BigDecimal("80"), 80, 110, null, null));

    assertThat(m.text()).contains("no scheduled reset");
  }

  @Test
  void aWarningWithAProjectionSaysWhenTheTenantIsBlockedInEveryChannel() throws Exception {
    RenderedMessage m = render("warning", "85.00", "85.00", BLOCKED_AT);

    String sentence = "At the current rate this tenant is blocked on Mon 23 Nov 2026, 06:00 UTC.";
    assertThat(m.text()).contains("Resets:     Tue 1 Dec 2026, 00:00 UTC\n\n" + sentence + "\n\nNothing is blocked yet");
    assertThat(m.html()).contains("<p><strong>" + sentence + "</strong></p>");
    JsonNode slack = new ObjectMapper().readTree(m.slackJson());
    assertThat(slack.get("text").asText()).endsWith(sentence);
    assertThat(slack.at("/blocks/2/text/text").asText()).isEqualTo(sentence);
  }

  @Test
  void aCriticalAlertWithAProjectionSaysItToo() {
    RenderedMessage m = render("critical", "104.50", "104.50", BLOCKED_AT);

    assertThat(m.text()).contains("At the current rate this tenant is blocked on Mon 23 Nov 2026, 06:00 UTC.");
    assertThat(m.html()).contains("At the current rate this tenant is blocked on Mon 23 Nov 2026, 06:00 UTC.");
    assertThat(m.slackJson()).contains("At the current rate this tenant is blocked on Mon 23 Nov 2026, 06:00 UTC.");
  }

  @Test
  void withoutAProjectionNoForecastSentenceAppearsAnywhere() {
    RenderedMessage m = render("warning", "85.00", "85.00");

    assertThat(m.text()).doesNotContain("At the current rate").contains("Resets:     Tue 1 Dec 2026, 00:00 UTC\n\nNothing");
    assertThat(m.html()).doesNotContain("At the current rate");
    assertThat(m.slackJson()).doesNotContain("At the current rate");
  }

  @Test
  void aBlockedAlertDoesNotForecastWhatAlreadyHappened() {
    RenderedMessage m = render("blocked", "110.00", "110.00", BLOCKED_AT);

    assertThat(m.text() + m.html() + m.slackJson()).doesNotContain("At the current rate");
  }

  @Test
  void aResetNoticeSaysTheTenantTheEndedPeriodsSpendTheBudgetAndTheNextReset() throws Exception {
    RenderedMessage m = renderer.renderResetNotice(new MessageRenderer.ResetFigures("acme", "Acme <Corp>",
        new BigDecimal("87.456"), new BigDecimal("150.00"), RESET, "period_end"));

    assertThat(m.subject()).isEqualTo("[BudgetGate] Acme <Corp> (acme): budget reset, new period until Tue 1 Dec 2026, 00:00 UTC");
    assertThat(m.text()).contains("the budget of tenant Acme <Corp> (acme) was reset")
        .contains("Last period's spend:  $87.46").contains("Budget:               $150.00")
        .contains("Next reset:           Tue 1 Dec 2026, 00:00 UTC").contains("The budget period ended on schedule.");
    assertThat(m.html()).contains("Acme &lt;Corp&gt;").doesNotContain("Acme <Corp>").contains("<strong>$87.46</strong>")
        .contains("$150.00");
    JsonNode slack = new ObjectMapper().readTree(m.slackJson());
    assertThat(slack.get("text").asText()).isEqualTo(":arrows_counterclockwise: *Acme <Corp>* (`acme`): budget reset. "
        + "Last period's spend $87.46 of $150.00; the new period resets Tue 1 Dec 2026, 00:00 UTC.");
    assertThat(slack.at("/blocks/1/fields").findValuesAsText("text")).contains("*Budget*\n$150.00");
  }

  @Test
  void aResetNoticeOnDemandWithoutPeriodOrKnownSpendSaysSo() {
    RenderedMessage m = renderer.renderResetNotice(new MessageRenderer.ResetFigures("acme", "Acme", null,
        new BigDecimal("100"), null, "on_demand"));

    assertThat(m.subject()).isEqualTo("[BudgetGate] Acme (acme): budget reset, new period");
    assertThat(m.text()).contains("Last period's spend:  not known").contains("no scheduled reset")
        .contains("An admin reset the budget on demand.");
  }

  private RenderedMessage render(String level, String spend, String percent) {
    return render(level, spend, percent, null);
  }

  private RenderedMessage render(String level, String spend, String percent, Instant projectedBlockAt) {
    return renderer.render(new MessageRenderer.Figures("acme", "Acme <Corp>", level, "webhook", new BigDecimal(spend),
        new BigDecimal("100.00"), new BigDecimal(percent), 80, 110, RESET, projectedBlockAt));
  }
}
