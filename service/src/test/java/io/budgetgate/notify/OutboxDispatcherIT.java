package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.SlackSink;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.dropwizard.util.Duration;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboxDispatcher} on its own, on real PostgreSQL, a real SMTP server (GreenMail) and a
 * Slack webhook sink: no application runs beside it, so the only dispatcher is the test's, and
 * {@code drain()} is called by the test (its scheduler only where the test is about the scheduler).
 * What a round does to each row and to the audit log is checked field by field: sent, due again
 * after the configured backoff, given up after {@code maxAttempts}, leased while it sends.
 */
class OutboxDispatcherIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
  static final int MAX_ATTEMPTS = 3;
  static Mailbox SMTP;
  static SlackSink SLACK;
  static final ObjectMapper JSON = new ObjectMapper();
  static Jdbi jdbi;

  final TestClock clock = new TestClock(START);
  final AuditLog audit = new AuditLog(jdbi, clock, JSON);

  @BeforeAll
  static void connect() {
    // opened here, not in the field, so that a second run of the class in one JVM (PIT) gets servers
    // its first run did not close
    SMTP = new Mailbox();
    SLACK = new SlackSink();
    jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    NotifyWiring.registerMappers(jdbi);
  }

  @AfterAll
  static void close() {
    SMTP.close();
    SLACK.close();
  }

  @BeforeEach
  void fromEmpty() {
    TestApps.emptyTables(DB); // a dispatcher claims every due row: each test starts with its own only
  }

  /** Mail goes to this port; {@code smtpPort} with nothing listening makes every email fail at once. */
  private OutboxDispatcher dispatcher(int smtpPort) {
    return dispatcher(smtpPort, Duration.hours(1));
  }

  private OutboxDispatcher dispatcher(int smtpPort, Duration dispatchInterval) {
    NotifyConfig config = new NotifyConfig(new NotifyConfig.Smtp("127.0.0.1", smtpPort, "", "", "budgetgate@dispatch.test", false),
        "", dispatchInterval, List.of(Duration.seconds(10), Duration.seconds(70)), MAX_ATTEMPTS, Duration.seconds(5));
    java.time.Duration timeout = config.sendTimeout().toJavaDuration();
    return new OutboxDispatcher(jdbi, new MessageRenderer(), new EmailSender(config.smtp(), timeout), new SlackSender(timeout),
        audit, config, clock);
  }

  @Test
  void aDeliveredEmailIsMarkedSentAtTheClocksInstantAndAuditedWithoutANote() throws Exception {
    String tenant = tenant("sent");
    UUID alert = alert(tenant, "critical", email("ops@sent.test"));

    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);

    assertThat(mailsTo("ops@sent.test")).hasSize(1);
    assertThat(mailsTo("ops@sent.test").get(0).getSubject()).contains("Sent Tenant");
    Map<String, Object> row = row(tenant);
    assertThat(row).containsEntry("status", "sent").containsEntry("attempts", 1).containsEntry("last_error", null);
    assertThat(((Timestamp) row.get("sent_at")).toInstant()).isEqualTo(START);
    JsonNode details = onlyAudit(tenant, "notification.sent");
    assertThat(details.get("outbox_id").asLong()).isEqualTo(((Number) row.get("id")).longValue());
    assertThat(details.get("alert_id").asText()).isEqualTo(alert.toString());
    assertThat(details.get("channel").asText()).isEqualTo("email");
    assertThat(details.get("recipient").asText()).isEqualTo("ops@sent.test");
    assertThat(details.get("level").asText()).isEqualTo("critical");
    assertThat(details.get("attempt").asInt()).isEqualTo(1);
    assertThat(details.has("note")).as("a real send has no preview note").isFalse();
    assertThat(dispatcher(SMTP.port()).drain()).as("a sent row is not sent again").isZero();
    assertThat(mailsTo("ops@sent.test")).hasSize(1);
  }

  @Test
  void aFailedSendIsDueAgainAfterItsBackoffAndGivenUpAfterMaxAttempts() throws Exception {
    String tenant = tenant("retry");
    alert(tenant, "warning", email("ops@retry.test"));
    OutboxDispatcher down = dispatcher(TestRedis.freePort()); // nothing listens: connection refused

    assertThat(down.drain()).isEqualTo(1);
    Map<String, Object> row = row(tenant);
    assertThat(row).containsEntry("status", "pending").containsEntry("attempts", 1);
    assertThat(((Timestamp) row.get("next_attempt_at")).toInstant()).as("first backoff").isEqualTo(START.plusSeconds(10));
    assertThat((String) row.get("last_error")).startsWith("EmailException: ");
    JsonNode first = onlyAudit(tenant, "notification.failed");
    assertThat(first.get("will_retry").asBoolean()).isTrue();
    assertThat(first.get("next_attempt_at").asText()).isEqualTo(START.plusSeconds(10).toString());
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.get("note").asText()).startsWith("EmailException: ");

    clock.advance(java.time.Duration.ofSeconds(9));
    assertThat(down.drain()).as("not due before its backoff").isZero();
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(down.drain()).as("due at its backoff").isEqualTo(1);
    assertThat(((Timestamp) row(tenant).get("next_attempt_at")).toInstant()).as("second backoff")
        .isEqualTo(START.plusSeconds(10 + 70));
    clock.advance(java.time.Duration.ofSeconds(70));
    assertThat(down.drain()).isEqualTo(1);

    row = row(tenant);
    assertThat(row).as("attempt %d of %d failed: given up", MAX_ATTEMPTS, MAX_ATTEMPTS).containsEntry("status", "failed")
        .containsEntry("attempts", MAX_ATTEMPTS);
    assertThat((String) row.get("last_error")).startsWith("EmailException: ");
    List<JsonNode> failures = audits(tenant, "notification.failed");
    assertThat(failures).extracting(d -> d.get("will_retry").asBoolean()).containsExactly(true, true, false);
    assertThat(failures).extracting(d -> d.get("attempt").asInt()).containsExactly(1, 2, 3);
    assertThat(failures.get(2).get("next_attempt_at").isNull()).as("no next attempt once given up").isTrue();
    clock.advance(java.time.Duration.ofDays(1));
    assertThat(down.drain()).as("a failed row is never claimed again").isZero();
    assertThat(dispatcher(SMTP.port()).drain()).isZero();
    assertThat(mailsTo("ops@retry.test")).isEmpty();
  }

  @Test
  void aRetryAfterTheServerIsBackSendsTheMailOnceAndClearsTheError() throws Exception {
    String tenant = tenant("back");
    alert(tenant, "warning", email("ops@back.test"));
    assertThat(dispatcher(TestRedis.freePort()).drain()).isEqualTo(1);
    assertThat((String) row(tenant).get("last_error")).isNotNull();

    clock.advance(java.time.Duration.ofSeconds(10));
    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);

    assertThat(mailsTo("ops@back.test")).hasSize(1);
    assertThat(row(tenant)).containsEntry("status", "sent").containsEntry("attempts", 2).containsEntry("last_error", null);
    assertThat(onlyAudit(tenant, "notification.sent").get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void slackIsPostedOrRetriedWithItsAnswerAndItsUrlNeverAudited() {
    String tenant = tenant("slack");
    alert(tenant, "blocked", new Outbox.Recipients(List.of(), SLACK.url()));
    SLACK.failNext(1, "no_service");
    int before = SLACK.messages().size();

    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);
    assertThat((String) row(tenant).get("last_error")).isEqualTo("IOException: Slack answered 500: no_service");
    JsonNode failed = onlyAudit(tenant, "notification.failed");
    assertThat(failed.get("recipient").asText()).isEqualTo("slack webhook");
    assertThat(failed.get("level").asText()).isEqualTo("blocked");

    clock.advance(java.time.Duration.ofSeconds(10));
    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);
    assertThat(SLACK.messages().subList(before, SLACK.messages().size())).hasSize(1)
        .allSatisfy(m -> assertThat(m).contains("Slack Tenant"));
    assertThat(row(tenant)).containsEntry("status", "sent");
    JsonNode sent = onlyAudit(tenant, "notification.sent");
    assertThat(sent.get("channel").asText()).isEqualTo("slack");
    assertThat(sent.get("recipient").asText()).isEqualTo("slack webhook");
    assertThat(sent.has("note")).as("a real post is not a preview").isFalse();
    assertThat(auditText(tenant)).doesNotContain(SLACK.url());
  }

  @Test
  void aSlackRowWithoutAUrlIsAPreviewMarkedSentWithANote() {
    String tenant = tenant("preview");
    alert(tenant, "warning", new Outbox.Recipients(List.of(), ""));

    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);

    assertThat(row(tenant)).containsEntry("status", "sent");
    assertThat(onlyAudit(tenant, "notification.sent").get("note").asText()).isEqualTo("preview (channel not configured)");
  }

  @Test
  void aResetNoticeIsSentWithItsOwnFiguresAndAuditedAsANotice() {
    String tenant = tenant("notice");
    UUID notice = UUID.randomUUID();
    jdbi.useTransaction(h -> {
      h.createUpdate("""
          INSERT INTO budget_reset_notices (id, tenant_id, period_start, final_spend, effective_budget, next_reset_at,
                                            reset_trigger, created_at)
          VALUES (:id, :tenant, :now, 42.50, 150, :next, 'period_end', :now)""")
          .bind("id", notice).bind("tenant", tenant).bind("now", START).bind("next", START.plusSeconds(86_400 * 30)).execute();
      new Outbox("", () -> { }).enqueueResetNotice(h, notice, new MessageRenderer.ResetFigures(tenant, "Notice Tenant",
          new BigDecimal("42.50"), new BigDecimal("150"), START.plusSeconds(86_400 * 30), "period_end"),
          email("ops@notice.test"), START);
    });

    assertThat(dispatcher(SMTP.port()).drain()).isEqualTo(1);

    List<MimeMessage> mails = mailsTo("ops@notice.test");
    assertThat(mails).hasSize(1);
    assertThat(Mailbox.part(mails.get(0), "text/plain")).contains("42.50").contains("150.00");
    JsonNode details = onlyAudit(tenant, "notification.sent");
    assertThat(details.get("notice").asText()).isEqualTo("budget_reset");
    assertThat(details.get("reset_notice_id").asText()).isEqualTo(notice.toString());
    assertThat(details.has("alert_id")).isFalse();
    assertThat(details.has("level")).isFalse();
  }

  @Test
  void aRoundSendsEveryDueRowInBatchesOfFifty() {
    String tenant = tenant("batch");
    List<String> to = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      to.add("ops" + i + "@batch.test");
    }
    alert(tenant, "warning", new Outbox.Recipients(to, null));
    OutboxDispatcher previews = new OutboxDispatcher(jdbi, new MessageRenderer(),
        new EmailSender(NotifyConfig.previewsOnly().smtp(), java.time.Duration.ofSeconds(1)),
        new SlackSender(java.time.Duration.ofSeconds(1)), audit, NotifyConfig.previewsOnly(), clock);

    assertThat(previews.drain()).as("three claims of 50, 50 and 20 in one round").isEqualTo(120);
    assertThat(count("SELECT count(*) FROM notification_outbox WHERE status = 'sent'")).isEqualTo(120);
  }

  @Test
  void aRowIsLeasedWhileItSendsSoNoSecondRoundOrInstanceTakesIt() throws Exception {
    String tenant = tenant("lease");
    alert(tenant, "warning", email("ops@lease.test"));
    CountDownLatch connected = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (StallingSmtp stall = new StallingSmtp(connected, release)) {
      OutboxDispatcher slow = dispatcher(stall.port());
      CompletableFuture<Integer> round = CompletableFuture.supplyAsync(slow::drain);
      try {
        assertThat(connected.await(10, TimeUnit.SECONDS)).as("the send is in flight").isTrue();
        Map<String, Object> leased = row(tenant);
        assertThat(leased).containsEntry("status", "pending").containsEntry("attempts", 1);
        assertThat(((Timestamp) leased.get("next_attempt_at")).toInstant()).as("lease: 3 send timeouts + 5 s")
            .isEqualTo(START.plusSeconds(5 * 3 + 5));
        assertThat(slow.drain()).as("one round at a time per dispatcher").isZero();
        assertThat(dispatcher(SMTP.port()).drain()).as("another instance skips the leased row").isZero();
        alert(tenant("lease-next"), "warning", new Outbox.Recipients(List.of(), "")); // due now, sent without a network
        assertThat(slow.drain()).as("a second round of the same dispatcher does not start while one runs").isZero();
        assertThat(row("dispatch-lease-next")).containsEntry("status", "pending").containsEntry("attempts", 0);
      } finally {
        release.countDown();
      }
      assertThat(round.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(slow.drain()).as("the next round takes the row that waited").isEqualTo(1);
    }
    assertThat(row(tenant)).as("the stalled server's answer failed the send").containsEntry("status", "pending");
    assertThat(mailsTo("ops@lease.test")).isEmpty();
  }

  /**
   * The log of a failed delivery is what the 3 a.m. person reads: a retry is a warning, giving up
   * is an error, an email names its recipient and a Slack delivery never its webhook URL (a secret).
   */
  @Test
  void aFailureIsLoggedAsAWarningUntilItIsGivenUpAndNeverWithTheSlackUrl() throws Exception {
    CapturedLogs logs = CapturedLogs.attach();
    String mailTenant = tenant("logged-mail");
    String slackTenant = tenant("logged-slack");
    alert(mailTenant, "warning", email("ops@logged.test"));
    alert(slackTenant, "warning", new Outbox.Recipients(List.of(), SLACK.url()));
    SLACK.failNext(MAX_ATTEMPTS, "no_service");
    OutboxDispatcher down = dispatcher(TestRedis.freePort());

    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      assertThat(down.drain()).as("attempt %d", attempt).isEqualTo(2);
      clock.advance(java.time.Duration.ofSeconds(70));
    }

    List<String> ours = logs.lines().stream().filter(l -> l.contains(OutboxDispatcher.class.getName())).toList();
    assertThat(ours.stream().filter(l -> l.startsWith("WARN") && l.contains("retrying at")))
        .as(String.join("\n", ours)).hasSize(2 * (MAX_ATTEMPTS - 1));
    assertThat(ours.stream().filter(l -> l.startsWith("ERROR") && l.contains("failed for good after " + MAX_ATTEMPTS)))
        .hasSize(2);
    assertThat(ours.stream().filter(l -> l.contains("(email to ops@logged.test)"))).hasSize(MAX_ATTEMPTS);
    assertThat(ours.stream().filter(l -> l.contains("(slack to Slack webhook)"))).hasSize(MAX_ATTEMPTS);
    assertThat(logs.all()).doesNotContain(SLACK.url());
  }

  @Test
  void stoppingADispatcherThatNeverStartedDoesNothing() throws Exception {
    OutboxDispatcher never = dispatcher(SMTP.port());

    never.stop();
    never.nudge();

    assertThat(never.drain()).isZero();
  }

  @Test
  void theSchedulerDrainsAtStartAndWhenNudgedAndNotAfterStop() throws Exception {
    String tenant = tenant("nudge");
    alert(tenant, "warning", email("ops@start.test"));
    OutboxDispatcher scheduled = dispatcher(SMTP.port(), Duration.hours(1)); // no poll of its own in the test's time
    scheduled.start();
    try {
      Eventually.await("the round at start", java.time.Duration.ofSeconds(10), () -> mailsTo("ops@start.test").size() == 1);
      alert(tenant, "critical", email("ops@nudge.test"));
      scheduled.nudge();
      Eventually.await("the nudged round", java.time.Duration.ofSeconds(10), () -> mailsTo("ops@nudge.test").size() == 1);
    } finally {
      scheduled.stop();
    }
    alert(tenant, "blocked", email("ops@stopped.test"));
    scheduled.nudge(); // stopped: ignored, not thrown
    Thread.sleep(500);
    assertThat(mailsTo("ops@stopped.test")).isEmpty();
    assertThat(count("SELECT count(*) FROM notification_outbox WHERE tenant_id = ? AND status = 'pending'", tenant)).isEqualTo(1);
    new OutboxDispatcher(jdbi, null, null, null, audit, NotifyConfig.previewsOnly(), clock).nudge(); // never started: ignored
  }

  /** An SMTP port that accepts a connection and says nothing until released, then hangs up. */
  private static final class StallingSmtp implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;

    StallingSmtp(CountDownLatch connected, CountDownLatch release) throws IOException {
      socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        try (Socket client = socket.accept()) {
          connected.countDown();
          release.await(30, TimeUnit.SECONDS);
        } catch (IOException e) {
          // closed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "stalling-smtp");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Outbox.Recipients email(String to) {
    return new Outbox.Recipients(List.of(to), null);
  }

  private static String tenant(String name) {
    String id = "dispatch-" + name;
    String display = Character.toUpperCase(name.charAt(0)) + name.substring(1) + " Tenant";
    jdbi.useHandle(h -> h.execute("""
        INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key, max_budget,
                                    created_at, updated_at)
        VALUES (?, ?, ?, encode(sha256(convert_to(?, 'UTF8')), 'hex'), ?, 100, now(), now())""",
        id, display, id, "sk-" + id, "sk-" + id));
    return id;
  }

  /** An alert of this level and its outbox rows, queued as the alert service queues them. */
  private UUID alert(String tenant, String level, Outbox.Recipients to) {
    UUID id = UUID.randomUUID();
    String name = jdbi.withHandle(h -> h.createQuery("SELECT name FROM tenant_configs WHERE tenant_id = ?").bind(0, tenant)
        .mapTo(String.class).one());
    jdbi.useTransaction(h -> {
      h.createUpdate("""
          INSERT INTO budget_alert_history (id, tenant_id, level, percent_used, spend, effective_budget, source, created_at)
          VALUES (:id, :tenant, :level, 85, 85, 100, 'webhook', :now)""")
          .bind("id", id).bind("tenant", tenant).bind("level", level).bind("now", clock.instant()).execute();
      new Outbox("", () -> { }).enqueue(h, id, new MessageRenderer.Figures(tenant, name, level, "webhook", new BigDecimal("85"),
          new BigDecimal("100"), new BigDecimal("85"), 80, 110, null, null), to, clock.instant());
    });
    return id;
  }

  /** The tenant's one outbox row. */
  private static Map<String, Object> row(String tenant) {
    return jdbi.withHandle(h -> h.createQuery("""
        SELECT id, status, attempts, next_attempt_at, sent_at, last_error FROM notification_outbox WHERE tenant_id = ?""")
        .bind(0, tenant).mapToMap().one());
  }

  private static List<JsonNode> audits(String tenant, String action) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT details::text FROM audit_log WHERE tenant_id = ? AND action = ? ORDER BY id").bind(0, tenant).bind(1, action)
        .mapTo(String.class).list()).stream().map(OutboxDispatcherIT::parse).toList();
  }

  private static JsonNode onlyAudit(String tenant, String action) {
    List<JsonNode> rows = audits(tenant, action);
    assertThat(rows).as("%s rows of %s", action, tenant).hasSize(1);
    return rows.get(0);
  }

  private static String auditText(String tenant) {
    List<String> details = jdbi.withHandle(h -> h.createQuery("SELECT details::text FROM audit_log WHERE tenant_id = ?")
        .bind(0, tenant).mapTo(String.class).list());
    return String.join("\n", details);
  }

  private static long count(String sql, Object... args) {
    return jdbi.withHandle(h -> {
      var query = h.createQuery(sql);
      for (int i = 0; i < args.length; i++) {
        query.bind(i, args[i]);
      }
      return query.mapTo(Long.class).one();
    });
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<MimeMessage> mailsTo(String to) {
    return SMTP.messages().stream().filter(m -> {
      try {
        Address[] all = m.getAllRecipients();
        return all != null && Arrays.stream(all).anyMatch(a -> a.toString().equals(to));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }
}
