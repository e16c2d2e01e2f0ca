package io.budgetgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test class's service with people to notify: its own migrated database, a LiteLLM simulator,
 * a real SMTP server (GreenMail) and a Slack sink, on the moved clock ({@link #clocked}) or the
 * real one ({@link #realTime}). Register it as a static {@code @RegisterExtension} field: it starts
 * the app before the class's tests and stops the app, then the SMTP server and the Slack sink,
 * after them. Each instance owns its servers, so two classes using it never share (or close) each
 * other's.
 */
public final class NotifyingApp implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final Mailbox smtp = new Mailbox();
  private SlackSink slack = new SlackSink();
  private boolean ranBefore;
  private final TestPostgres.Database db = TestApps.migratedDatabase();
  private final LiteLlmSimulator litellm;
  private final TestClock clock;
  private final DropwizardAppExtension<BudgetGateConfiguration> app;
  private ApiClient api;
  private BudgetScenario given;

  private NotifyingApp(Clock clock, TestClock testClock, ConfigOverride... extra) {
    this.litellm = TestApps.simulator(clock);
    this.clock = testClock;
    List<ConfigOverride> overrides = new ArrayList<>(List.of(
        ConfigOverride.config("notifications.smtp.host", "127.0.0.1"),
        ConfigOverride.config("notifications.smtp.port", String.valueOf(smtp.port()))));
    overrides.addAll(List.of(extra));
    this.app = TestApps.app(clock, db, litellm, overrides.toArray(ConfigOverride[]::new));
  }

  /**
   * On its own {@link TestClock} ({@link #clock()}), which the test moves (the simulator reads it
   * too); the clock is set back to {@link TestClock#START} before every test.
   */
  public static NotifyingApp clocked(ConfigOverride... extra) {
    TestClock clock = new TestClock();
    return new NotifyingApp(clock, clock, extra);
  }

  /** On the real clock, for what needs real time to pass (dedup windows, retries). */
  public static NotifyingApp realTime(ConfigOverride... extra) {
    return new NotifyingApp(Clock.systemUTC(), null, extra);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (clock != null) {
      clock.beforeEach(context);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (ranBefore) {
      // the class again in this JVM (PIT's mutation runs): new servers, nothing of the last run's mail
      smtp.start();
      slack = new SlackSink();
    }
    ranBefore = true;
    beforeEach(context);
    try {
      app.before();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("the app did not start", t);
    }
    api = new ApiClient(baseUrl());
    given = new BudgetScenario(api, litellm, db);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      app.after();
    } finally {
      slack.close();
      smtp.close();
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + app.getLocalPort();
  }

  /** The SMTP server, to stop and start it. */
  public Mailbox smtp() {
    return smtp;
  }

  /** The Slack sink, to make it fail. */
  public SlackSink slack() {
    return slack;
  }

  public ApiClient api() {
    return api;
  }

  public BudgetScenario given() {
    return given;
  }

  /** The services the app built, for tests that drive one in process. */
  public BudgetGateApplication.Wired features() {
    return ((TestApplication) app.getApplication()).features();
  }

  /** The clock of {@link #clocked()}; the test moves it. */
  public TestClock clock() {
    if (clock == null) {
      throw new IllegalStateException("a realTime() app runs on the system clock");
    }
    return clock;
  }

  public int adminPort() {
    return app.getAdminPort();
  }

  /** The app's metric registry, to read a counter before and after what the test caused. */
  public MetricRegistry metrics() {
    return app.getEnvironment().metrics();
  }

  public TestPostgres.Database database() {
    return db;
  }

  /**
   * A new tenant "prefix-xxxxxxxx" with these budget fields (JSON members) whose contacts are this
   * fixture's: the email address ops@{tenant}.test and the Slack sink.
   */
  public String tenant(String prefix, String budgetFields) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    given.tenant(id, budgetFields + ", \"notification_emails\": [\"ops@" + id + ".test\"], \"slack_webhook_url\": \""
        + slack.url() + "\"");
    return id;
  }

  /** The mails whose subject names this tenant, "(tenant)", in arrival order. */
  public List<MimeMessage> mailsFor(String tenant) {
    return smtp.messages().stream().filter(m -> subject(m).contains("(" + tenant + ")")).toList();
  }

  /**
   * Waits up to 15 s for {@code count} mails for the tenant and for its email rows in the outbox to
   * be done (none pending: nothing more is on its way), then checks it got exactly that many: a
   * duplicate fails here rather than passing as "at least".
   */
  public List<MimeMessage> awaitMails(String tenant, int count) {
    Eventually.await(count + " mail(s) for " + tenant + " and none more pending", Duration.ofSeconds(15),
        () -> mailsFor(tenant).size() >= count && pending(tenant, "email") == 0);
    List<MimeMessage> mails = mailsFor(tenant);
    assertThat(mails).as("mails for " + tenant).hasSize(count);
    return mails;
  }

  /** {@link #awaitMails} for the tenant's Slack messages. */
  public List<String> awaitSlack(String tenant, int count) {
    Eventually.await(count + " Slack message(s) for " + tenant + " and none more pending", Duration.ofSeconds(15),
        () -> slackFor(tenant).size() >= count && pending(tenant, "slack") == 0);
    List<String> messages = slackFor(tenant);
    assertThat(messages).as("Slack messages for " + tenant).hasSize(count);
    return messages;
  }

  private long pending(String tenant, String channel) {
    try {
      return given().count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = '"
          + channel + "' AND status = 'pending'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Slack messages that name this tenant, in arrival order. */
  public List<String> slackFor(String tenant) {
    return slack.messages().stream().filter(m -> m.contains(tenant)).toList();
  }

  public static String subject(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
