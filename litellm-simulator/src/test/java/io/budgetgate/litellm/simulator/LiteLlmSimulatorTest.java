package io.budgetgate.litellm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.jackson.Jackson;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator answers as LiteLLM's source does (reference/litellm-api.md §7), checked over HTTP
 * the way LiteLLM's own clients see it; each test names the edge it pins.
 */
class LiteLlmSimulatorTest {
  static final LiteLlmSimulator SIMULATOR = LiteLlmSimulator.onFreePort(TestTokens.LITELLM_MASTER_KEY, Jackson.newObjectMapper(), Clock.systemUTC());
  static final ApiClient HTTP = new ApiClient(SIMULATOR.baseUrl());
  static final String MASTER = TestTokens.LITELLM_MASTER_KEY;

  @AfterAll
  static void stop() {
    SIMULATOR.stop();
  }

  private static Answer generate(String json) {
    return HTTP.post("/key/generate", MASTER, json);
  }

  @Test
  void generateReturnsTheRawKeyOnceWithoutSoftBudgetOrResetAtAndInfoNestsBudgetFieldsUnderInfo() {
    Answer generated = generate("{\"key_alias\": \"shape\", \"max_budget\": 110.0, \"soft_budget\": 80.0, "
        + "\"budget_duration\": \"30d\", \"metadata\": {\"tenant_id\": \"shape\"}}");
    String key = generated.json().get("key").asText();
    String token = generated.json().get("token").asText();

    Answer info = HTTP.get("/key/info?key=" + key, MASTER);

    assertThat(generated.status()).isEqualTo(200);
    assertThat(key).startsWith("sk-");
    assertThat(token).matches("[0-9a-f]{64}");
    assertThat(generated.json().get("key_name").asText()).isEqualTo("sk-..." + key.substring(key.length() - 4));
    assertThat(generated.json().has("soft_budget")).as("not a field of GenerateKeyResponse").isFalse();
    assertThat(generated.json().has("budget_reset_at")).as("not a field of GenerateKeyResponse").isFalse();
    assertThat(info.status()).isEqualTo(200);
    JsonNode row = info.json().get("info");
    assertThat(row.get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(row.get("max_budget").decimalValue()).isEqualByComparingTo("110");
    assertThat(row.get("budget_duration").asText()).isEqualTo("30d");
    assertThat(row.get("budget_reset_at").asText()).endsWith("-01T00:00:00.000000+00:00");
    assertThat(row.at("/litellm_budget_table/soft_budget").decimalValue()).as("soft budget lives in the budget table")
        .isEqualByComparingTo("80");
    assertThat(row.has("token")).as("info drops the token").isFalse();
    assertThat(info.json().has("spend")).as("spend is not at top level").isFalse();
  }

  @Test
  void keyInfoEchoesTheKeyParameterExactlyAsSentAndTakesTheHashToo() {
    Answer generated = generate("{\"key_alias\": \"echo\"}");
    String key = generated.json().get("key").asText();
    String token = generated.json().get("token").asText();

    Answer byKey = HTTP.get("/key/info?key=" + key, MASTER);
    Answer byHash = HTTP.get("/key/info?key=" + token, MASTER);

    assertThat(byKey.json().get("key").asText()).isEqualTo(key);
    assertThat(byHash.status()).isEqualTo(200);
    assertThat(byHash.json().get("key").asText()).isEqualTo(token);
    assertThat(HTTP.get("/key/info?key=echo", MASTER).status()).as("an alias is not a key").isEqualTo(404);
  }

  @Test
  void updatingAKeyThatDoesNotExistIs401AuthErrorAfterLiteLlmsOwnRetries() {
    long started = System.nanoTime();

    Answer missing = HTTP.post("/key/update", MASTER, "{\"key\": \"sk-gone-for-good\", \"max_budget\": 10}");

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().at("/error/type").asText()).isEqualTo("auth_error");
    assertThat(missing.json().at("/error/message").asText()).contains("user key does not exist in db");
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("401");
    assertThat(tookMillis).isGreaterThanOrEqualTo(LiteLlmSimulator.MISSING_KEY_LOOKUP_DELAY.toMillis());
  }

  @Test
  void updateAnswersFlatWithTheKeyAsSentAndEveryColumnAndIgnoresUnknownFields() {
    Answer generated = generate("{\"key_alias\": \"spender\", \"max_budget\": 10}");
    String key = generated.json().get("key").asText();

    Answer updated = HTTP.post("/key/update", MASTER, "{\"key\": \"" + key + "\", \"spend\": 8.25, \"soft_budget\": 5, "
        + "\"budget_duration\": \"1d\"}");

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().get("key").asText()).isEqualTo(key);
    assertThat(updated.json().get("token").asText()).isEqualTo(generated.json().get("token").asText());
    assertThat(updated.json().get("spend").decimalValue()).isEqualByComparingTo("8.25");
    assertThat(updated.json().get("max_budget").decimalValue()).as("untouched columns come back too").isEqualByComparingTo("10");
    assertThat(updated.json().has("info")).isFalse();
    JsonNode info = HTTP.get("/key/info?key=" + key, MASTER).json().get("info");
    assertThat(info.get("spend").decimalValue()).as("a new duration does not zero spend").isEqualByComparingTo("8.25");
    assertThat(info.get("budget_id").isNull()).as("soft_budget is not an update field").isTrue();
    assertThat(info.get("budget_reset_at").asText()).endsWith("T00:00:00.000000+00:00");
  }

  @Test
  void aDuplicateAliasIs400NamingIt() {
    generate("{\"key_alias\": \"taken\"}");

    Answer duplicate = generate("{\"key_alias\": \"taken\"}");

    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.json().at("/error/type").asText()).isEqualTo("bad_request_error");
    assertThat(duplicate.json().at("/error/param").asText()).isEqualTo("key_alias");
    assertThat(duplicate.json().at("/error/message").asText()).isEqualTo(
        "Key with alias 'taken' already exists. Unique key aliases across all keys are required.");
  }

  @Test
  void deletePrefersKeysOverAliasesAndEchoesTheListAsSent() {
    String kept = generate("{\"key_alias\": \"kept\"}").json().get("key").asText();
    String gone = generate("{\"key_alias\": \"gone\"}").json().get("key").asText();

    Answer deleted = HTTP.post("/key/delete", MASTER, "{\"keys\": [\"" + gone + "\", \"sk-never-existed\"], "
        + "\"key_aliases\": [\"kept\"]}");
    Answer again = HTTP.post("/key/delete", MASTER, "{\"keys\": [\"" + gone + "\"]}");

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("deleted_keys")).hasSize(2);
    assertThat(deleted.json().at("/deleted_keys/1").asText()).isEqualTo("sk-never-existed");
    assertThat(HTTP.get("/key/info?key=" + kept, MASTER).status()).as("key_aliases ignored when keys are given").isEqualTo(200);
    assertThat(HTTP.get("/key/info?key=" + gone, MASTER).status()).isEqualTo(404);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().at("/error/type").asText()).isEqualTo("internal_server_error");
    assertThat(again.json().at("/error/message").asText()).isEqualTo("{'error': 'No keys found'}");
  }

  @Test
  void unknownKeysAre404NotFoundErrorOnInfo() {
    Answer missing = HTTP.get("/key/info?key=sk-nobody-has-this", MASTER);

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().at("/error/type").asText()).isEqualTo("not_found_error");
    assertThat(missing.json().at("/error/message").asText()).isEqualTo("Key not found in database");
    assertThat(missing.json().at("/error/param").asText()).isEqualTo("key");
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("404");
  }

  @Test
  void keyListPagesFromOneWithAtMostAHundredAndFullRowsCarryTokenAndSpend() {
    for (int i = 0; i < 3; i++) {
      generate("{\"key_alias\": \"listed-" + i + "\", \"max_budget\": 5}");
    }

    Answer full = HTTP.get("/key/list?return_full_object=true&key_alias=listed-1&page=1&size=100", MASTER);
    Answer hashes = HTTP.get("/key/list?size=2&page=1", MASTER);
    Answer tooBig = HTTP.get("/key/list?size=101", MASTER);
    Answer pageZero = HTTP.get("/key/list?page=0", MASTER);

    assertThat(full.status()).isEqualTo(200);
    assertThat(full.json().get("total_count").asInt()).isEqualTo(1);
    assertThat(full.json().at("/keys/0/token").asText()).matches("[0-9a-f]{64}");
    assertThat(full.json().at("/keys/0/spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(full.json().at("/keys/0/key_alias").asText()).isEqualTo("listed-1");
    assertThat(full.json().at("/keys/0").has("org_id")).isTrue();
    assertThat(hashes.json().at("/keys/0").isTextual()).as("without return_full_object: hashes").isTrue();
    assertThat(hashes.json().get("keys")).hasSize(2);
    assertThat(hashes.json().get("current_page").asInt()).isEqualTo(1);
    assertThat(hashes.json().get("total_pages").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(tooBig.status()).isEqualTo(422);
    assertThat(tooBig.json().has("detail")).isTrue();
    assertThat(pageZero.status()).isEqualTo(422);
  }

  @Test
  void aMonthlyDurationAboveOneIsRefusedAsLiteLlmRefusesIt() {
    Answer generate = generate("{\"key_alias\": \"bimonthly\", \"budget_duration\": \"2mo\"}");
    String key = generate("{\"key_alias\": \"monthly\", \"budget_duration\": \"1mo\"}").json().get("key").asText();
    Answer update = HTTP.post("/key/update", MASTER, "{\"key\": \"" + key + "\", \"budget_duration\": \"2mo\"}");

    assertThat(generate.status()).isEqualTo(500);
    assertThat(update.status()).isEqualTo(400);
    assertThat(update.json().at("/error/message").asText()).contains("only support 1 month intervals");
  }

  @Test
  void wrongMasterKeyIs401AndTheLivenessProbeNeedsNone() {
    Answer unauthorised = HTTP.post("/key/generate", "sk-nope", "{\"key_alias\": \"x\"}");
    Answer negative = generate("{\"key_alias\": \"neg\", \"max_budget\": -1}");
    Answer alive = HTTP.get("/health/liveliness", null);

    assertThat(unauthorised.status()).isEqualTo(401);
    assertThat(unauthorised.json().at("/error/type").asText()).isEqualTo("auth_error");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(alive.status()).isEqualTo(200);
    assertThat(alive.body()).isEqualTo("\"I'm alive!\"");
  }

  @Test
  void faultsAndSpendCanBeSetOverHttp() {
    String key = generate("{\"key_alias\": \"steered\"}").json().get("key").asText();
    Answer spend = HTTP.post("/_simulator/spend", MASTER, "{\"key_alias\": \"steered\", \"spend\": 12.5}");
    Answer set = HTTP.post("/_simulator/faults", MASTER, "{\"mode\": \"status\", \"status\": 503, \"times\": 1}");
    Answer failed = HTTP.get("/key/info?key=" + key, MASTER);
    Answer recovered = HTTP.get("/key/info?key=" + key, MASTER);
    HTTP.post("/_simulator/faults", MASTER, "{\"mode\": \"status\", \"status\": 500}");
    Answer cleared = HTTP.send("DELETE", "/_simulator/faults", MASTER, null, null);
    Answer anonymous = HTTP.post("/_simulator/faults", null, "{\"mode\": \"drop\"}");

    assertThat(spend.status()).isEqualTo(200);
    assertThat(set.status()).isEqualTo(200);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(recovered.json().at("/info/spend").decimalValue()).isEqualByComparingTo("12.5");
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void theMissingKeyDelayCanBeShortenedForFastTests() {
    SIMULATOR.missingKeyLookupDelay(Duration.ZERO);
    try {
      long started = System.nanoTime();
      assertThat(HTTP.post("/key/update", MASTER, "{\"key\": \"sk-also-gone\"}").status()).isEqualTo(401);
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(LiteLlmSimulator.MISSING_KEY_LOOKUP_DELAY.toMillis());
    } finally {
      SIMULATOR.missingKeyLookupDelay(LiteLlmSimulator.MISSING_KEY_LOOKUP_DELAY);
    }
  }
}
