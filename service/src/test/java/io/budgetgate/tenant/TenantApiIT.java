package io.budgetgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tenant API on real PostgreSQL and the LiteLLM simulator, called over HTTP as users do. */
@ExtendWith(DropwizardExtensionsSupport.class)
class TenantApiIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  static ApiClient api;
  static CapturedLogs logs;

  @BeforeAll
  static void connect() throws SQLException {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    logs = CapturedLogs.attach();
    try (Connection c = DB.connect(); Statement s = c.createStatement()) {
      // A real failure of the insert for one tenant id, to prove the compensation path.
      s.execute("""
          CREATE OR REPLACE FUNCTION refuse_doomed() RETURNS trigger AS $$
          BEGIN
            IF NEW.tenant_id LIKE 'doomed%' THEN RAISE EXCEPTION 'disk full (simulated)'; END IF;
            RETURN NEW;
          END $$ LANGUAGE plpgsql""");
      s.execute("DROP TRIGGER IF EXISTS refuse_doomed ON tenant_configs"); // a second run in one JVM (PIT)
      s.execute("CREATE TRIGGER refuse_doomed BEFORE INSERT ON tenant_configs FOR EACH ROW EXECUTE FUNCTION refuse_doomed()");
    }
  }

  @AfterEach
  void heal() {
    LITELLM.heal();
  }

  @Test
  void createProvisionsTheLiteLlmKeyStoresTheTenantAndAuditsIt() throws Exception {
    Answer created = create("""
        {"tenant_id": "acme", "name": "Acme Corp", "max_budget": 100, "alert_threshold": 75,
         "grace_threshold": 120, "budget_duration": "30d", "notification_emails": ["Ops@Acme.test"],
         "slack_webhook_url": "https://hooks.slack.com/services/T0/B0/secretpart"}""");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).endsWith("/v1/tenants/acme");
    JsonNode body = created.json();
    assertThat(body.get("tenant_id").asText()).isEqualTo("acme");
    assertThat(body.get("max_budget").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(body.get("alert_at").decimalValue()).isEqualByComparingTo("75.00");
    assertThat(body.get("block_at").decimalValue()).isEqualByComparingTo("120.00");
    assertThat(body.get("budget_duration").asText()).isEqualTo("30d");
    assertThat(body.get("notification_emails").get(0).asText()).isEqualTo("ops@acme.test");
    assertThat(body.get("slack_webhook_url").asText()).isEqualTo("https://hooks.slack.com/****");

    assertThat(LITELLM.maxBudgetOf("acme")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("120.00"));
    assertThat(LITELLM.budgetDurationOf("acme")).contains("30d");
    assertThat(LITELLM.metadataOf("acme").orElseThrow().get("tenant_id").asText()).isEqualTo("acme");

    try (Connection c = DB.connect(); Statement s = c.createStatement()) {
      ResultSet row = s.executeQuery("SELECT litellm_key_alias, litellm_key_hash, litellm_virtual_key FROM tenant_configs WHERE tenant_id = 'acme'");
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("acme");
      String stored = row.getString(3);
      assertThat(stored).as("sealed under the tests' key, never the raw key").startsWith("v1:test:")
          .doesNotContain(LITELLM.tokenOf("acme").orElseThrow());
      String raw = TestKeys.open("acme", stored);
      assertThat(row.getString(2)).isEqualTo(sha256(raw));
      assertThat(LITELLM.hasKey(raw)).isTrue();
      ResultSet audit = s.executeQuery("SELECT actor, details->>'max_budget' FROM audit_log WHERE action = 'tenant.created' AND tenant_id = 'acme'");
      assertThat(audit.next()).isTrue();
      assertThat(audit.getString(1)).isEqualTo("test-admin");
      assertThat(new BigDecimal(audit.getString(2))).isEqualByComparingTo("100");
    }
  }

  @Test
  void leftOutBudgetFieldsTakeTheConfiguredDefaults() {
    JsonNode body = create("{\"tenant_id\": \"defaults\", \"name\": \"Defaults\"}").json();

    assertThat(body.get("max_budget").decimalValue()).isEqualByComparingTo("500.00");
    assertThat(body.get("alert_threshold").asInt()).isEqualTo(80);
    assertThat(body.get("grace_threshold").asInt()).isEqualTo(110);
    assertThat(body.get("block_at").decimalValue()).isEqualByComparingTo("550.00");
    assertThat(body.get("budget_duration").isNull()).isTrue();
    assertThat(LITELLM.maxBudgetOf("defaults")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("550"));
  }

  @Test
  void readsBackOneTenantAndPagesThroughAll() {
    for (String id : List.of("page-a", "page-b", "page-c")) {
      assertThat(create("{\"tenant_id\": \"" + id + "\", \"name\": \"" + id + "\"}").status()).isEqualTo(201);
    }

    Answer one = api.get("/v1/tenants/page-b", TestTokens.VIEWER);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("name").asText()).isEqualTo("page-b");

    List<String> seen = new ArrayList<>();
    String after = "page";
    do {
      JsonNode page = api.get("/v1/tenants?limit=2&after=" + after, TestTokens.VIEWER).json();
      page.get("tenants").forEach(t -> seen.add(t.get("tenant_id").asText()));
      after = page.get("next_after").isNull() ? null : page.get("next_after").asText();
    } while (after != null && after.startsWith("page"));
    assertThat(seen).containsSubsequence("page-a", "page-b", "page-c");
  }

  @Test
  void unknownTenantIs404WithItsCode() {
    Answer answer = api.get("/v1/tenants/nobody", TestTokens.VIEWER);

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  @Test
  void duplicateTenantIs409AndMakesNoSecondKey() {
    assertThat(create("{\"tenant_id\": \"twice\", \"name\": \"Twice\"}").status()).isEqualTo(201);
    int keys = LITELLM.keyCount();

    Answer again = create("{\"tenant_id\": \"twice\", \"name\": \"Twice again\"}");

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("error").asText()).isEqualTo("tenant_exists");
    assertThat(LITELLM.keyCount()).isEqualTo(keys);
  }

  @ParameterizedTest(name = "{0} -> 422 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"tenant_id\": \"Bad Id\", \"name\": \"x\"}                                  | tenant_id",
      "{\"tenant_id\": \"-leading-dash\", \"name\": \"x\"}                           | tenant_id",
      "{\"tenant_id\": \"ok1\", \"name\": \"x\", \"max_budget\": -0.01}              | max_budget",
      "{\"tenant_id\": \"ok2\", \"name\": \"x\", \"max_budget\": 1.001}              | max_budget",
      "{\"tenant_id\": \"ok3\", \"name\": \"x\", \"max_budget\": \"lots\"}           | max_budget",
      "{\"tenant_id\": \"ok4\", \"name\": \"x\", \"alert_threshold\": 0}             | alert_threshold",
      "{\"tenant_id\": \"ok5\", \"name\": \"x\", \"alert_threshold\": 101}           | alert_threshold",
      "{\"tenant_id\": \"ok6\", \"name\": \"x\", \"grace_threshold\": 99}            | grace_threshold",
      "{\"tenant_id\": \"ok7\", \"name\": \"x\", \"grace_threshold\": 201}           | grace_threshold",
      "{\"tenant_id\": \"ok8\", \"name\": \"x\", \"alert_threshold\": 100, \"grace_threshold\": 100, \"max_budget\": 1} | none",
      "{\"tenant_id\": \"ok9\", \"name\": \"x\", \"budget_duration\": \"monthly\"}   | budget_duration",
      "{\"tenant_id\": \"ok10\", \"name\": \"x\", \"budget_duration\": \"2mo\"}      | budget_duration",
      "{\"tenant_id\": \"ok11\", \"name\": \"x\", \"notification_emails\": [\"nope\"]} | notification_emails[0]",
      "{\"tenant_id\": \"ok12\", \"name\": \"x\", \"slack_webhook_url\": \"ftp://x\"} | slack_webhook_url",
      "{\"tenant_id\": \"ok13\"}                                                    | name",
      "{\"tenant_id\": \"ok14\", \"name\": \"x\", \"max_budgte\": 5}                 | max_budgte",
  })
  void invalidFieldsAre422NamingTheField(String json, String field) {
    int keysBefore = LITELLM.keyCount();

    Answer answer = create(json);

    if (field.equals("none")) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
      return;
    }
    assertThat(answer.status()).as(answer.body()).isEqualTo(422);
    assertThat(answer.json().get("error").asText()).isEqualTo("validation_failed");
    assertThat(answer.json().at("/details/fields").findValuesAsText("field")).contains(field);
    assertThat(LITELLM.keyCount()).isEqualTo(keysBefore);
  }

  @Test
  void malformedJsonIs400() {
    Answer answer = api.post("/v1/tenants", TestTokens.ADMIN, "{\"tenant_id\": ");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error").asText()).isEqualTo("malformed_json");
  }

  @Test
  void missingOrUnknownTokenIs401AndWrongRoleIs403() {
    Answer none = api.post("/v1/tenants", null, "{}");
    Answer unknown = api.post("/v1/tenants", "not-a-token", "{}");
    Answer platform = api.post("/v1/tenants", TestTokens.PLATFORM, "{\"tenant_id\": \"p\", \"name\": \"p\"}");
    Answer viewer = api.post("/v1/tenants", TestTokens.VIEWER, "{\"tenant_id\": \"v\", \"name\": \"v\"}");
    Answer viewerReads = api.get("/v1/tenants", TestTokens.VIEWER);
    Answer anonymousReads = api.get("/v1/tenants", null);

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(platform.status()).isEqualTo(403);
    assertThat(platform.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(viewer.status()).isEqualTo(403);
    assertThat(viewerReads.status()).isEqualTo(200);
    assertThat(anonymousReads.status()).isEqualTo(401);
    assertThat(LITELLM.hasKey("p")).isFalse();
  }

  @Test
  void onlyTheBearerSchemeInAnyCaseCarriesATokenAndEachRefusalSaysWhy() throws Exception {
    String required = "a bearer token is required: send 'Authorization: Bearer <token>'";
    // "Token: " is exactly as long as "Bearer ": a valid token behind it is still not a bearer token
    assertThat(refusal(onRawSocket("GET /v1/ping", "Authorization: Token: " + TestTokens.VIEWER))).isEqualTo("401 " + required);
    assertThat(refusal(onRawSocket("GET /v1/ping", "Authorization: Bearer"))).isEqualTo("401 " + required);
    assertThat(refusal(onRawSocket("GET /v1/ping", "Authorization: Bearer not-a-token")))
        .isEqualTo("401 the bearer token is not recognised");
    assertThat(onRawSocket("GET /v1/ping", "Authorization: bEaReR " + TestTokens.VIEWER).get(0))
        .as("the scheme is case-insensitive (RFC 9110)").startsWith("HTTP/1.1 200");
    Answer platform = api.post("/v1/tenants", TestTokens.PLATFORM, "{\"tenant_id\": \"p\", \"name\": \"p\"}");
    assertThat(platform.json().get("message").asText()).endsWith("has role platform; this call needs admin");
  }

  @Test
  void aRefusedRequestsBodyIsReadSoItsKeepAliveConnectionServesTheNextRequest() throws Exception {
    String body = "{\"tenant_id\": \"" + "x".repeat(200_000) + "\"}";
    try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      out.write(("POST /v1/tenants HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> refused = readResponse(in);
      out.write(("GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestTokens.VIEWER + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> next = readResponse(in);

      assertThat(refused.get(0)).startsWith("HTTP/1.1 401");
      assertThat(refused).as("the refusal keeps the connection").noneMatch(h -> h.equalsIgnoreCase("Connection: close"));
      assertThat(next.get(0)).as("the same connection answers the next request").startsWith("HTTP/1.1 200");
    }
  }

  /** One request on a connection of its own, with exactly the header lines given: the answer's status line, headers and body. */
  private static List<String> onRawSocket(String requestLine, String... headers) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      socket.getOutputStream().write(request.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      return readResponse(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /** "status message" of a refusal read by {@link #onRawSocket}. */
  private static String refusal(List<String> response) throws Exception {
    String body = response.get(response.size() - 1);
    return response.get(0).split(" ")[1] + " " + new ObjectMapper().readTree(body).path("message").asText(body);
  }

  /** Status line and headers of one HTTP/1.1 response, then its body (Content-Length or chunked) as the last element. */
  private static List<String> readResponse(InputStream in) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      lines.add(line);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = header(lines, "Content-Length");
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length.trim())));
    } else if ("chunked".equalsIgnoreCase(String.valueOf(header(lines, "Transfer-Encoding")).trim())) {
      for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; size = Integer.parseInt(readLine(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        readLine(in);
      }
      readLine(in);
    }
    lines.add(body.toString(StandardCharsets.UTF_8));
    return lines;
  }

  private static String header(List<String> lines, String name) {
    return lines.stream().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
        .map(l -> l.substring(name.length() + 1)).findFirst().orElse(null);
  }

  private static String readLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new AssertionError("the connection closed mid-response after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void liteLlmDownIs503AfterRetriesAndLeavesNothingBehind() throws Exception {
    LITELLM.failWith(503, -1);
    int callsBefore = LITELLM.callCount("/key/generate");

    Answer answer = create("{\"tenant_id\": \"unlucky\", \"name\": \"Unlucky\"}");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.json().get("error").asText()).isEqualTo("litellm_unavailable");
    assertThat(LITELLM.callCount("/key/generate") - callsBefore).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'unlucky'")).isZero();
    assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = 'unlucky'")).isZero();
    LITELLM.heal();
    assertThat(create("{\"tenant_id\": \"unlucky\", \"name\": \"Unlucky\"}").status()).isEqualTo(201);
  }

  @Test
  void liteLlmHangingIs503WithinTheTimeoutBudget() throws Exception {
    LITELLM.delay(Duration.ofSeconds(3), -1);

    Answer answer = create("{\"tenant_id\": \"slowpoke\", \"name\": \"Slow\"}");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.json().get("error").asText()).isEqualTo("litellm_unavailable");
    assertThat(count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'slowpoke'")).isZero();
  }

  @Test
  void aFailedDatabaseWriteDeletesTheNewKeyAgain() throws Exception {
    int keysBefore = LITELLM.keyCount();

    Answer answer = create("{\"tenant_id\": \"doomed\", \"name\": \"Doomed\"}");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.json().get("error").asText()).isEqualTo("database_unavailable");
    assertThat(LITELLM.callCount("/key/delete")).isPositive();
    assertThat(LITELLM.hasKey("doomed")).isFalse();
    assertThat(LITELLM.keyCount()).isEqualTo(keysBefore);
    assertThat(count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'doomed'")).isZero();
    assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = 'doomed'")).isZero();
  }

  @Test
  void theVirtualKeyNeverAppearsInResponsesOrLogs() throws Exception {
    Answer created = create("{\"tenant_id\": \"secretive\", \"name\": \"Secretive\"}");
    create("{\"tenant_id\": \"doomed-secret\", \"name\": \"Doomed\"}"); // the failure path logs too
    String key = virtualKeyOf("secretive");

    List<Answer> answers = List.of(
        created,
        api.get("/v1/tenants/secretive", TestTokens.ADMIN),
        api.get("/v1/tenants?limit=1000", TestTokens.ADMIN),
        api.get("/v1/audit?tenant_id=secretive", TestTokens.ADMIN));

    assertThat(key).startsWith("sk-");
    for (Answer answer : answers) {
      assertThat(answer.status()).isEqualTo(200 + (answer == created ? 1 : 0));
      assertThat(answer.body()).doesNotContain(key).doesNotContain(key.substring(3));
    }
    assertThat(logs.all()).contains("secretive").doesNotContain(key.substring(3)).doesNotContain("sk-test-master");
  }

  @Test
  void auditTrailListsTheCreationNewestFirst() {
    create("{\"tenant_id\": \"audited\", \"name\": \"Audited\"}");

    Answer audit = api.get("/v1/audit?tenant_id=audited&limit=5", TestTokens.VIEWER);

    assertThat(audit.status()).isEqualTo(200);
    JsonNode first = audit.json().get("entries").get(0);
    assertThat(first.get("action").asText()).isEqualTo("tenant.created");
    assertThat(first.get("actor").asText()).isEqualTo("test-admin");
    assertThat(api.get("/v1/audit?limit=0", TestTokens.VIEWER).status()).isEqualTo(422);
  }

  @Test
  void pathTokenWebhooksAreOffWhenNoTokenIsConfigured() {
    ApiClient.Answer answer = api.post("/webhooks/litellm/anything", null, "{\"spend\": 1, \"event\": \"budget_crossed\", \"key_alias\": \"acme\"}");

    assertThat(answer.status()).isEqualTo(404);
  }

  @Test
  void healthChecksCoverDatabaseAndLiteLlm() {
    ApiClient admin = new ApiClient("http://127.0.0.1:" + APP.getAdminPort());

    JsonNode health = admin.get("/healthcheck", null).json();

    assertThat(health.get("database").get("healthy").asBoolean()).isTrue();
    assertThat(health.get("litellm").get("healthy").asBoolean()).isTrue();
  }

  private static Answer create(String json) {
    return api.post("/v1/tenants", TestTokens.ADMIN, json);
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DB.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String virtualKeyOf(String tenantId) throws SQLException {
    try (Connection c = DB.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = '" + tenantId + "'")) {
      rs.next();
      return TestKeys.open(tenantId, rs.getString(1));
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
