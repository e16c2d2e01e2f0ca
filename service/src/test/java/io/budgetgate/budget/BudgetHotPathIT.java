package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BudgetHotPath}: a cached status and a body-less decision are answered beside Jersey with
 * the answer Jersey gives for the same cached status (fetched through Jersey by an {@code Accept}
 * the hot path leaves to it), and everything it must not answer still reaches Jersey. Which path
 * answered is read from the hot path's own meter, which only these requests move.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetHotPathIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);
  /** JSON, but not the bare form the hot path takes: Jersey answers these. */
  static final String JERSEY_ACCEPT = "application/json; charset=utf-8";

  static ApiClient api;
  static BudgetScenario given;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void connect() {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    given = new BudgetScenario(api, LITELLM, DB);
  }

  static long answered() {
    return APP.getEnvironment().metrics().meter("budget.hot_path.answered").getCount();
  }

  @Test
  void aCachedStatusIsAnsweredBesideJerseyWithJerseysAnswer() throws Exception {
    given.tenant("hot-status", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-status", "85");
    assertThat(given.status("hot-status").status()).isEqualTo(200); // read and cached
    long before = answered();

    Answer hot = given.status("hot-status");
    assertThat(answered()).isEqualTo(before + 1);
    Answer jersey = send("GET", "/v1/tenants/hot-status/budget", TestTokens.PLATFORM, JERSEY_ACCEPT);
    assertThat(answered()).isEqualTo(before + 1);

    assertThat(hot.status()).isEqualTo(200);
    assertThat(hot.json()).isEqualTo(jersey.json());
    assertThat(hot.json().get("source").asText()).isEqualTo("cache");
    assertThat(hot.json().get("percent_used").decimalValue()).isEqualByComparingTo("85.00");
    assertThat(hot.header("Content-Type")).isEqualTo("application/json");
    assertThat(hot.header("Content-Length")).isEqualTo(String.valueOf(hot.body().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void aStatusNotCachedGoesToJerseyAndIsCachedForTheNext() {
    given.tenant("hot-miss", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-miss", "10");
    given.status("hot-miss");
    given.spend("hot-miss", "30");
    CLOCK.advance(Duration.ofSeconds(61)); // past the cached status's 60 s
    long before = answered();

    Answer miss = given.status("hot-miss");
    long afterMiss = answered();
    Answer hit = given.status("hot-miss");

    assertThat(afterMiss).as("the miss was Jersey's").isEqualTo(before);
    assertThat(answered()).isEqualTo(before + 1);
    assertThat(miss.json().get("source").asText()).isEqualTo("live");
    assertThat(hit.json().get("spend").decimalValue()).isEqualByComparingTo("30");
  }

  @Test
  void aCachedDecisionIsJerseysAnswerWithTheKeyOrThe402AndItsRetryAfter() throws Exception {
    given.tenant("hot-ok", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-ok", "50");
    given.tenant("hot-blocked", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-blocked", "125");
    given.status("hot-ok");
    given.status("hot-blocked");
    long before = answered();

    Answer allowed = given.access("hot-ok");
    Answer refused = given.access("hot-blocked");
    assertThat(answered()).isEqualTo(before + 2);
    Answer allowedByJersey = send("POST", "/v1/tenants/hot-ok/llm-access", TestTokens.PLATFORM, JERSEY_ACCEPT);
    Answer refusedByJersey = send("POST", "/v1/tenants/hot-blocked/llm-access", TestTokens.PLATFORM, JERSEY_ACCEPT);
    assertThat(answered()).isEqualTo(before + 2);

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.json()).isEqualTo(allowedByJersey.json());
    assertThat(allowed.json().get("api_key").asText()).startsWith("sk-");
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json()).isEqualTo(refusedByJersey.json());
    assertThat(refused.json().get("error").asText()).isEqualTo("budget_exceeded");
    assertThat(refused.header("Retry-After")).isNotNull().isEqualTo(refusedByJersey.header("Retry-After"));
    assertThat(refused.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void withoutTheRightTokenJerseyAnswersTheRefusalEvenForACachedStatus() throws Exception {
    given.tenant("hot-auth", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-auth", "20");
    given.status("hot-auth");
    long before = answered();

    Answer none = api.get("/v1/tenants/hot-auth/budget", null);
    Answer unknown = api.get("/v1/tenants/hot-auth/budget", "not-a-token");
    Answer viewer = api.get("/v1/tenants/hot-auth/budget", TestTokens.VIEWER);
    Answer viewerAccess = api.send("POST", "/v1/tenants/hot-auth/llm-access", TestTokens.VIEWER, null, null);
    assertThat(answered()).isEqualTo(before);
    Answer admin = api.get("/v1/tenants/hot-auth/budget", TestTokens.ADMIN);

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"budgetgate\"");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(viewer.status()).isEqualTo(403);
    assertThat(viewerAccess.status()).isEqualTo(403);
    assertThat(admin.status()).as("admin includes platform").isEqualTo(200);
    assertThat(answered()).isEqualTo(before + 1);
  }

  @Test
  void whatTheHotPathMustNotAnswerReachesJersey() throws Exception {
    given.tenant("hot-edge", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("hot-edge", "20");
    given.status("hot-edge");
    long before = answered();

    Answer withBody = api.post("/v1/tenants/hot-edge/llm-access", TestTokens.PLATFORM, "{\"estimated_cost\": \"0.50\"}");
    Answer malformed = api.post("/v1/tenants/hot-edge/llm-access", TestTokens.PLATFORM, "{not json");
    Answer html = send("GET", "/v1/tenants/hot-edge/budget", TestTokens.PLATFORM, "text/html");
    Answer upper = api.get("/v1/tenants/HOT-EDGE/budget", TestTokens.PLATFORM);
    Answer encoded = api.get("/v1/tenants/hot%2Dedge/budget", TestTokens.PLATFORM);
    Answer query = api.get("/v1/tenants/hot-edge/budget?x=1", TestTokens.PLATFORM);
    Answer unknown = api.get("/v1/tenants/hot-nobody/budget", TestTokens.PLATFORM);
    assertThat(answered()).isEqualTo(before);

    assertThat(withBody.status()).isEqualTo(200);
    assertThat(withBody.json().get("reservation").get("amount").decimalValue()).isEqualByComparingTo("0.50");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").asText()).isEqualTo("malformed_json");
    assertThat(html.status()).isEqualTo(406);
    assertThat(upper.status()).isEqualTo(404);
    assertThat(encoded.status()).as("Jersey decodes the id").isEqualTo(200);
    assertThat(query.status()).isEqualTo(200);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  private static Answer send(String method, String path, String token, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).header("Accept", accept)
        .method(method, HttpRequest.BodyPublishers.noBody());
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r.body().isBlank() ? null
        : JSON.readTree(r.body()), r.headers());
  }
}
