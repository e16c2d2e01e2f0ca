package io.budgetgate.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.SlackSink;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the load runs against: BudgetGate from the built jar with config.yml on real PostgreSQL and
 * Redis (the CI machine's through BUDGETGATE_TEST_*, else embedded), the LiteLLM simulator, a real
 * SMTP server (GreenMail) and a Slack sink, and 1,000 tenants spread over every budget state, each
 * with an e-mail address and a Slack webhook: an alert the load raises takes the whole path (dedup
 * claim, outbox rows, a mail and a Slack post).
 */
final class PerfEnvironment implements AutoCloseable {
  static final int TENANTS = 1000;
  /** One tenant every hot-tenant reservation goes to (300/s): a budget no load can reach, no contacts. */
  static final String HOT_TENANT = "perf-hot";
  /** Share of tenants per state: ok, warning, critical, blocked. */
  static final Map<String, Integer> MIX = Map.of("ok", 400, "warning", 250, "critical", 200, "blocked", 150);
  private static final Map<String, String> SPEND = Map.of("ok", "40", "warning", "85", "critical", "105", "blocked", "125");

  final TestPostgres.Database db = TestPostgres.newDatabase();
  final String redisUrl = TestRedis.url();
  final LiteLlmSimulator litellm = new LiteLlmSimulator("127.0.0.1", 0, TestTokens.LITELLM_MASTER_KEY, new ObjectMapper(),
      Clock.systemUTC());
  final Mailbox mailbox = new Mailbox();
  final SlackSink slack = new SlackSink();
  ServiceProcess service;
  final List<String[]> tenants = new ArrayList<>();

  PerfEnvironment start() throws Exception {
    litellm.start();
    Map<String, String> env = env();
    ServiceJar.Run migrate = ServiceJar.run(env, 120, "db", "migrate", ServiceJar.shippedConfig("config.yml").toString());
    if (migrate.exitCode() != 0) {
      throw new IllegalStateException("db migrate failed:\n" + migrate.output());
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("logging.level", "WARN");
    // the reconciler would read (and cache) every tenant's status on its first round, turning the
    // cache-miss scenario into hits: it is held off for the length of a run
    overrides.put("alerts.reconcileInterval", "30m");
    // a round paces itself as it would with the shipped 60 s interval (config.yml: 30 s), a little
    // faster so its gate (30 s) measures the work, not the pacing's last pause
    overrides.put("alerts.reconcileSpread", "" + ScaleBenchmark.SPREAD.toSeconds() + "s");
    service = new ServiceProcess(env, overrides).start();
    return this;
  }

  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>(ServiceJar.productionEnv(db, litellm.baseUrl(), 0, 0));
    env.remove("HTTP_PORT");
    env.remove("ADMIN_PORT");
    env.put("REDIS_URL", redisUrl);
    env.put("WEBHOOK_SECRET", Webhooks.SECRET);
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(mailbox.port()));
    env.put("VIEWER_TOKEN_SHA256", "04afacc947b28c94e15578a9db68c1d1bf775b3ff82bc88e31d4465f26bc0b42");
    return env;
  }

  /**
   * Creates the measured tenants over HTTP (so each has a LiteLLM key) with their spend set in
   * LiteLLM, then warms the service up on as many other tenants (a just-started JVM spends its
   * first minutes compiling: measuring then would charge the JIT to the first scenario, seen with
   * JFR as C2 compiling Jdbi and Jackson methods for whole seconds during it). The measured tenants
   * stay uncached, so the first scenario still measures cache misses.
   */
  void seed() throws Exception {
    tenants.addAll(create("perf"));
    ApiClient.Answer hot = service.api().post("/v1/tenants", TestTokens.ADMIN, "{\"tenant_id\": \"" + HOT_TENANT
        + "\", \"name\": \"one hot tenant\", \"max_budget\": 1000000, \"budget_duration\": \"1mo\"}");
    if (hot.status() != 201) {
      throw new IllegalStateException("seeding " + HOT_TENANT + ": " + hot.status() + " " + hot.body());
    }
    litellm.setSpend(HOT_TENANT, BigDecimal.ZERO);
    warmUp(create("warm"));
    // the warm-up's alerts notify too: their sends finish before anything is measured
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pendingOutbox() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  private List<String[]> create(String prefix) throws Exception {
    List<String[]> plan = new ArrayList<>();
    int n = 0;
    for (String state : List.of("ok", "warning", "critical", "blocked")) {
      for (int i = 0; i < MIX.get(state); i++) {
        plan.add(new String[] {String.format("%s-%04d", prefix, n++), state});
      }
    }
    ApiClient api = service.api();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (String[] tenant : plan) {
      done.add(pool.submit(() -> {
        ApiClient.Answer created = api.post("/v1/tenants", TestTokens.ADMIN, "{\"tenant_id\": \"" + tenant[0] + "\", \"name\": \""
            + tenant[0] + "\", \"max_budget\": 100, \"budget_duration\": \"1mo\", \"notification_emails\": [\"ops@" + tenant[0]
            + ".perf.example\"], \"slack_webhook_url\": \"" + slack.url() + "\"}");
        if (created.status() != 201) {
          throw new IllegalStateException("seeding " + tenant[0] + ": " + created.status() + " " + created.body());
        }
        litellm.setSpend(tenant[0], new BigDecimal(SPEND.get(tenant[1])));
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    return plan;
  }

  /**
   * Budget checks (a miss, then hits) and LLM access for each warm-up tenant, three rounds, four at
   * a time; then a pause for the compiler queue to drain.
   */
  private void warmUp(List<String[]> warm) throws Exception {
    ApiClient api = service.api();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (String[] tenant : warm) {
        done.add(pool.submit(() -> {
          api.get("/v1/tenants/" + tenant[0] + "/budget", TestTokens.PLATFORM);
          api.post("/v1/tenants/" + tenant[0] + "/llm-access", TestTokens.PLATFORM, "");
          return null;
        }));
      }
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    Thread.sleep(10_000);
  }

  /** The tenants as a Gatling CSV feeder file. */
  Path writeFeeder(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("tenant_id,state\n");
    tenants.forEach(t -> csv.append(t[0]).append(',').append(t[1]).append('\n'));
    Path file = dir.resolve("tenants.csv");
    Files.writeString(file, csv.toString());
    return file;
  }

  long pendingOutbox() throws Exception {
    return count("SELECT count(*) FROM notification_outbox WHERE status = 'pending'");
  }

  /** Outbox rows of every status: how many notifications the load queued so far. */
  long outboxRows() throws Exception {
    return count("SELECT count(*) FROM notification_outbox");
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws Exception {
    if (service != null) {
      service.close();
    }
    litellm.stop();
    mailbox.close();
    slack.close();
  }
}
