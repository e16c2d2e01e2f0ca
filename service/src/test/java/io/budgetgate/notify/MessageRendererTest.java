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
        new BigDecimal("80"), new BigDecimal("100"), new BigDecimal("80"), 80, 110, null));

    assertThat(m.text()).contains("no scheduled reset");
  }

  private RenderedMessage render(String level, String spend, String percent) {
    return renderer.render(new MessageRenderer.Figures("acme", "Acme <Corp>", level, "webhook", new BigDecimal(spend),
        new BigDecimal("100.00"), new BigDecimal(percent), 80, 110, RESET));
  }
}
