package io.budgetgate.harness;

import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.SlackSink;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.jackson.Jackson;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario runs against: its own PostgreSQL database (migrated with the jar's
 * {@code db migrate}), Redis, a GreenMail SMTP server, a Slack sink and the LiteLLM simulator on
 * its own port. Talks to BudgetGate only over HTTP, SMTP and SQL.
 */
final class Harness implements AutoCloseable {
  static final String ADMIN = TestTokens.ADMIN;
  static final String PLATFORM = TestTokens.PLATFORM;
  static final String VIEWER = TestTokens.VIEWER;
  static final String PATH_TOKEN = "harness-path-token";

  final TestPostgres.Database db = TestPostgres.newDatabase();
  final LiteLlmSimulator litellm = LiteLlmSimulator.onFreePort(TestTokens.LITELLM_MASTER_KEY, Jackson.newObjectMapper(), Clock.systemUTC());
  final Mailbox smtp = new Mailbox();
  final SlackSink slack = new SlackSink();
  final String redisUrl;

  Harness() throws Exception {
    this(TestRedis.url());
  }

  Harness(String redisUrl) throws Exception {
    this.redisUrl = redisUrl;
    ServiceJar.Run migrate = ServiceJar.run(env(), 120, "db", "migrate", ServiceJar.shippedConfig("config.yml").toString());
    if (migrate.exitCode() != 0) {
      throw new AssertionError("db migrate failed:\n" + migrate.output());
    }
  }

  /** config.yml's environment for this harness. */
  Map<String, String> env() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(ServiceJar.productionEnv(db, litellm.baseUrl(), 0, 0));
    env.remove("HTTP_PORT");
    env.remove("ADMIN_PORT");
    env.put("REDIS_URL", redisUrl);
    env.put("WEBHOOK_SECRET", Webhooks.SECRET);
    env.put("WEBHOOK_PATH_TOKEN", PATH_TOKEN);
    env.put("VIEWER_TOKEN_SHA256", "04afacc947b28c94e15578a9db68c1d1bf775b3ff82bc88e31d4465f26bc0b42");
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(smtp.port()));
    env.put("SMTP_FROM", "budgetgate@harness.test");
    return env;
  }

  /** Short timings for the scenarios, as -Ddw overrides of config.yml (never sleeping real values). */
  static Map<String, String> shortTimings() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("alerts.dedupTtl", "3s");
    o.put("alerts.reconcileInterval", "1s");
    o.put("alerts.reconcileSpread", "500ms");
    o.put("budget.jobInterval", "1s");
    o.put("budget.cacheTtl", "1s");
    o.put("notifications.dispatchInterval", "200ms");
    o.put("notifications.retryBackoff[0]", "1s");
    o.put("notifications.retryBackoff[1]", "1s");
    o.put("notifications.sendTimeout", "1s");
    o.put("litellm.timeout", "300ms");
    o.put("litellm.decisionTimeout", "300ms");
    o.put("litellm.breaker.openFor", "1s");
    o.put("litellm.breaker.window", "10"); // with a healthy history, at most 5 failed checks open it
    o.put("budget.degradedTtl", "500ms");
    return o;
  }

  ServiceProcess start() throws Exception {
    return start(shortTimings());
  }

  ServiceProcess start(Map<String, String> overrides) throws Exception {
    return new ServiceProcess(env(), overrides).start();
  }

  /** Creates a tenant whose emails and Slack messages land in this harness. */
  void tenant(ApiClient api, String id, String extra) {
    ApiClient.Answer created = api.post("/v1/tenants", ADMIN, "{\"tenant_id\": \"" + id + "\", \"name\": \"" + id + "\", "
        + "\"notification_emails\": [\"ops@" + id + ".test\"], \"slack_webhook_url\": \"" + slack.url() + "\""
        + (extra.isBlank() ? "" : ", " + extra) + "}");
    if (created.status() != 201) {
      throw new AssertionError("creating " + id + ": " + created.status() + " " + created.body());
    }
  }

  void spend(String tenant, String amount) {
    litellm.setSpend(tenant, new BigDecimal(amount));
  }

  /**
   * Sets the spend in LiteLLM and waits until the service answers with it. A reconciler round
   * (every second here) may have cached the spend from a key list read just before it was set;
   * that snapshot is served for the 1 s cache TTL, so a check right after {@link #spend} may not
   * see the new spend yet. A scenario about what a known spend decides waits for it here.
   */
  void spendKnown(ApiClient api, String tenant, String amount) {
    spend(tenant, amount);
    BigDecimal wanted = new BigDecimal(amount);
    Eventually.await(tenant + " answered with spend " + amount, Duration.ofSeconds(10),
        () -> {
          ApiClient.Answer status = api.get("/v1/tenants/" + tenant + "/budget", PLATFORM);
          return status.status() == 200 && status.json().get("spend").isNumber()
              && wanted.compareTo(status.json().get("spend").decimalValue()) == 0;
        });
  }

  List<MimeMessage> mailsFor(String tenant) {
    return smtp.messages().stream().filter(m -> subject(m).contains("(" + tenant + ")")).toList();
  }

  List<String> slackFor(String tenant) {
    return slack.messages().stream().filter(m -> m.contains(tenant)).toList();
  }

  long count(String sql) {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  void execute(String sql) {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static String subject(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    litellm.stop();
    slack.close();
    smtp.close();
  }
}
