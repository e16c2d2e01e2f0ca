package io.budgetgate.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders an alert (Mustache templates per level) or a budget reset notice into an email (HTML and
 * text) and a Slack message (an emoji per kind, the figures as fields).
 */
public final class MessageRenderer {
  private static final DateTimeFormatter RESET = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);
  private static final Map<String, String> EMOJI = Map.of("warning", ":warning:", "critical", ":rotating_light:", "blocked", ":no_entry:");
  private static final Map<String, String> COLOR = Map.of("warning", "#bf8700", "critical", "#cf222e", "blocked", "#82071e");
  private static final Set<String> FORECAST_LEVELS = Set.of("warning", "critical");
  private static final Map<String, String> TITLE = Map.of(
      "warning", "budget warning", "critical", "budget used up (grace period)", "blocked", "blocked: over budget");

  private final MustacheFactory mustache = new DefaultMustacheFactory("notify/email");
  private final Map<String, Mustache> templates = new ConcurrentHashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * The figures of one alert.
   *
   * @param projectedBlockAt when the tenant is blocked at the recent burn rate; null = no projection
   */
  public record Figures(
      String tenantId, String tenantName, String level, String source, BigDecimal spend, BigDecimal effectiveBudget,
      BigDecimal percentUsed, int alertThreshold, int graceThreshold, Instant budgetResetAt, Instant projectedBlockAt) {}

  /**
   * What a budget reset notice says.
   *
   * @param finalSpend the ended period's spend as last read; null when not known
   * @param effectiveBudget the budget (with overrides active at the reset)
   * @param nextResetAt when the new period ends; null without a budget period
   * @param trigger {@code period_end} (the schedule) or {@code on_demand} (an admin)
   */
  public record ResetFigures(String tenantId, String tenantName, BigDecimal finalSpend, BigDecimal effectiveBudget,
      Instant nextResetAt, String trigger) {}

  public RenderedMessage renderResetNotice(ResetFigures f) {
    Map<String, Object> m = new HashMap<>();
    m.put("tenant_id", f.tenantId());
    m.put("tenant_name", f.tenantName());
    m.put("final_spend", f.finalSpend() == null ? "not known" : "$" + money(f.finalSpend()));
    m.put("effective_budget", money(f.effectiveBudget()));
    m.put("reset_text", f.nextResetAt() == null ? "no scheduled reset (no budget period)" : RESET.format(f.nextResetAt()));
    m.put("trigger_text", "on_demand".equals(f.trigger())
        ? "An admin reset the budget on demand." : "The budget period ended on schedule.");
    String subject = "[BudgetGate] " + f.tenantName() + " (" + f.tenantId() + "): budget reset, new period"
        + (f.nextResetAt() == null ? "" : " until " + m.get("reset_text"));
    String headline = ":arrows_counterclockwise: *" + f.tenantName() + "* (`" + f.tenantId() + "`): budget reset";
    ObjectNode root = json.createObjectNode();
    root.put("text", headline + ". Last period's spend " + m.get("final_spend") + " of $" + m.get("effective_budget")
        + "; the new period resets " + m.get("reset_text") + ".");
    var blocks = root.putArray("blocks");
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", headline);
    var fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Last period's spend", String.valueOf(m.get("final_spend")));
    field(fields, "Budget", "$" + m.get("effective_budget"));
    field(fields, "Next reset", String.valueOf(m.get("reset_text")));
    return new RenderedMessage(subject, apply("reset.txt.mustache", m), apply("reset.html.mustache", m), root.toString());
  }

  public RenderedMessage render(Figures f) {
    Map<String, Object> model = model(f);
    String subject = "[BudgetGate] " + f.tenantName() + " (" + f.tenantId() + "): " + TITLE.get(f.level())
        + ", " + model.get("percent_used") + "% used";
    return new RenderedMessage(subject, apply(f.level() + ".txt.mustache", model), apply(f.level() + ".html.mustache", model),
        slack(f, model));
  }

  private Map<String, Object> model(Figures f) {
    Map<String, Object> m = new HashMap<>();
    m.put("tenant_id", f.tenantId());
    m.put("tenant_name", f.tenantName());
    m.put("source", f.source());
    m.put("spend", money(f.spend()));
    m.put("effective_budget", money(f.effectiveBudget()));
    m.put("percent_used", f.percentUsed().setScale(2, RoundingMode.DOWN).toPlainString());
    m.put("remaining", money(f.effectiveBudget().subtract(f.spend()).max(BigDecimal.ZERO)));
    m.put("block_at", money(f.effectiveBudget().multiply(BigDecimal.valueOf(f.graceThreshold())).divide(BigDecimal.valueOf(100))));
    m.put("alert_threshold", f.alertThreshold());
    m.put("grace_threshold", f.graceThreshold());
    m.put("reset_text", f.budgetResetAt() == null ? "no scheduled reset (no budget period)" : RESET.format(f.budgetResetAt()));
    m.put("color", COLOR.get(f.level()));
    forecast(f).ifPresent(sentence -> m.put("forecast", sentence));
    return m;
  }

  /**
   * "At the current rate this tenant is blocked on ...": for warning and critical alerts that carry a
   * projection (a blocked alert already says the tenant is blocked).
   */
  private static Optional<String> forecast(Figures f) {
    if (f.projectedBlockAt() == null || !FORECAST_LEVELS.contains(f.level())) {
      return Optional.empty();
    }
    return Optional.of("At the current rate this tenant is blocked on " + RESET.format(f.projectedBlockAt()) + ".");
  }

  private String slack(Figures f, Map<String, Object> m) {
    String headline = EMOJI.get(f.level()) + " *" + f.tenantName() + "* (`" + f.tenantId() + "`): " + TITLE.get(f.level());
    String figures = "Spend *$" + m.get("spend") + "* of $" + m.get("effective_budget") + " (" + m.get("percent_used")
        + "%), remaining $" + m.get("remaining") + ", resets " + m.get("reset_text") + "."
        + (m.containsKey("forecast") ? " " + m.get("forecast") : "");
    ObjectNode root = json.createObjectNode();
    root.put("text", headline + " " + figures);
    var blocks = root.putArray("blocks");
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", headline);
    var fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Spend", "$" + m.get("spend"));
    field(fields, "Budget", "$" + m.get("effective_budget"));
    field(fields, "Used", m.get("percent_used") + "%");
    field(fields, "Remaining", "$" + m.get("remaining"));
    field(fields, "Resets", String.valueOf(m.get("reset_text")));
    field(fields, "Source", f.source());
    if (m.containsKey("forecast")) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", String.valueOf(m.get("forecast")));
    }
    return root.toString();
  }

  private static void field(ArrayNode fields, String name, String value) {
    fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + value);
  }

  private String apply(String template, Map<String, Object> model) {
    StringWriter out = new StringWriter();
    templates.computeIfAbsent(template, mustache::compile).execute(out, model);
    return out.toString();
  }

  private static String money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
