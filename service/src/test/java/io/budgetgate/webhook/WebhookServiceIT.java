package io.budgetgate.webhook;

import static io.budgetgate.testing.StoredRows.instant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.alert.AlertConfig;
import io.budgetgate.alert.AlertLevel;
import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.AlertSource;
import io.budgetgate.alert.AlertWiring;
import io.budgetgate.alert.DedupKey;
import io.budgetgate.alert.TestAlerts;
import io.budgetgate.alert.api.AlertView;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.audit.AuditWiring;
import io.budgetgate.budget.BudgetConfig;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.budget.ReservationConfig;
import io.budgetgate.budget.SpendSource;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.litellm.LiteLlmWiring;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.notify.MessageRenderer;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.cache.InProcessCache;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantDefaults;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.tenant.TenantWiring;
import io.budgetgate.testing.LoggerCapture;
import io.budgetgate.testing.RedisLikeCache;
import io.budgetgate.testing.StoredRows;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.budgetgate.webhook.WebhookService.Intake;
import io.budgetgate.webhook.api.WebhookReply;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link WebhookService} and {@link AlertService} on their own: a migrated PostgreSQL database of
 * its own, the features around them wired as {@code BudgetGateApplication.run} wires them (on an
 * environment that is never started, so no server, job or dispatcher runs), the LiteLLM simulator
 * for the cached status a webhook forgets, a dedup store per case (the in-process one, or one that
 * does not answer, as Redis down), an outbox that counts its nudges, a clock the test moves, known
 * alert ids and exact counters. Each case costs milliseconds, so the mutation run {@code
 * money-it-webhook} can run every case once per mutant it covers; each makes its own tenants and
 * webhook ids, so a second run of the class in one JVM finds nothing of the first.
 */
class WebhookServiceIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final VirtualKeys KEYS = new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS));
  /** A pool, as the app has: a new connection per statement would make each case cost a second. */
  static final DataSource POOL = pool();
  static final Jdbi JDBI = jdbi();
  static final ObjectMapper JSON = json();
  static final Wired WIRED = wire();
  /** The shipped dedup window (alerts.dedupTtl). */
  static final Duration DEDUP_TTL = Duration.ofHours(1);
  static final List<String> COUNTERS = List.of("alerts.raised.warning", "alerts.raised.critical", "alerts.raised.blocked",
      "alerts.stale_period_skipped", "webhooks.ignored.not_a_key_event", "webhooks.ignored.not_a_budget_event",
      "webhooks.ignored.unknown_key", "webhooks.ignored.below_alert_threshold");
  static final String REFUSED = "test: alert insert refused";

  static {
    installRefusals();
  }

  final MetricRegistry metrics = new MetricRegistry();
  final InProcessCache claimed = new InProcessCache(CLOCK);
  final RedisLikeCache claims = new RedisLikeCache(claimed);
  final AtomicInteger nudges = new AtomicInteger();
  final Outbox outbox = new Outbox("", nudges::incrementAndGet);
  final List<UUID> issued = Collections.synchronizedList(new ArrayList<>());
  AlertService alerts = alertService(claims);
  WebhookService webhooks = webhooks(alerts);
  @RegisterExtension
  final LoggerCapture log = new LoggerCapture(AlertService.class);

  @BeforeEach
  void capture() {
    LITELLM.heal();
  }

  // --- what an accepted webhook writes

  @Test
  void aSignedCrossingStoresItsDeliveryAlertOutboxRowsAndAuditAndWakesTheOutboxOnce() {
    Hooked t = tenant("100.00", List.of("a@crossing.test", "b@crossing.test"), "http://127.0.0.1:9/slack");
    Instant now = CLOCK.instant();
    sample(t, now.minusSeconds(3600), "75.00"); // 10 an hour from 85: block_at 110 is 2.5 h away
    String id = deliveryId();
    String body = Webhooks.event("threshold_crossed", "85.0", t.id);

    WebhookReply reply = accept(id, body, Intake.SIGNED);

    UUID alertId = lastIssued();
    assertThat(reply).isEqualTo(new WebhookReply("accepted", alertId, "warning", true, null, null));
    assertThat(deliveries(t)).containsExactly(new Delivery(id, now, t.id, "accepted"));
    assertThat(alertRows(t)).containsExactly(new AlertRow(alertId, t.id, "warning", new BigDecimal("85.00"),
        new BigDecimal("85.000000"), new BigDecimal("100.00"), "webhook", "threshold_crossed", t.created, false, null,
        now.plusSeconds(9000), now));
    assertThat(rawPayloadIs(alertId, body)).as("the body LiteLLM sent, kept whole").isTrue();
    MessageRenderer.Figures figures = new MessageRenderer.Figures(t.id, t.name, "warning", "webhook", new BigDecimal("85.0"),
        new BigDecimal("100.00"), new BigDecimal("85.00"), 80, 110, t.resetAt, now.plusSeconds(9000));
    assertThat(outboxRows(t)).containsExactly(
        new OutboxRow(alertId, t.id, "email", "a@crossing.test", "pending", 0, now, now),
        new OutboxRow(alertId, t.id, "email", "b@crossing.test", "pending", 0, now, now),
        new OutboxRow(alertId, t.id, "slack", "http://127.0.0.1:9/slack", "pending", 0, now, now));
    assertThat(messages(t)).hasSize(3).allSatisfy(m -> assertSameFigures(m, figures));
    List<AuditRow> audit = audit(t);
    assertThat(audit).extracting(AuditRow::actor, AuditRow::action, AuditRow::occurredAt).containsExactly(
        tuple("litellm-webhook", "webhook.received", now),
        tuple("litellm-webhook", "alert.raised", now));
    assertThat(audit.get(0).details()).containsOnly(entry("webhook_id", id), entry("event", "threshold_crossed"),
        entry("spend", "85"), entry("outcome", "accepted"), entry("reason", null));
    assertThat(audit.get(1).details()).containsOnly(entry("alert_id", alertId.toString()), entry("level", "warning"),
        entry("source", "webhook"), entry("percent_used", "85.00"), entry("spend", "85"), entry("notified", "true"),
        entry("suppression_reason", null));
    assertCounted("alerts.raised.warning", 1);
    assertThat(nudges).as("the outbox is woken once, after the commit").hasValue(1);
    assertThat(claims.get(DedupKey.of(t.id, AlertLevel.WARNING, t.created))).contains(now.toString());
    assertThat(claims.deletes).isEmpty();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void theSameLevelAgainInThePeriodIsStoredAsADuplicateThatNotifiesNobodyAndAHigherLevelNotifies() {
    Hooked t = tenant();
    assertThat(accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED).notified()).isTrue();
    UUID first = lastIssued();
    later();

    WebhookReply again = accept(deliveryId(), Webhooks.event("threshold_crossed", "86", t.id), Intake.SIGNED);

    UUID second = lastIssued();
    assertThat(again).isEqualTo(new WebhookReply("accepted", second, "warning", false, null, null));
    assertThat(alertRows(t)).extracting(AlertRow::id, AlertRow::suppressed, AlertRow::suppressionReason)
        .containsExactly(tuple(first, false, null),
            tuple(second, true, "duplicate"));
    assertThat(outboxRows(t)).extracting(OutboxRow::alertId).containsExactly(first);
    assertThat(audit(t, "alert.raised").get(1).details()).contains(entry("alert_id", second.toString()),
        entry("notified", "false"), entry("suppression_reason", "duplicate"));
    assertThat(nudges).as("a duplicate wakes nobody").hasValue(1);
    assertCounted("alerts.raised.warning", 2);

    later();
    WebhookReply critical = accept(deliveryId(), Webhooks.event("budget_crossed", "101", t.id), Intake.SIGNED);
    assertThat(critical).isEqualTo(new WebhookReply("accepted", lastIssued(), "critical", true, null, null));
    assertThat(outboxRows(t)).extracting(OutboxRow::alertId).containsExactly(first, lastIssued());
    assertThat(nudges).hasValue(2);
    assertCounted("alerts.raised.warning", 2, "alerts.raised.critical", 1);
  }

  @Test
  void theLevelComesFromTheTenantsOwnBudgetNotLiteLlmsMaxBudget() {
    Hooked t = tenant(); // LiteLLM's max_budget in the payload is 1000 (8.5 %); the tenant's budget is 100
    assertThat(accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED).level()).isEqualTo("warning");
    later();
    assertThat(accept(deliveryId(), Webhooks.event("budget_crossed", "100", t.id), Intake.SIGNED).level()).isEqualTo("critical");
    later();
    assertThat(accept(deliveryId(), Webhooks.event("budget_crossed", "110", t.id), Intake.SIGNED).level()).isEqualTo("blocked");
    assertThat(alertRows(t)).extracting(AlertRow::level, AlertRow::suppressed)
        .containsExactly(tuple("warning", false),
            tuple("critical", false), tuple("blocked", false));
    assertCounted("alerts.raised.warning", 1, "alerts.raised.critical", 1, "alerts.raised.blocked", 1);
    assertThat(nudges).hasValue(3);
  }

  @Test
  void aTenantWithoutRecipientsHasItsAlertStoredAsNoRecipientsWithoutAClaimOrANudge() {
    Hooked t = tenant("100.00", List.of(), null);
    String id = deliveryId();

    WebhookReply reply = accept(id, Webhooks.event("budget_crossed", "101", t.id), Intake.SIGNED);

    assertThat(reply).isEqualTo(new WebhookReply("accepted", lastIssued(), "critical", false, null, null));
    assertThat(alertRows(t)).extracting(AlertRow::level, AlertRow::suppressed, AlertRow::suppressionReason)
        .containsExactly(tuple("critical", true, "no_recipients"));
    assertThat(outboxRows(t)).isEmpty();
    assertThat(audit(t, "alert.raised")).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("litellm-webhook");
      assertThat(a.details()).contains(entry("notified", "false"), entry("suppression_reason", "no_recipients"));
    });
    assertThat(audit(t, "webhook.received").get(0).details()).contains(entry("outcome", "accepted"), entry("reason", null));
    assertThat(deliveries(t)).extracting(Delivery::outcome).containsExactly("accepted");
    assertThat(claims.get(DedupKey.of(t.id, AlertLevel.CRITICAL, t.created))).as("nobody to tell: nothing claimed").isEmpty();
    assertThat(nudges).hasValue(0);
    assertCounted("alerts.raised.critical", 1);
  }

  @Test
  void aSpendBelowTheAlertThresholdIsIgnoredWithItsDeliveryAndAuditRecordedAndCountedOnceStored() {
    Hooked t = tenant();
    String id = deliveryId();
    Instant now = CLOCK.instant();

    WebhookReply reply = accept(id, Webhooks.event("threshold_crossed", "79.99", t.id), Intake.SIGNED);

    assertThat(reply).isEqualTo(WebhookReply.ignored("below_alert_threshold",
        "spend 79.99 is below the alert threshold (80%) of tenant '" + t.id + "'"));
    assertThat(deliveries(t)).containsExactly(new Delivery(id, now, t.id, "ignored"));
    assertThat(audit(t)).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("litellm-webhook");
      assertThat(a.action()).isEqualTo("webhook.received");
      assertThat(a.details()).containsOnly(entry("webhook_id", id), entry("event", "threshold_crossed"),
          entry("spend", "79.99"), entry("outcome", "ignored"), entry("reason", "below_alert_threshold"));
    });
    assertThat(alertRows(t)).isEmpty();
    assertCounted("webhooks.ignored.below_alert_threshold", 1);

    WebhookReply unsigned = accept(null, Webhooks.event("threshold_crossed", "10", t.id), Intake.PATH_TOKEN);
    assertThat(unsigned.reason()).isEqualTo("below_alert_threshold");
    assertThat(unsigned.message()).isEqualTo("spend 10 is below the alert threshold (80%) of tenant '" + t.id + "'");
    assertThat(deliveries(t)).as("a path-token delivery has no webhook-id to record").hasSize(1);
    assertThat(audit(t)).hasSize(2);
    assertCounted("webhooks.ignored.below_alert_threshold", 2);
    assertThat(nudges).hasValue(0);
  }

  @Test
  void aRepeatedWebhookIdIsADuplicateAndChangesNothingNotEvenACounter() {
    Hooked t = tenant();
    String id = deliveryId();
    assertThat(accept(id, Webhooks.event("threshold_crossed", "88", t.id), Intake.SIGNED).status()).isEqualTo("accepted");
    String ignoredId = deliveryId();
    assertThat(accept(ignoredId, Webhooks.event("threshold_crossed", "12", t.id), Intake.SIGNED).status()).isEqualTo("ignored");
    List<Delivery> deliveries = deliveries(t);
    String rows = rows(t);
    assertThat(rows).as("alerts, outbox rows, audit rows").isEqualTo("1,1,3");
    later();

    for (String[] again : new String[][] {{id, "threshold_crossed", "88"}, {id, "budget_crossed", "120"},
        {ignoredId, "threshold_crossed", "12"}, {ignoredId, "budget_crossed", "101"}}) {
      WebhookReply reply = accept(again[0], Webhooks.event(again[1], again[2], t.id), Intake.SIGNED);
      assertThat(reply).as("%s again", again[0]).isEqualTo(WebhookReply.duplicate());
    }

    assertThat(rows(t)).isEqualTo(rows);
    assertThat(deliveries(t)).as("received_at is the first delivery's").isEqualTo(deliveries);
    assertThat(alertRows(t)).extracting(AlertRow::level).containsExactly("warning");
    assertCounted("alerts.raised.warning", 1, "webhooks.ignored.below_alert_threshold", 1);
    assertThat(nudges).hasValue(1);
  }

  @Test
  void aPathTokenDeliveryHasNoWebhookIdSoItIsStoredWithoutADeliveryRowEachTime() {
    Hooked t = tenant();

    WebhookReply first = accept(null, Webhooks.event("budget_crossed", "101", t.id), Intake.PATH_TOKEN);
    UUID firstId = lastIssued();
    later();
    WebhookReply second = accept(null, Webhooks.event("budget_crossed", "101", t.id), Intake.PATH_TOKEN);

    assertThat(first).isEqualTo(new WebhookReply("accepted", firstId, "critical", true, null, null));
    assertThat(second).isEqualTo(new WebhookReply("accepted", lastIssued(), "critical", false, null, null));
    assertThat(deliveries(t)).isEmpty();
    assertThat(audit(t, "webhook.received")).hasSize(2)
        .allSatisfy(a -> assertThat(a.details()).contains(entry("webhook_id", null), entry("outcome", "accepted")));
    assertThat(nudges).hasValue(1);
  }

  @Test
  void spendsWithinTheCeilingAreStoredWhateverTheirSizeOrPrecision() {
    String[][] cases = {{"1000000000.00", "0.01", "1000000000.000000", "10000000000000.00"},
        {"0.000000000000000000001", "0", "0.000000", "0.00"}, {"123.456789123456789", "100", "123.456789", "123.45"}};
    for (String[] c : cases) {
      Hooked t = tenant(c[1], List.of("ops@precise.test"), null);

      WebhookReply reply = accept(deliveryId(), Webhooks.event("budget_crossed", c[0], t.id), Intake.SIGNED);

      assertThat(reply.status()).as(c[0]).isEqualTo("accepted");
      assertThat(alertRows(t)).singleElement().satisfies(a -> {
        assertThat(a.spend()).as("spend of %s", c[0]).isEqualTo(new BigDecimal(c[2]));
        assertThat(a.percentUsed()).as("percent of %s", c[0]).isEqualTo(new BigDecimal(c[3]));
      });
    }
  }

  // --- events that are not a tenant key's budget, and keys BudgetGate does not know

  @Test
  void eventsAboutAnotherEntityOrNotAboutABudgetAreIgnoredByReasonBeforeAnyTenantIsLookedUp() {
    Hooked t = tenant();
    List<String> ids = new ArrayList<>();
    Map<String, WebhookReply> replies = new LinkedHashMap<>();
    for (String event : List.of("spend_tracked", "key_created", "key_rotated", "internal_user_created")) {
      replies.put(event, accept(trackedId(ids), Webhooks.event(event, "5000", t.id), Intake.SIGNED));
    }
    replies.put("nobody's spend_tracked", accept(trackedId(ids), Webhooks.event("spend_tracked", "5", "nobody-" + unique()),
        Intake.SIGNED));
    replies.put("end_user", accept(trackedId(ids), fixture("end-user-spend-tracked.json", t), Intake.SIGNED));
    for (String fixture : List.of("team-budget-crossed.json", "proxy-budget-crossed.json")) {
      replies.put(fixture + " signed", accept(trackedId(ids), fixture(fixture, t), Intake.SIGNED));
      replies.put(fixture + " path token", accept(null, fixture(fixture, t), Intake.PATH_TOKEN));
    }

    assertThat(replies.get("spend_tracked"))
        .isEqualTo(WebhookReply.ignored("not_a_budget_event", "'spend_tracked' is not a budget event"));
    assertThat(replies.get("key_created"))
        .isEqualTo(WebhookReply.ignored("not_a_budget_event", "'key_created' is not a budget event"));
    assertThat(replies.get("nobody's spend_tracked")).as("not a 404: the event is judged before the key")
        .isEqualTo(WebhookReply.ignored("not_a_budget_event", "'spend_tracked' is not a budget event"));
    assertThat(replies.get("end_user")).as("the ops person reads which entity it was about").isEqualTo(
        WebhookReply.ignored("not_a_key_event", "event_group 'end_user' is another entity's budget, not a tenant key's"));
    for (String intake : List.of(" signed", " path token")) {
      assertThat(replies.get("team-budget-crossed.json" + intake)).isEqualTo(
          WebhookReply.ignored("not_a_key_event", "event_group 'team' is another entity's budget, not a tenant key's"));
      assertThat(replies.get("proxy-budget-crossed.json" + intake)).isEqualTo(
          WebhookReply.ignored("not_a_key_event", "event_group 'proxy' is another entity's budget, not a tenant key's"));
    }
    assertCounted("webhooks.ignored.not_a_budget_event", 5, "webhooks.ignored.not_a_key_event", 5);
    assertThat(deliveryCount(ids)).as("nothing stored, not even the webhook-id").isZero();
    assertThat(rows(t)).as("alerts, outbox rows, audit rows").isEqualTo("0,0,0");
    assertThat(nudges).hasValue(0);
  }

  @Test
  void everyLiteLlmBudgetEventOfTheKeyIsScoredAsTheTenantsOwnByAliasOrToken() {
    Hooked t = tenant();
    for (String event : List.of("budget_crossed", "soft_budget_crossed", "threshold_crossed", "projected_limit_exceeded",
        "max_budget_alert")) {
      assertThat(accept(deliveryId(), Webhooks.event(event, "95", t.id), Intake.SIGNED)).as(event)
          .extracting(WebhookReply::status, WebhookReply::level).containsExactly("accepted", "warning");
      later();
    }
    Hooked own = tenant();
    assertThat(accept(deliveryId(), fixture("key-threshold-crossed.json", own), Intake.SIGNED).level())
        .as("94.50 of the tenant's own 100").isEqualTo("warning");
    later();
    assertThat(accept(deliveryId(), fixture("key-projected-limit-exceeded-older.json", own), Intake.SIGNED).level())
        .as("no event_group (older LiteLLM): 104 of 100, the spend, not the projection").isEqualTo("critical");
    later();
    String byToken = "{\"spend\": 110, \"event\": \"budget_crossed\", \"token\": \"" + own.hash + "\"}";
    assertThat(accept(deliveryId(), byToken, Intake.SIGNED).level()).isEqualTo("blocked");
    assertThat(alertRows(own)).extracting(AlertRow::litellmEvent)
        .containsExactly("threshold_crossed", "projected_limit_exceeded", "budget_crossed");
  }

  @Test
  void anUnknownKeyIs404WhenSignedAnd200IgnoredOnThePathTokenSoLiteLlmStopsResending() {
    Hooked known = tenant();
    String nobody = "nobody-" + unique();
    String byAlias = Webhooks.event("threshold_crossed", "85", nobody);
    // a token decides over an alias: another key that carries a tenant's alias is not the tenant's
    String otherKey = "{\"spend\": 90, \"event\": \"threshold_crossed\", \"key_alias\": \"" + known.id + "\", \"token\": \""
        + "0".repeat(64) + "\"}";
    List<String> ids = new ArrayList<>();

    ServiceException signed = notFound(() -> accept(trackedId(ids), byAlias, Intake.SIGNED));
    ServiceException signedToken = notFound(() -> accept(trackedId(ids), otherKey, Intake.SIGNED));
    WebhookReply unsigned = accept(null, byAlias, Intake.PATH_TOKEN);
    WebhookReply unsignedToken = accept(null, otherKey, Intake.PATH_TOKEN);

    assertThat(signed.error()).isEqualTo("unknown_tenant");
    assertThat(signed.getMessage()).isEqualTo("no tenant has the key key_alias=" + nobody);
    assertThat(signedToken.getMessage()).as("the hash is named, never echoed").isEqualTo("no tenant has the key token=<hash>");
    assertThat(unsigned).isEqualTo(WebhookReply.ignored("unknown_key", "no tenant of BudgetGate's has the key key_alias=" + nobody));
    assertThat(unsignedToken).isEqualTo(WebhookReply.ignored("unknown_key", "no tenant of BudgetGate's has the key token=<hash>"));
    assertCounted("webhooks.ignored.unknown_key", 2);
    assertThat(deliveryCount(ids)).isZero();
    assertThat(rows(known)).isEqualTo("0,0,0");
  }

  @Test
  void aWebhookForgetsTheCachedStatusAndADuplicateOrAnotherEntitysEventLeavesItAlone() {
    Hooked t = tenant();
    LITELLM.setSpend(t.alias, new BigDecimal("50.00"));
    BudgetService budgets = WIRED.budgets();
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.CACHE);

    accept(deliveryId(), fixture("team-budget-crossed.json", t), Intake.SIGNED);
    assertThat(budgets.decide(t.id).status().source()).as("another entity's event").isEqualTo(SpendSource.CACHE);

    String id = deliveryId();
    accept(id, Webhooks.event("threshold_crossed", "90", t.id), Intake.SIGNED);
    assertThat(budgets.decide(t.id).status().source()).as("after an alert").isEqualTo(SpendSource.LIVE);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.CACHE);

    assertThat(accept(id, Webhooks.event("threshold_crossed", "90", t.id), Intake.SIGNED)).isEqualTo(WebhookReply.duplicate());
    assertThat(budgets.decide(t.id).status().source()).as("a duplicate changes nothing, the cache neither")
        .isEqualTo(SpendSource.CACHE);

    accept(deliveryId(), Webhooks.event("threshold_crossed", "10", t.id), Intake.SIGNED);
    assertThat(budgets.decide(t.id).status().source()).as("after a spend below the threshold").isEqualTo(SpendSource.LIVE);
  }

  // --- the dedup claim

  @Test
  void aClaimIsGivenBackWhenTheWebhooksTransactionFailsSoLiteLlmsRetryNotifies() {
    Hooked t = tenant();
    String key = DedupKey.of(t.id, AlertLevel.CRITICAL, t.created);
    String id = deliveryId();
    String body = Webhooks.event("budget_crossed", "101", t.id);
    refuse(t);

    Throwable failed = catchThrowable(() -> accept(id, body, Intake.SIGNED));

    assertThat(failed).isInstanceOf(JdbiException.class).hasMessageContaining(REFUSED);
    assertThat(claims.deletes).as("the claim it made, given back").containsExactly(List.of(key));
    assertThat(claims.get(key)).isEmpty();
    assertThat(deliveries(t)).as("the webhook-id is not kept either").isEmpty();
    assertThat(rows(t)).isEqualTo("0,0,0");
    assertThat(nudges).hasValue(0);
    assertCounted();

    allow(t);
    later();
    WebhookReply retried = accept(id, body, Intake.SIGNED);

    assertThat(retried).isEqualTo(new WebhookReply("accepted", lastIssued(), "critical", true, null, null));
    assertThat(outboxRows(t)).hasSize(1);
    assertThat(nudges).hasValue(1);
  }

  @Test
  void aDuplicateWhoseTransactionFailsLeavesTheHeldClaimAloneAndDeletesNothing() {
    Hooked t = tenant();
    String key = DedupKey.of(t.id, AlertLevel.WARNING, t.created);
    Instant claimedAt = CLOCK.instant();
    assertThat(accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED).notified()).isTrue();
    later();
    refuse(t);

    Throwable failed = catchThrowable(() -> accept(deliveryId(), Webhooks.event("threshold_crossed", "86", t.id), Intake.SIGNED));

    // it claimed nothing, so it sends no delete: on Redis a DEL of no keys is an error that would hide this one
    assertThat(failed).isInstanceOf(JdbiException.class).hasMessageContaining(REFUSED);
    assertThat(claims.deletes).isEmpty();
    assertThat(claims.get(key)).as("the claim of the warning that notified").contains(claimedAt.toString());
    assertThat(alertRows(t)).hasSize(1);
  }

  @Test
  void aClaimAnotherInstanceHoldsMakesADuplicateBeforeItsAlertIsCommitted() {
    Hooked t = tenant();
    claims.putIfAbsent(DedupKey.of(t.id, AlertLevel.WARNING, t.created), "another instance", DEDUP_TTL);

    WebhookReply reply = accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED);

    assertThat(reply.notified()).as("PostgreSQL has no alert yet; the claim decides").isFalse();
    assertThat(alertRows(t)).extracting(AlertRow::suppressionReason).containsExactly("duplicate");
    assertThat(outboxRows(t)).isEmpty();
    assertThat(nudges).hasValue(0);
  }

  @Test
  void aClaimTheStoreLostIsStillADuplicateBecausePostgresqlHoldsTheWindow() {
    Hooked t = tenant();
    String key = DedupKey.of(t.id, AlertLevel.WARNING, t.created);
    assertThat(accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED).notified()).isTrue();
    claimed.delete(key); // what a Redis restarted without persistence looks like
    later();

    WebhookReply again = accept(deliveryId(), Webhooks.event("threshold_crossed", "86", t.id), Intake.SIGNED);

    assertThat(again.notified()).as("the store took the claim anew; PostgreSQL knew better").isFalse();
    assertThat(again.alertId()).isEqualTo(lastIssued());
    assertThat(alertRows(t)).extracting(AlertRow::suppressionReason).containsExactly(null, "duplicate");
    assertThat(outboxRows(t)).hasSize(1);
    assertThat(claims.get(key)).as("its claim committed with it").contains(CLOCK.instant().toString());
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void withTheDedupStoreDownTheFirstAlertOfALevelNotifiesAndTheSameLevelAgainIsADuplicateFromPostgresql() {
    useDedup(new DownStore());
    Hooked t = tenant();

    WebhookReply first = accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED);
    later();
    WebhookReply second = accept(deliveryId(), Webhooks.event("threshold_crossed", "86", t.id), Intake.SIGNED);
    later();
    WebhookReply critical = accept(deliveryId(), Webhooks.event("threshold_crossed", "101", t.id), Intake.SIGNED);

    assertThat(first.notified()).as("the first alert of a level notifies without the store").isTrue();
    assertThat(second.notified()).as("the same level again: a duplicate, from PostgreSQL").isFalse();
    assertThat(critical.notified()).as("a higher level is not a duplicate").isTrue();
    assertThat(alertRows(t)).extracting(AlertRow::suppressionReason).containsExactly(null, "duplicate", null);
    assertThat(outboxRows(t)).hasSize(2);
    assertThat(nudges).hasValue(2);
    assertThat(lines()).containsExactly(
        "WARN alert dedup store unavailable; tenant " + t.id + " warning deduplicated in PostgreSQL instead",
        "WARN alert dedup store unavailable; tenant " + t.id + " critical deduplicated in PostgreSQL instead");
  }

  @Test
  void withTheDedupStoreDownPostgresqlsWindowIsTheDedupTtlToTheMicrosecond() {
    useDedup(new DownStore());
    Hooked t = tenant();
    String body = Webhooks.event("threshold_crossed", "85", t.id);
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).isTrue();

    CLOCK.advance(DEDUP_TTL.minusNanos(1_000));
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).as("1 µs inside the window").isFalse();
    CLOCK.advance(Duration.ofNanos(1_000));
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).as("the window has passed").isTrue();
    assertThat(outboxRows(t)).hasSize(2);
  }

  @Test
  void aClaimLastsTheDedupTtlThenTheLevelNotifiesAgain() {
    Hooked t = tenant();
    String key = DedupKey.of(t.id, AlertLevel.WARNING, t.created);
    String body = Webhooks.event("threshold_crossed", "85", t.id);
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).isTrue();

    CLOCK.advance(DEDUP_TTL.minusNanos(1_000));
    assertThat(claims.get(key)).isPresent();
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).isFalse();
    CLOCK.advance(Duration.ofNanos(1_000));
    assertThat(claims.get(key)).as("expired").isEmpty();
    assertThat(accept(deliveryId(), body, Intake.SIGNED).notified()).isTrue();
    assertThat(claims.get(key)).contains(CLOCK.instant().toString());
  }

  @Test
  void aNewPeriodReArmsTheAlertWhileTheOldPeriodsClaimStillHolds() {
    Hooked t = tenant();
    assertThat(accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED).notified()).isTrue();
    CLOCK.advance(Duration.ofMinutes(1));
    Instant reset = CLOCK.instant();
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?", Timestamp.from(reset), t.id);
    later();

    WebhookReply newPeriod = accept(deliveryId(), Webhooks.event("threshold_crossed", "85", t.id), Intake.SIGNED);

    assertThat(newPeriod.notified()).as("the new period's first warning notifies").isTrue();
    assertThat(alertRows(t)).extracting(AlertRow::periodStart).containsExactly(t.created, reset);
    assertThat(claims.get(DedupKey.of(t.id, AlertLevel.WARNING, t.created))).as("the old period's claim").isPresent();
    assertThat(claims.get(DedupKey.of(t.id, AlertLevel.WARNING, reset))).as("the new period's").isPresent();
    assertThat(outboxRows(t)).hasSize(2);
  }

  // --- alerts raised by reading the spend: the reconciler and budget checks

  @Test
  void theReconcilerRaisesOnlyALevelAboveEveryAlertOfThePeriodAndWakesTheOutboxItself() {
    Hooked t = tenant();
    Instant now = CLOCK.instant();

    assertThat(alerts.raiseIfHigher(status(t, "10"), AlertSource.RECONCILER)).as("ok raises nothing").isEmpty();
    Optional<AlertService.Raised> warning = alerts.raiseIfHigher(status(t, "85"), AlertSource.RECONCILER);
    assertThat(warning).contains(new AlertService.Raised(lastIssued(), AlertLevel.WARNING, true, null));
    assertThat(nudges).as("on its own nudge").hasValue(1);
    assertThat(alertRows(t)).containsExactly(new AlertRow(lastIssued(), t.id, "warning", new BigDecimal("85.00"),
        new BigDecimal("85.000000"), new BigDecimal("100.00"), "reconciler", null, t.created, false, null, null, now));
    assertThat(rawPayloadIsNull(lastIssued())).isTrue();
    assertThat(audit(t)).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("budget-reconciler");
      assertThat(a.action()).isEqualTo("alert.raised");
      assertThat(a.details()).containsOnly(entry("alert_id", lastIssued().toString()), entry("level", "warning"),
          entry("source", "reconciler"), entry("percent_used", "85.00"), entry("spend", "85"), entry("notified", "true"),
          entry("suppression_reason", null));
    });
    later();
    assertThat(alerts.raiseIfHigher(status(t, "86"), AlertSource.RECONCILER)).as("the same level again").isEmpty();
    later();
    Optional<AlertService.Raised> critical = alerts.raiseIfHigher(status(t, "101"), AlertSource.RECONCILER);
    assertThat(critical).contains(new AlertService.Raised(lastIssued(), AlertLevel.CRITICAL, true, null));
    later();
    assertThat(alerts.raiseIfHigher(status(t, "90"), AlertSource.RECONCILER)).as("lower than the period's highest").isEmpty();

    assertThat(alertRows(t)).extracting(AlertRow::level).containsExactly("warning", "critical");
    assertCounted("alerts.raised.warning", 1, "alerts.raised.critical", 1);
    assertThat(nudges).hasValue(2);
    assertThat(outboxRows(t)).hasSize(2);
  }

  @Test
  void aNewPeriodsFirstAlertIsRaisedWhateverLevelThePreviousPeriodReached() {
    Hooked t = tenant();
    assertThat(alerts.raiseIfHigher(status(t, "101"), AlertSource.RECONCILER)).isPresent();
    CLOCK.advance(Duration.ofMinutes(1));
    Instant reset = CLOCK.instant();
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?", Timestamp.from(reset), t.id);
    later();

    Optional<AlertService.Raised> warning = alerts.raiseIfHigher(status(t, "85"), AlertSource.RECONCILER);

    assertThat(warning).contains(new AlertService.Raised(lastIssued(), AlertLevel.WARNING, true, null));
    assertThat(alertRows(t)).extracting(AlertRow::level, AlertRow::periodStart)
        .containsExactly(tuple("critical", t.created), tuple("warning", reset));
    assertThat(alerts.raiseIfHigher(status(t, "86"), AlertSource.RECONCILER)).as("this period's warning counts").isEmpty();
    assertThat(nudges).hasValue(2);
  }

  @Test
  void aBudgetChecksAlertIsTheChecksAndARaisedDuplicateWakesNobody() {
    Hooked t = tenant();
    claims.putIfAbsent(DedupKey.of(t.id, AlertLevel.BLOCKED, t.created), "another instance", DEDUP_TTL);

    Optional<AlertService.Raised> raised = alerts.raiseIfHigher(status(t, "120"), AlertSource.CHECK);

    assertThat(raised).contains(new AlertService.Raised(lastIssued(), AlertLevel.BLOCKED, false, "duplicate"));
    assertThat(audit(t)).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("budget-check");
      assertThat(a.details()).contains(entry("source", "check"), entry("notified", "false"),
          entry("suppression_reason", "duplicate"));
    });
    assertThat(alertRows(t)).extracting(AlertRow::source, AlertRow::level).containsExactly(
        tuple("check", "blocked"));
    assertThat(nudges).hasValue(0);
    assertCounted("alerts.raised.blocked", 1);
  }

  @Test
  void aStatusReadBeforeThePeriodBeganRaisesNothingAndIsCountedWhileOneReadAtItsStartRaises() {
    Hooked stale = tenant();
    Hooked atStart = tenant();
    Instant now = CLOCK.instant();
    // what a reset committed between a check's read of LiteLLM and its alert looks like from the alert's side
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?",
        Timestamp.from(now.plusNanos(1_000)), stale.id);
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?", Timestamp.from(now), atStart.id);

    assertThat(alerts.raiseIfHigher(status(stale, "95"), AlertSource.CHECK)).isEmpty();
    assertThat(alerts.raiseIfHigher(status(atStart, "95"), AlertSource.CHECK)).isPresent();

    assertThat(alertRows(stale)).isEmpty();
    assertThat(claims.get(DedupKey.of(stale.id, AlertLevel.WARNING, now.plusNanos(1_000)))).isEmpty();
    assertThat(alertRows(atStart)).extracting(AlertRow::periodStart).containsExactly(now);
    assertCounted("alerts.stale_period_skipped", 1, "alerts.raised.warning", 1);
    assertThat(nudges).hasValue(1);
  }

  @Test
  void aTenantWhoseAlertCannotBeStoredFailsOnlyItsOwnRaiseAndGivesItsClaimBack() {
    Hooked huge = tenant("1.00", List.of("ops@huge.test"), null);
    Hooked broken = tenant();
    Hooked after = tenant();
    refuse(broken);

    Optional<AlertService.Raised> blocked = alerts.raiseIfHigher(status(huge, "1000000000"), AlertSource.RECONCILER);
    Throwable failed = catchThrowable(() -> alerts.raiseIfHigher(status(broken, "150"), AlertSource.RECONCILER));
    Optional<AlertService.Raised> warning = alerts.raiseIfHigher(status(after, "85"), AlertSource.RECONCILER);

    assertThat(blocked).hasValueSatisfying(r -> assertThat(r.notified()).isTrue());
    assertThat(alertRows(huge)).singleElement().satisfies(a -> {
      assertThat(a.level()).as("at the ceiling: blocked, not an error").isEqualTo("blocked");
      assertThat(a.spend()).isEqualTo(new BigDecimal("1000000000.000000"));
    });
    assertThat(failed).isInstanceOf(JdbiException.class).hasMessageContaining(REFUSED);
    assertThat(alertRows(broken)).isEmpty();
    assertThat(claims.deletes).containsExactly(List.of(DedupKey.of(broken.id, AlertLevel.BLOCKED, broken.created)));
    assertThat(warning).hasValueSatisfying(r -> assertThat(r.level()).isEqualTo(AlertLevel.WARNING));
    assertCounted("alerts.raised.blocked", 1, "alerts.raised.warning", 1);
    assertThat(nudges).hasValue(2);
  }

  // --- the caller's transaction, and the history

  @Test
  void alertsRaisedInACallersTransactionThatFailsAreNotStoredAndTheirClaimsAreGivenBack() {
    Hooked a = tenant();
    Hooked b = tenant();
    String ownRow = deliveryId();
    RuntimeException boom = new IllegalStateException("the caller's own write failed");

    Throwable failed = catchThrowable(() -> alerts.inTransaction(tx -> {
      tx.handle().execute("INSERT INTO webhook_deliveries (webhook_id, received_at, tenant_id, outcome) VALUES (?, ?, ?, ?)",
          ownRow, Timestamp.from(CLOCK.instant()), a.id, "accepted");
      tx.raise(tenantOf(a), AlertLevel.WARNING, status(a, "85"), AlertSource.WEBHOOK, "threshold_crossed", null);
      tx.raise(tenantOf(b), AlertLevel.CRITICAL, status(b, "101"), AlertSource.WEBHOOK, "budget_crossed", null);
      throw boom;
    }));

    assertThat(failed).isSameAs(boom);
    assertThat(claims.deletes).containsExactly(List.of(DedupKey.of(a.id, AlertLevel.WARNING, a.created),
        DedupKey.of(b.id, AlertLevel.CRITICAL, b.created)));
    assertThat(alertRows(a)).isEmpty();
    assertThat(alertRows(b)).isEmpty();
    assertThat(deliveryCount(List.of(ownRow))).as("the caller's own row went with it").isZero();

    AlertService.Raised raised = alerts.inTransaction(tx ->
        tx.raise(tenantOf(a), AlertLevel.WARNING, status(a, "85"), AlertSource.WEBHOOK, "threshold_crossed", null));
    assertThat(raised).isEqualTo(new AlertService.Raised(lastIssued(), AlertLevel.WARNING, true, null));
    assertThat(nudges).as("the caller wakes the outbox once it has committed").hasValue(0);
  }

  @Test
  void theHistoryIsTheTenantsOwnNewestFirstUpToTheLimitAndAnUnknownTenantIs404() {
    Hooked t = tenant();
    Hooked other = tenant();
    accept(deliveryId(), Webhooks.event("threshold_crossed", "85", other.id), Intake.SIGNED);
    List<UUID> ids = new ArrayList<>();
    List<Instant> at = new ArrayList<>();
    for (String spend : List.of("85", "86", "101")) {
      later();
      at.add(CLOCK.instant());
      accept(deliveryId(), Webhooks.event("budget_crossed", spend, t.id), Intake.SIGNED);
      ids.add(lastIssued());
    }

    List<AlertView> recent = alerts.recent(t.id, 2);

    assertThat(recent).containsExactly(
        new AlertView(ids.get(2), t.id, "critical", new BigDecimal("101.00"), new BigDecimal("101.000000"),
            new BigDecimal("100.00"), "webhook", "budget_crossed", t.created, true, null, at.get(2), null),
        new AlertView(ids.get(1), t.id, "warning", new BigDecimal("86.00"), new BigDecimal("86.000000"),
            new BigDecimal("100.00"), "webhook", "budget_crossed", t.created, false, "duplicate", at.get(1), null));
    assertThat(alerts.recent(t.id, 10)).extracting(AlertView::id).containsExactly(ids.get(2), ids.get(1), ids.get(0));
    String nobody = "nobody-" + unique();
    ServiceException unknown = notFound(() -> alerts.recent(nobody, 10));
    assertThat(unknown.error()).isEqualTo("unknown_tenant");
    assertThat(unknown.getMessage()).isEqualTo("no tenant with id '" + nobody + "'");
  }

  // --- fixtures

  /** The features the two services use, wired by their own wiring classes. */
  record Wired(TenantService tenants, BudgetService budgets, AuditLog audit) {}

  /** A tenant row of this test: its id is also its key alias (as BudgetGate names keys). */
  record Hooked(String id, String name, String alias, String hash, Instant created, Instant resetAt) {}

  record Delivery(String webhookId, Instant receivedAt, String tenantId, String outcome) {}

  record AlertRow(UUID id, String tenantId, String level, BigDecimal percentUsed, BigDecimal spend,
      BigDecimal effectiveBudget, String source, String litellmEvent, Instant periodStart, boolean suppressed,
      String suppressionReason, Instant projectedBlockAt, Instant createdAt) {}

  record OutboxRow(UUID alertId, String tenantId, String channel, String recipient, String status, int attempts,
      Instant nextAttemptAt, Instant createdAt) {}

  record AuditRow(String actor, String action, Instant occurredAt, Map<String, String> details) {}

  /**
   * As {@code BudgetGateApplication.run}: the audit trail, tenants, alerts (for the history's row
   * mapper; the cases build their own {@link AlertService}) and budgets, on an environment of
   * their own that is never started.
   */
  static Wired wire() {
    Environment environment = new Environment("webhook-service-it");
    BudgetGateApplication.configureJson(environment.getObjectMapper());
    // a generous decision timeout: the one case that reads LiteLLM is about the cache, not about a slow machine
    LiteLlmConfig config = new LiteLlmConfig(LITELLM.baseUrl(), TestTokens.LITELLM_MASTER_KEY,
        io.dropwizard.util.Duration.seconds(5), 3, io.dropwizard.util.Duration.milliseconds(5), 1.0, null, null, null,
        io.dropwizard.util.Duration.seconds(5), null);
    LiteLlmWiring.LiteLlm litellm = new LiteLlmWiring.LiteLlm(
        new LiteLlmClient(config, environment.getObjectMapper(), environment.metrics()), new MissingKeys(environment.metrics()),
        KEYS);
    AuditLog audit = AuditWiring.wire(JDBI, CLOCK, environment);
    TenantService tenants = TenantWiring.wire(JDBI, litellm.client(), KEYS, audit,
        new TenantDefaults(new BigDecimal("500.00"), 80, 110), CLOCK, environment);
    AlertWiring.alerts(JDBI, new InProcessCache(CLOCK), tenants, new Outbox("", () -> { }), audit, AlertConfig.defaults(),
        CLOCK, environment);
    BudgetService budgets = BudgetWiring.wire(JDBI, litellm, tenants, new InProcessCache(CLOCK), audit, BudgetConfig.defaults(),
        ReservationConfig.defaults(), LITELLM.baseUrl(), status -> { }, CLOCK, environment).service();
    return new Wired(tenants, budgets, audit);
  }

  static DataSource pool() {
    return io.budgetgate.testing.TestApps.pool(DB);
  }

  static Jdbi jdbi() {
    Jdbi jdbi = Jdbi.create(POOL).installPlugin(new SqlObjectPlugin());
    jdbi.registerArrayType(String.class, "text"); // as the app's run()
    return jdbi;
  }

  /** The app's JSON settings (a webhook body's decimals are read as BigDecimal). */
  static ObjectMapper json() {
    ObjectMapper mapper = Jackson.newObjectMapper();
    BudgetGateApplication.configureJson(mapper);
    return mapper;
  }

  /**
   * A trigger refusing the alert rows of the tenants listed in {@code test_refused_alerts}, so an
   * alert's transaction fails in PostgreSQL. {@code IF NOT EXISTS} and {@code OR REPLACE}: a
   * mutation run loads this class again in the same JVM and database.
   */
  static void installRefusals() {
    JDBI.useHandle(h -> {
      h.execute("CREATE TABLE IF NOT EXISTS test_refused_alerts (tenant_id TEXT PRIMARY KEY)");
      h.execute("""
          CREATE OR REPLACE FUNCTION refuse_test_alerts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF EXISTS (SELECT 1 FROM test_refused_alerts WHERE tenant_id = NEW.tenant_id) THEN
              RAISE EXCEPTION 'test: alert insert refused for %', NEW.tenant_id;
            END IF;
            RETURN NEW;
          END $$""");
      h.execute("DROP TRIGGER IF EXISTS refuse_test_alerts ON budget_alert_history");
      h.execute("CREATE TRIGGER refuse_test_alerts BEFORE INSERT ON budget_alert_history FOR EACH ROW "
          + "EXECUTE FUNCTION refuse_test_alerts()");
    });
  }

  AlertService alertService(KeyValueCache dedup) {
    return TestAlerts.service(JDBI, dedup, WIRED.tenants(), outbox, WIRED.audit(), DEDUP_TTL, CLOCK, () -> {
      UUID id = UUID.randomUUID();
      issued.add(id);
      return id;
    }, metrics);
  }

  WebhookService webhooks(AlertService alertService) {
    return new WebhookService(WIRED.tenants(), WIRED.budgets(), alertService, outbox, WIRED.audit(), CLOCK, metrics);
  }

  /** Both services on this dedup store (the counters stay this case's). */
  void useDedup(KeyValueCache dedup) {
    alerts = alertService(dedup);
    webhooks = webhooks(alerts);
  }

  WebhookReply accept(String deliveryId, String body, Intake intake) {
    try {
      return webhooks.accept(deliveryId, JSON.readTree(body), body, intake);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** A tenant with a budget of 100 (alert 80 %, grace 110 %) and one email address. */
  Hooked tenant() {
    return tenant("100.00", List.of("ops@hooked.test"), null);
  }

  /**
   * A tenant created a day ago (its period starts then, so the period start is never the instant
   * of an alert), with a 30-day period, its key in LiteLLM at spend 0.
   */
  Hooked tenant(String maxBudget, List<String> emails, String slack) {
    String id = "wh-" + unique();
    String raw = "sk-" + UUID.randomUUID().toString().replace("-", "");
    VirtualKey key = new VirtualKey(raw);
    Instant created = CLOCK.instant().minus(Duration.ofDays(1));
    Instant resetAt = created.plus(Duration.ofDays(30));
    String name = "Tenant " + id.toUpperCase(java.util.Locale.ROOT);
    LITELLM.createKey(raw, id, new BigDecimal(maxBudget).multiply(new BigDecimal("1.1")), null, BigDecimal.ZERO);
    JDBI.useHandle(h -> h.createUpdate("""
        INSERT INTO tenant_configs (tenant_id, name, max_budget, alert_threshold, grace_threshold, budget_duration,
                                    budget_reset_at, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                    notification_emails, slack_webhook_url, created_at, updated_at)
        VALUES (:id, :name, :max, 80, 110, '30d', :resetAt, :id, :hash, :sealed, :emails, :slack, :created, :created)""")
        .bind("id", id).bind("name", name).bind("max", new BigDecimal(maxBudget)).bind("resetAt", resetAt)
        .bind("hash", key.hash()).bind("sealed", KEYS.seal(id, key)).bind("emails", emails.toArray(String[]::new))
        .bind("slack", slack).bind("created", created).execute());
    return new Hooked(id, name, id, key.hash(), created, resetAt);
  }

  static Tenant tenantOf(Hooked t) {
    return WIRED.tenants().require(t.id);
  }

  /** The status the budget feature gives this spend now, as the reconciler and a webhook get it. */
  static BudgetStanding status(Hooked t, String spend) {
    return WIRED.budgets().statusForSpend(t.id, new BigDecimal(spend));
  }

  static void sample(Hooked t, Instant at, String spend) {
    execute("INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start) VALUES (?, ?, ?, ?)", t.id,
        Timestamp.from(at), new BigDecimal(spend), Timestamp.from(t.created));
  }

  static void refuse(Hooked t) {
    execute("INSERT INTO test_refused_alerts (tenant_id) VALUES (?)", t.id);
  }

  static void allow(Hooked t) {
    execute("DELETE FROM test_refused_alerts WHERE tenant_id = ?", t.id);
  }

  static void execute(String sql, Object... args) {
    JDBI.useHandle(h -> h.execute(sql, args));
  }

  /** One second on, so this case's rows have an order by time. */
  static void later() {
    CLOCK.advance(Duration.ofSeconds(1));
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static String deliveryId() {
    return "msg_" + UUID.randomUUID();
  }

  /** A new delivery id, added to {@code ids} (to look for its row afterwards). */
  static String trackedId(List<String> ids) {
    String id = deliveryId();
    ids.add(id);
    return id;
  }

  UUID lastIssued() {
    return issued.get(issued.size() - 1);
  }

  static List<Delivery> deliveries(Hooked t) {
    return JDBI.withHandle(h -> h.createQuery("""
            SELECT webhook_id, received_at, tenant_id, outcome FROM webhook_deliveries WHERE tenant_id = :t
             ORDER BY received_at, webhook_id""").bind("t", t.id)
        .map((rs, ctx) -> new Delivery(rs.getString("webhook_id"), rs.getTimestamp("received_at").toInstant(),
            rs.getString("tenant_id"), rs.getString("outcome"))).list());
  }

  static long deliveryCount(List<String> ids) {
    return JDBI.withHandle(h -> h.createQuery("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ANY(:ids)")
        .bind("ids", ids.toArray(String[]::new)).mapTo(Long.class).one());
  }

  static List<AlertRow> alertRows(Hooked t) {
    return JDBI.withHandle(h -> h.createQuery("""
            SELECT * FROM budget_alert_history WHERE tenant_id = :t ORDER BY created_at, id""").bind("t", t.id)
        .map((rs, ctx) -> new AlertRow(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("level"),
            rs.getBigDecimal("percent_used"), rs.getBigDecimal("spend"), rs.getBigDecimal("effective_budget"),
            rs.getString("source"), rs.getString("litellm_event"), instant(rs.getTimestamp("period_start")),
            rs.getBoolean("notification_suppressed"), rs.getString("suppression_reason"),
            instant(rs.getTimestamp("projected_block_at")), instant(rs.getTimestamp("created_at")))).list());
  }

  static boolean rawPayloadIs(UUID alertId, String body) {
    return JDBI.withHandle(h -> h.createQuery(
            "SELECT raw_payload = CAST(:body AS jsonb) FROM budget_alert_history WHERE id = :id")
        .bind("body", body).bind("id", alertId).mapTo(Boolean.class).one());
  }

  static boolean rawPayloadIsNull(UUID alertId) {
    return JDBI.withHandle(h -> h.createQuery("SELECT raw_payload IS NULL FROM budget_alert_history WHERE id = :id")
        .bind("id", alertId).mapTo(Boolean.class).one());
  }

  static List<OutboxRow> outboxRows(Hooked t) {
    return JDBI.withHandle(h -> h.createQuery("SELECT * FROM notification_outbox WHERE tenant_id = :t ORDER BY id")
        .bind("t", t.id)
        .map((rs, ctx) -> new OutboxRow(rs.getObject("alert_id", UUID.class), rs.getString("tenant_id"),
            rs.getString("channel"), rs.getString("recipient"), rs.getString("status"), rs.getInt("attempts"),
            instant(rs.getTimestamp("next_attempt_at")), instant(rs.getTimestamp("created_at")))).list());
  }

  /** What each of the tenant's outbox rows says, as queued. */
  static List<MessageRenderer.Figures> messages(Hooked t) {
    ObjectMapper plain = Jackson.newObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return JDBI.withHandle(h -> h.createQuery("SELECT message::text FROM notification_outbox WHERE tenant_id = :t ORDER BY id")
        .bind("t", t.id).mapTo(String.class).list()).stream().map(text -> {
          try {
            return plain.treeToValue(plain.readTree(text).get("alert"), MessageRenderer.Figures.class);
          } catch (JsonProcessingException e) {
            throw new AssertionError(e);
          }
        }).toList();
  }

  static void assertSameFigures(MessageRenderer.Figures actual, MessageRenderer.Figures expected) {
    assertThat(actual).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
        .isEqualTo(expected);
  }

  static List<AuditRow> audit(Hooked t) {
    return JDBI.withHandle(h -> h.createQuery("""
            SELECT actor, action, occurred_at, details::text FROM audit_log WHERE tenant_id = :t ORDER BY id""")
        .bind("t", t.id)
        .map((rs, ctx) -> new AuditRow(rs.getString("actor"), rs.getString("action"),
            instant(rs.getTimestamp("occurred_at")), details(rs.getString("details")))).list());
  }

  static List<AuditRow> audit(Hooked t, String action) {
    return audit(t).stream().filter(a -> a.action().equals(action)).toList();
  }

  /** The details' top-level fields as PostgreSQL holds them (a number with its scale; null for JSON null). */
  static Map<String, String> details(String json) {
    return StoredRows.fields(json);
  }

  /** The tenant's alerts, outbox rows and audit rows, counted: {@code "1,1,2"}. */
  static String rows(Hooked t) {
    return JDBI.withHandle(h -> h.createQuery("""
            SELECT (SELECT count(*) FROM budget_alert_history WHERE tenant_id = :t) || ','
                || (SELECT count(*) FROM notification_outbox WHERE tenant_id = :t) || ','
                || (SELECT count(*) FROM audit_log WHERE tenant_id = :t)""").bind("t", t.id).mapTo(String.class).one());
  }

  /** A LiteLLM webhook body (test resources litellm/webhooks/, sources in SOURCES.md) for this tenant's key. */
  static String fixture(String name, Hooked t) {
    try (InputStream in = WebhookServiceIT.class.getResourceAsStream("/litellm/webhooks/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__TOKEN__", t.hash).replace("__ALIAS__", t.alias);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServiceException notFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ServiceException.class);
    ServiceException e = (ServiceException) thrown;
    assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
    return e;
  }

  /** Every alert and webhook counter is exactly as named (the others 0). */
  void assertCounted(Object... nameThenCount) {
    Map<String, Long> expected = new LinkedHashMap<>();
    COUNTERS.forEach(n -> expected.put(n, 0L));
    for (int i = 0; i < nameThenCount.length; i += 2) {
      expected.put((String) nameThenCount[i], ((Integer) nameThenCount[i + 1]).longValue());
    }
    Map<String, Long> actual = COUNTERS.stream().collect(Collectors.toMap(n -> n, n -> metrics.counter(n).getCount(),
        (x, y) -> x, LinkedHashMap::new));
    assertThat(actual).isEqualTo(expected);
    assertThat(metrics.getCounters().keySet()).as("no counter of another name")
        .containsExactlyInAnyOrderElementsOf(COUNTERS);
  }

  List<String> lines() {
    return log.lines();
  }

  /** A dedup store that does not answer, as {@code RedisCache} with Redis down: no claim is confirmed or refused. */
  static final class DownStore implements KeyValueCache {
    @Override
    public Optional<String> get(String key) {
      return Optional.empty();
    }

    @Override
    public void put(String key, String value, Duration ttl) {}

    @Override
    public Optional<Boolean> putIfAbsent(String key, String value, Duration ttl) {
      return Optional.empty();
    }

    @Override
    public void delete(String... keys) {}

    @Override
    public String describe() {
      return "redis (down)";
    }
  }
}
