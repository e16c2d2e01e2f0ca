package io.budgetgate.perf;

import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the dashboard's pages with thousands of tenants: fills the database up to {@code tenants}
 * tenants (the ones beyond the seeded set inserted straight into PostgreSQL, each with a day of
 * hourly spend samples), signs in, then requests the overview (most used first), a filtered page
 * deep in the list, and one tenant's page, sequentially, measuring each answer end to end.
 */
final class DashboardBenchmark {
  static final int SAMPLES_PER_TENANT = 24;

  /** Latencies in milliseconds. */
  record Result(int tenants, long samples, Timing overview, Timing filtered, Timing tenantPage, int overviewBytes) {}

  /** One page's timing. */
  record Timing(String path, int requests, double p50, double p95, double max) {}

  private DashboardBenchmark() {}

  static Result run(PerfEnvironment env, int tenants, int requests) throws Exception {
    long samples = fill(env, tenants);
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String base = env.service.baseUrl();
    String cookie = signIn(http, base);
    String first = "/dashboard?state=all&sort=percent_desc&page=1";
    int bytes = get(http, base + first, cookie).body().length();
    return new Result(tenants, samples, time(http, base, first, cookie, requests),
        time(http, base, "/dashboard?state=critical&sort=tenant&page=5", cookie, requests),
        time(http, base, "/dashboard/tenants/perf-0001", cookie, requests), bytes);
  }

  /** The overview's first page (most used first) as the database stands, without filling it. */
  static Timing overview(PerfEnvironment env, int requests) throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String base = env.service.baseUrl();
    return time(http, base, "/dashboard?state=all&sort=percent_desc&page=1", signIn(http, base), requests);
  }

  private static String signIn(HttpClient http, String base) throws Exception {
    HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/sign-in"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(TestTokens.VIEWER, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    String setCookie = signIn.headers().firstValue("Set-Cookie")
        .orElseThrow(() -> new IllegalStateException("dashboard sign-in failed: " + signIn.statusCode()));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static Timing time(HttpClient http, String base, String path, String cookie, int requests) throws Exception {
    for (int i = 0; i < 5; i++) {
      get(http, base + path, cookie);
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long started = System.nanoTime();
      HttpResponse<String> page = get(http, base + path, cookie);
      ms.add((System.nanoTime() - started) / 1e6);
      if (page.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + page.statusCode());
      }
    }
    Collections.sort(ms);
    return new Timing(path, requests, Load.percentile(ms, 0.50), Load.percentile(ms, 0.95), ms.get(ms.size() - 1));
  }

  private static HttpResponse<String> get(HttpClient http, String url, String cookie) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Tenants beyond the seeded ones, and hourly samples for every tenant, straight into PostgreSQL. */
  private static long fill(PerfEnvironment env, int tenants) throws Exception {
    try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
      TestKeys.insertSealed(c, """
          INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                      max_budget, budget_duration, budget_reset_at, created_at, updated_at)
          SELECT 'dash-' || lpad(i::text, 5, '0'), 'Dashboard tenant ' || i, 'dash-' || i, md5('k' || i) || md5('h' || i),
                 'sk-not-a-real-key-' || i, 100, '1mo', date_trunc('month', now()) + interval '1 month', now(), now()
            FROM generate_series(1, %d - (SELECT count(*) FROM tenant_configs)) AS i""".formatted(tenants));
      s.execute("""
          INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start)
          SELECT t.tenant_id, now() - make_interval(hours => h),
                 round((abs(hashtext(t.tenant_id)) %% 130) * (%d - h) / %d.0, 4), NULL
            FROM tenant_configs t, generate_series(0, %d) AS h""".formatted(
          SAMPLES_PER_TENANT - 1, SAMPLES_PER_TENANT - 1, SAMPLES_PER_TENANT - 1));
      s.execute("ANALYZE tenant_configs; ANALYZE spend_samples");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM spend_samples")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
