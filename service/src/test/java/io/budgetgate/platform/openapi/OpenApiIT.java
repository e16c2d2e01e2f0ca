package io.budgetgate.platform.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /openapi.json} read as a client generator would: every path, code, body schema and auth of DESIGN §4 and §6. */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiIT {
  static final String PATH_TOKEN = "it-path-token-7c2d9e41";
  static final String WEBHOOK_SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP =
      TestApps.app(DB, LITELLM, ConfigOverride.config("webhook.pathToken", PATH_TOKEN));

  /** One documented operation: the bearer role it needs (null: none, the webhook authenticates itself) and its codes. */
  record Documented(String method, String path, String role, List<Integer> codes) {}

  static final List<Documented> DESIGN = List.of(
      op("post",   "/v1/tenants",                                              "admin",    201, 401, 403, 409, 422),
      op("get",    "/v1/tenants",                                              "viewer",   200, 401, 403),
      op("get",    "/v1/tenants/{tenant_id}",                                  "viewer",   200, 401, 403, 404),
      op("patch",  "/v1/tenants/{tenant_id}/budget",                           "admin",    200, 401, 403, 404, 422),
      op("get",    "/v1/tenants/{tenant_id}/budget",                           "platform", 200, 401, 403, 404),
      op("post",   "/v1/tenants/{tenant_id}/llm-access",                       "platform", 200, 401, 402, 403, 404, 422),
      op("post",   "/v1/tenants/{tenant_id}/budget/overrides",                 "admin",    201, 401, 403, 404, 422),
      op("get",    "/v1/tenants/{tenant_id}/budget/overrides",                 "viewer",   200, 401, 403),
      op("delete", "/v1/tenants/{tenant_id}/budget/overrides/{override_id}",   "admin",    204, 401, 403, 404),
      op("get",    "/v1/tenants/{tenant_id}/budget/alerts",                    "viewer",   200, 401, 403),
      op("post",   "/v1/tenants/{tenant_id}/budget/reset",                     "admin",    200, 401, 403),
      op("get",    "/v1/audit",                                                "viewer",   200, 401, 403),
      op("post",   "/v1/tenants/{tenant_id}/reservations/{reservation_id}/settle", "platform", 200, 401, 403, 404, 409, 422),
      op("delete", "/v1/tenants/{tenant_id}/reservations/{reservation_id}",   "platform", 204, 401, 403, 404),
      op("get",    "/v1/tenants/{tenant_id}/reservations",                    "viewer",   200, 401, 403, 404),
      op("get",    "/v1/ping",                                                 "viewer",   200, 401, 403),
      op("post",   "/webhooks/litellm",                                        null,       200, 400, 401, 404, 413, 415, 422),
      op("post",   "/webhooks/litellm/{token}",                                null,       200, 400, 401, 404, 413, 415, 422));

  static Documented op(String method, String path, String role, Integer... codes) {
    return new Documented(method, path, role, List.of(codes));
  }

  @Test
  void theDocumentIsServedWithoutAToken() {
    ApiClient.Answer answer = api().get("/openapi.json", null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.json().path("openapi").asText()).startsWith("3.");
    assertThat(answer.json().path("info").path("title").asText()).isEqualTo("BudgetGate");
  }

  @Test
  void everyPathOfTheDesignIsDocumentedWithItsStatusCodesAndRole() {
    JsonNode doc = document();
    SoftAssertions soft = new SoftAssertions();
    for (Documented expected : DESIGN) {
      JsonNode operation = doc.path("paths").path(expected.path()).path(expected.method());
      String name = expected.method().toUpperCase() + " " + expected.path();
      soft.assertThat(operation.isObject()).as(name + " is documented").isTrue();
      soft.assertThat(codes(operation)).as(name + " status codes").containsAll(expected.codes());
      if (expected.role() == null) {
        soft.assertThat(operation.has("security")).as(name + " needs no bearer token").isFalse();
        soft.assertThat(operation.has(BearerRoles.ROLE_EXTENSION)).as(name + " has no role").isFalse();
      } else {
        soft.assertThat(operation.path(BearerRoles.ROLE_EXTENSION).asText()).as(name + " role").isEqualTo(expected.role());
        soft.assertThat(operation.path("description").asText()).as(name + " description").contains("`" + expected.role() + "`");
        soft.assertThat(operation.path("security").path(0).has("bearer")).as(name + " bearer security").isTrue();
      }
    }
    soft.assertAll();
  }

  @Test
  void nothingIsDocumentedThatTheTableDoesNotExpect() {
    Set<String> documented = new HashSet<>();
    document().path("paths").fields().forEachRemaining(path ->
        path.getValue().fieldNames().forEachRemaining(method -> documented.add(method + " " + path.getKey())));

    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        DESIGN.stream().map(d -> d.method() + " " + d.path()).toList());
  }

  @Test
  void requestBodiesAreTheApiRecordsWithSnakeCaseNames() {
    JsonNode doc = document();

    assertThat(names(bodySchema(doc, "post", "/v1/tenants").path("properties")))
        .containsExactlyInAnyOrder("tenant_id", "name", "max_budget", "alert_threshold", "grace_threshold",
            "budget_duration", "notification_emails", "slack_webhook_url");
    assertThat(names(bodySchema(doc, "post", "/v1/tenants").path("required"))).containsExactlyInAnyOrder("tenant_id", "name");
    assertThat(names(bodySchema(doc, "patch", "/v1/tenants/{tenant_id}/budget").path("properties")))
        .containsExactlyInAnyOrder("max_budget", "alert_threshold", "grace_threshold", "budget_duration");
    assertThat(names(bodySchema(doc, "post", "/v1/tenants/{tenant_id}/budget/overrides").path("properties")))
        .containsExactlyInAnyOrder("amount", "reason", "expires_at", "starts_at");
    for (String webhook : List.of("/webhooks/litellm", "/webhooks/litellm/{token}")) {
      assertThat(names(bodySchema(doc, "post", webhook).path("properties")))
          .containsExactlyInAnyOrder("spend", "event", "event_group", "key_alias", "token");
    }
    doc.path("components").path("schemas").fields().forEachRemaining(schema ->
        assertThat(names(schema.getValue().path("properties"))).as(schema.getKey() + " property names")
            .allMatch(name -> name.matches("[a-z][a-z0-9_]*")));
    assertThat(names(doc.at("/components/schemas/TenantView/properties"))).contains("tenant_id", "budget_reset_at")
        .doesNotContain("api_key");
    assertThat(names(doc.at("/components/schemas/BudgetStatus/properties"))).contains("percent_used", "effective_budget");
  }

  @Test
  void theSignedWebhookDocumentsItsSignatureHeaders() {
    JsonNode parameters = document().path("paths").path("/webhooks/litellm").path("post").path("parameters");
    List<String> required = StreamSupport.stream(parameters.spliterator(), false)
        .filter(p -> p.path("in").asText().equals("header") && p.path("required").asBoolean())
        .map(p -> p.path("name").asText()).toList();

    assertThat(required).containsExactlyInAnyOrder("webhook-id", "webhook-timestamp", "webhook-signature");
  }

  @Test
  void everyErrorAnswerHasTheSharedErrorBody() {
    JsonNode doc = document();
    JsonNode error = doc.at("/components/schemas/ApiError");
    List<String> checked = new ArrayList<>();

    assertThat(names(error.path("properties"))).containsExactlyInAnyOrder("code", "error", "message", "details");
    assertThat(names(error.path("required"))).containsExactlyInAnyOrder("code", "error", "message");
    for (Documented expected : DESIGN) {
      JsonNode responses = doc.path("paths").path(expected.path()).path(expected.method()).path("responses");
      responses.fields().forEachRemaining(response -> {
        if (Integer.parseInt(response.getKey()) >= 400) {
          JsonNode resolved = resolve(doc, response.getValue());
          assertThat(resolved.at("/content/application~1json/schema/$ref").asText())
              .as(expected.path() + " " + response.getKey()).isEqualTo("#/components/schemas/ApiError");
          checked.add(expected.path() + " " + response.getKey());
        }
      });
    }
    assertThat(checked).hasSizeGreaterThan(40);
    assertThat(doc.at("/paths/~1v1~1tenants~1{tenant_id}~1llm-access/post/responses/402/headers").has("Retry-After")).isTrue();
  }

  @Test
  void theBearerSchemeIsHttpBearer() {
    JsonNode scheme = document().at("/components/securitySchemes/bearer");

    assertThat(scheme.path("type").asText()).isEqualTo("http");
    assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
  }

  @Test
  void noSecretAppearsInTheDocument() {
    ApiClient api = api();
    assertThat(api.post("/v1/tenants", TestTokens.ADMIN, "{\"tenant_id\": \"documented\", \"name\": \"Documented\"}").status())
        .isEqualTo(201);
    String virtualKey = api.post("/v1/tenants/documented/llm-access", TestTokens.PLATFORM, "").json().path("api_key").asText();
    assertThat(virtualKey).isNotBlank();

    String body = api.get("/openapi.json", null).body();

    assertThat(body).doesNotContain(virtualKey, TestTokens.LITELLM_MASTER_KEY, TestTokens.ADMIN, TestTokens.PLATFORM,
        TestTokens.VIEWER, WEBHOOK_SECRET, WEBHOOK_SECRET.substring("whsec_".length()), PATH_TOKEN);
    assertThat(body).doesNotContainPattern("sk-[A-Za-z0-9]").doesNotContainPattern("[0-9a-f]{64}");
  }

  private static ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
  }

  private static JsonNode document() {
    ApiClient.Answer answer = api().get("/openapi.json", null);
    assertThat(answer.status()).isEqualTo(200);
    return answer.json();
  }

  /** The request body's schema, following its $ref into components. */
  private static JsonNode bodySchema(JsonNode doc, String method, String path) {
    JsonNode schema = doc.path("paths").path(path).path(method).at("/requestBody/content/application~1json/schema");
    assertThat(schema.isObject()).as(method + " " + path + " has a JSON body").isTrue();
    return resolve(doc, schema);
  }

  private static JsonNode resolve(JsonNode doc, JsonNode node) {
    return node.has("$ref") ? doc.at(node.path("$ref").asText().substring(1)) : node;
  }

  private static List<Integer> codes(JsonNode operation) {
    List<Integer> codes = new ArrayList<>();
    operation.path("responses").fieldNames().forEachRemaining(code -> codes.add(Integer.parseInt(code)));
    return codes;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    if (node.isArray()) {
      IntStream.range(0, node.size()).forEach(i -> names.add(node.get(i).asText()));
    } else {
      node.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }
}
