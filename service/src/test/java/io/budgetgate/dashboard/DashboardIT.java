package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.auth.TokenRegistry;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard over HTTP as a browser without JavaScript would use it: cookies, forms, redirects. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DashboardIT {
  static final Instant START = TestClock.START;
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("dashboard.pageSize", "10"));
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static final Pattern FORM_TOKEN = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  static BudgetScenario given;
  static String base;

  @BeforeAll
  static void tenants() {
    CLOCK.set(START);
    base = "http://127.0.0.1:" + APP.getLocalPort();
    given = new BudgetScenario(new ApiClient(base), LITELLM, DB);
    given.tenant("calm", "\"name\": \"Calm & Co <script>alert(1)</script>\", \"max_budget\": 100");
    given.tenant("warm", "\"max_budget\": 100");
    given.tenant("hot", "\"max_budget\": 100");
    given.tenant("over", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("calm", "10");
    given.spend("warm", "85");
    given.spend("hot", "97");
    given.spend("over", "120");
  }

  @Test
  void pagesRedirectToSignInAndComeBackAfterwards() throws Exception {
    HttpResponse<String> page = get("/dashboard/tenants/hot?notice=reset", null);

    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location").orElseThrow())
        .endsWith("/dashboard/sign-in?next=%2Fdashboard%2Ftenants%2Fhot%3Fnotice%3Dreset");

    HttpResponse<String> signedIn = signIn(TestTokens.VIEWER, "/dashboard/tenants/hot");
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard/tenants/hot");
  }

  @Test
  void signInSetsAStrictHttpOnlyExpiringCookieThatHoldsNoToken() throws Exception {
    HttpResponse<String> signedIn = signIn(TestTokens.ADMIN, "https://evil.example/");

    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith("bg_session=").contains("HttpOnly").contains("SameSite=Strict")
        .contains("Max-Age=28800").contains("Path=/dashboard").doesNotContain(TestTokens.ADMIN)
        .doesNotContain(TokenRegistry.sha256Hex(TestTokens.ADMIN));
    assertThat(signedIn.headers().firstValue("Location").orElseThrow()).as("never sent off-site").endsWith("/dashboard");
  }

  @Test
  void anUnknownTokenIsRefusedWithoutACookie() throws Exception {
    HttpResponse<String> refused = signIn("not-a-token", "/dashboard");

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(refused.body()).contains("That token is not recognised");
  }

  @Test
  void theOverviewShowsTheReconcilersLastSpendSortedFilteredPagedAndProjected() throws Exception {
    given.tenant("ov-blocked", "\"max_budget\": 100");
    given.tenant("ov-rising", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    for (int i = 0; i < 10; i++) {
      given.tenant("ov-quiet-" + i, "\"max_budget\": 100");
    }
    given.tenant("ov-warned", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("ov-blocked", "130");
    given.spend("ov-rising", "50");
    given.spend("ov-warned", "40");
    reconcilerRound();
    CLOCK.advance(Duration.ofHours(1));
    given.spend("ov-rising", "60");
    given.spend("ov-warned", "85");
    reconcilerRound();
    String viewer = session(TestTokens.VIEWER);

    String blocked = get("/dashboard?state=blocked&sort=tenant", viewer).body();
    assertThat(blocked).contains("data-tenant=\"ov-blocked\"").doesNotContain("data-tenant=\"ov-rising\"")
        .doesNotContain("data-tenant=\"calm\"").contains("blocked now");

    String mostUsed = get("/dashboard?sort=percent_desc", viewer).body();
    assertThat(mostUsed.indexOf("data-tenant=\"ov-blocked\"")).isLessThan(mostUsed.indexOf("data-tenant=\"hot\""));
    assertThat(mostUsed.indexOf("data-tenant=\"hot\"")).isLessThan(mostUsed.indexOf("data-tenant=\"warm\""));
    assertThat(mostUsed).contains("page 1 of 2").contains("rel=\"next\"").doesNotContain("data-tenant=\"ov-quiet-9\"");

    String rising = get("/dashboard?state=ok&sort=percent_desc", viewer).body();
    assertThat(row(rising, "ov-rising")).as("60 of 100 rising $10/h: blocked at $110 five hours on")
        .contains("data-percent=\"60.0\"").contains("2026-11-10 18:00 UTC");
    assertThat(get("/dashboard/tenants/ov-rising", viewer).body()).contains("2026-11-10 18:00 UTC")
        .contains("<polyline points=");
    String warned = get("/dashboard/tenants/ov-warned", viewer).body();
    String alerts = warned.substring(warned.indexOf("<table id=\"alerts\""), warned.indexOf("</table>", warned.indexOf("<table id=\"alerts\"")));
    assertThat(alerts).as("40 -> 85 in an hour: $25 to the block at $45/h, 33 min 20 s after 13:00")
        .contains("warning").contains("reconciler").contains("2026-11-10 13:33 UTC");

    String leastUsed = get("/dashboard?sort=percent_asc&page=2", viewer).body();
    assertThat(leastUsed).contains("page 2 of 2").contains("rel=\"prev\"").contains("data-tenant=\"ov-blocked\"");
  }

  @Test
  void theTenantPageShowsLiveStatusAlertsAndAuditWithNamesEscaped() throws Exception {
    String cookie = session(TestTokens.VIEWER);

    HttpResponse<String> page = get("/dashboard/tenants/calm", cookie);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
    assertThat(page.body()).contains("Calm &amp; Co &lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
        .contains("data-percent=\"10.0\"").contains("tenant.created").contains("LiteLLM key").contains("(in sync)");
    assertThat(page.body()).as("a viewer gets no forms").doesNotContain("override-form").doesNotContain("reset-form");
  }

  @Test
  void theTenantPageShowsWhatReservationsHoldAndTheHeadroomLeft() throws Exception {
    given.tenant("holding", "\"max_budget\": 100");
    given.spend("holding", "50");
    ApiClient api = new ApiClient(base);
    assertThat(api.post("/v1/tenants/holding/llm-access", TestTokens.PLATFORM,
        "{\"estimated_cost\": \"2.50\", \"request_id\": \"agent-7 <b>\"}").status()).isEqualTo(200);
    String settled = api.post("/v1/tenants/holding/llm-access", TestTokens.PLATFORM, "{\"estimated_cost\": \"0.01\"}")
        .json().at("/reservation/id").asText();
    assertThat(api.post("/v1/tenants/holding/reservations/" + settled + "/settle", TestTokens.PLATFORM,
        "{\"actual_cost\": \"0.0042\"}").status()).isEqualTo(200);

    String page = get("/dashboard/tenants/holding", session(TestTokens.VIEWER)).body();

    String facts = page.substring(page.indexOf("<table class=\"facts\""), page.indexOf("</table>", page.indexOf("id=\"facts\"")));
    assertThat(facts).as("2.50 held + 0.0042 settled, not yet recorded by LiteLLM; 110 - 50 - 2.5042 left")
        .contains("<td>reserved</td><td>$2.5042 (2 open reservations")
        .contains("<td>headroom</td><td>$57.4958 before blocked at $110.00");
    String table = page.substring(page.indexOf("<table id=\"reservations\""),
        page.indexOf("</table>", page.indexOf("<table id=\"reservations\"")));
    assertThat(table).contains("<td>held</td><td class=\"num\">$2.50</td>").contains("agent-7 &lt;b&gt;")
        .contains("<td>settled</td><td class=\"num\">$0.01</td><td class=\"num\">$0.0042</td>")
        .contains("counts until").doesNotContain("<b>");
  }

  @Test
  void aViewerCannotActEvenWithAValidFormToken() throws Exception {
    String cookie = session(TestTokens.VIEWER);
    String formToken = formToken(cookie, "hot");
    long before = given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'hot'");

    HttpResponse<String> refused = post("/dashboard/tenants/hot/overrides", cookie,
        "csrf=" + formToken + "&amount=50&reason=viewer+try&hours=24", null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("only an admin token may change budgets");
    assertThat(given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'hot'")).isEqualTo(before);
  }

  @Test
  void formsWithoutTheSessionsFormTokenOrFromAnotherOriginChangeNothing() throws Exception {
    String admin = session(TestTokens.ADMIN);
    String otherSession = formToken(session(TestTokens.ADMIN), "hot");
    long resets = given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'hot'");

    assertThat(post("/dashboard/tenants/hot/reset", admin, "", null).statusCode()).isEqualTo(403);
    assertThat(post("/dashboard/tenants/hot/reset", admin, "csrf=" + otherSession, null).statusCode()).isEqualTo(403);
    assertThat(post("/dashboard/tenants/hot/reset", admin, "csrf=" + formToken(admin, "hot"), "http://evil.example")
        .statusCode()).isEqualTo(403);
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'hot'"))
        .isEqualTo(resets);
  }

  @Test
  void anAdminGrantsAnOverrideThroughTheFormAuditedAsThroughTheApi() throws Exception {
    String admin = session(TestTokens.ADMIN);
    assertThat(given.statusJson("over").get("allowed").asBoolean()).isFalse();

    HttpResponse<String> granted = post("/dashboard/tenants/over/overrides", admin,
        "csrf=" + formToken(admin, "over") + "&amount=50&reason=" + enc("launch week") + "&hours=48",
        base);

    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(303);
    assertThat(granted.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard/tenants/over?notice=override");
    assertThat(given.statusJson("over").get("allowed").asBoolean()).as("unblocked at once").isTrue();
    assertThat(given.one("SELECT actor || ' ' || (details->>'amount') || ' ' || (details->>'reason') FROM audit_log "
        + "WHERE action = 'override.granted' AND tenant_id = 'over'")).isEqualTo("test-admin 50.00 launch week");
    assertThat(given.one("SELECT expires_at - starts_at FROM budget_overrides WHERE tenant_id = 'over'"))
        .isEqualTo("2 days");
    assertThat(get("/dashboard/tenants/over?notice=override", admin).body()).contains("Override granted.")
        .contains("launch week");
  }

  @Test
  void aBadOverrideFormNamesEveryFieldAndStoresNothing() throws Exception {
    String admin = session(TestTokens.ADMIN);

    HttpResponse<String> refused = post("/dashboard/tenants/warm/overrides", admin,
        "csrf=" + formToken(admin, "warm") + "&amount=lots&reason=&hours=0", null);

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("amount must be a number").contains("hours must be between 1 and 2160")
        .contains("reason is required");
    assertThat(given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'warm'")).isZero();

    HttpResponse<String> negative = post("/dashboard/tenants/warm/overrides", admin,
        "csrf=" + formToken(admin, "warm") + "&amount=-5&reason=x&hours=1", null);
    assertThat(negative.statusCode()).as("the API's own rules apply too").isEqualTo(422);
    assertThat(negative.body()).contains("amount");
  }

  @Test
  void theResetFormStartsANewPeriodAsTheApiDoes() throws Exception {
    given.tenant("resettable", "\"max_budget\": 100, \"budget_duration\": \"7d\"");
    given.spend("resettable", "70");
    String admin = session(TestTokens.ADMIN);

    HttpResponse<String> reset = post("/dashboard/tenants/resettable/reset", admin,
        "csrf=" + formToken(admin, "resettable"), null);

    assertThat(reset.statusCode()).isEqualTo(303);
    assertThat(given.statusJson("resettable").get("spend").decimalValue()).isZero();
    assertThat(given.one("SELECT actor FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'resettable'"))
        .isEqualTo("test-admin");
  }

  @Test
  void anUnknownTenantIsA404PageNotAnError() throws Exception {
    String viewer = session(TestTokens.VIEWER);

    assertThat(get("/dashboard/tenants/nobody", viewer).statusCode()).isEqualTo(404);
    assertThat(get("/dashboard/tenants/" + enc("Bad Id!"), viewer).statusCode()).isEqualTo(404);
    String admin = session(TestTokens.ADMIN);
    assertThat(post("/dashboard/tenants/nobody/reset", admin, "csrf=" + formToken(admin, "calm"), null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSessionEndsAfterEightHoursAndAfterSigningOut() throws Exception {
    String cookie = session(TestTokens.VIEWER);
    assertThat(get("/dashboard/tenants/calm", cookie).statusCode()).isEqualTo(200);

    CLOCK.advance(Duration.ofHours(8));
    assertThat(get("/dashboard/tenants/calm", cookie).statusCode()).isEqualTo(303);

    String fresh = session(TestTokens.VIEWER);
    String other = session(TestTokens.VIEWER);
    HttpResponse<String> out = post("/dashboard/sign-out", fresh, "csrf=" + formToken(fresh, "calm"), null);
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("bg_session=;").contains("Max-Age=0");
    assertThat(get("/dashboard/tenants/calm", fresh).statusCode()).as("a copy of the signed-out cookie").isEqualTo(303);
    assertThat(get("/dashboard/tenants/calm", other).statusCode()).as("the same operator's other session").isEqualTo(200);
    assertThat(post("/dashboard/sign-out", fresh, "csrf=whatever", null).statusCode()).as("signing out twice").isEqualTo(303);
  }

  @Test
  void signOutsAreForgottenOnceTheirSessionWouldHaveExpired() throws Exception {
    String early = session(TestTokens.VIEWER);
    post("/dashboard/sign-out", early, "csrf=" + formToken(early, "calm"), null);
    assertThat(given.count("SELECT count(*) FROM dashboard_signouts")).isGreaterThanOrEqualTo(1);

    CLOCK.advance(Duration.ofHours(9));
    String late = session(TestTokens.VIEWER);
    post("/dashboard/sign-out", late, "csrf=" + formToken(late, "calm"), null);

    assertThat(given.count("SELECT count(*) FROM dashboard_signouts")).as("only the second sign-out is kept").isEqualTo(1);
    assertThat(get("/dashboard/tenants/calm", late).statusCode()).isEqualTo(303);
  }

  // ---- a browser without JavaScript, by hand

  static void reconcilerRound() {
    AdminTasks.reconcile(APP);
  }

  static String row(String page, String tenant) {
    int start = page.indexOf("<tr data-tenant=\"" + tenant + "\"");
    assertThat(start).as(tenant + " is listed").isNotNegative();
    return page.substring(start, page.indexOf("</tr>", start));
  }

  static String session(String token) throws Exception {
    String setCookie = signIn(token, "/dashboard").headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static HttpResponse<String> signIn(String token, String next) throws Exception {
    return post("/dashboard/sign-in", null, "token=" + enc(token) + "&next=" + enc(next), null);
  }

  static String formToken(String cookie, String tenant) throws Exception {
    Matcher m = FORM_TOKEN.matcher(get("/dashboard/tenants/" + tenant, cookie).body());
    assertThat(m.find()).as("the page carries a form token").isTrue();
    return m.group(1);
  }

  static HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String cookie, String form, String origin)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
