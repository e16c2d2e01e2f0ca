package io.budgetgate.litellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The simulator speaks LiteLLM's shapes: checked over HTTP the way LiteLLM's own clients see it. */
class LiteLlmSimulatorTest {
  static final LiteLlmSimulator SIMULATOR = TestApps.simulator();
  static final ApiClient HTTP = new ApiClient(SIMULATOR.baseUrl());
  static final String MASTER = TestTokens.LITELLM_MASTER_KEY;

  @AfterAll
  static void stop() {
    SIMULATOR.stop();
  }

  @Test
  void generateReturnsTheRawKeyOnceAndInfoNestsBudgetFieldsUnderInfo() {
    Answer generated = HTTP.post("/key/generate", MASTER,
        "{\"key_alias\": \"shape\", \"max_budget\": 110.0, \"budget_duration\": \"30d\", \"metadata\": {\"tenant_id\": \"shape\"}}");
    String key = generated.json().get("key").asText();
    String token = generated.json().get("token").asText();

    Answer info = HTTP.get("/key/info?key=" + key, MASTER);

    assertThat(generated.status()).isEqualTo(200);
    assertThat(key).startsWith("sk-");
    assertThat(generated.json().get("key_name").asText()).isEqualTo("sk-..." + key.substring(key.length() - 4));
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.json().get("key").asText()).isEqualTo(token);
    JsonNode row = info.json().get("info");
    assertThat(row.get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(row.get("max_budget").decimalValue()).isEqualByComparingTo("110");
    assertThat(row.get("budget_duration").asText()).isEqualTo("30d");
    assertThat(row.has("budget_reset_at")).isTrue();
    assertThat(row.get("metadata").get("tenant_id").asText()).isEqualTo("shape");
    assertThat(info.json().has("spend")).as("spend is not at top level").isFalse();
    assertThat(info.body()).doesNotContain(key);
    assertThat(HTTP.get("/key/info?key=" + token, MASTER).status()).as("the hash works too").isEqualTo(200);
  }

  @Test
  void spendIsSettableThroughKeyUpdateAndTheAnswerIsFlat() {
    String key = HTTP.post("/key/generate", MASTER, "{\"key_alias\": \"spender\", \"max_budget\": 10}").json().get("key").asText();

    Answer updated = HTTP.post("/key/update", MASTER, "{\"key\": \"" + key + "\", \"spend\": 8.25}");

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().get("spend").decimalValue()).isEqualByComparingTo("8.25");
    assertThat(updated.json().has("info")).isFalse();
    assertThat(HTTP.get("/key/info?key=" + key, MASTER).json().at("/info/spend").decimalValue()).isEqualByComparingTo("8.25");
  }

  @Test
  void unknownKeysAre404NotFoundErrorAndDeleteSaysWhatItDeleted() {
    String key = HTTP.post("/key/generate", MASTER, "{\"key_alias\": \"deleted\"}").json().get("key").asText();

    Answer deleted = HTTP.post("/key/delete", MASTER, "{\"keys\": [\"" + key + "\"]}");
    Answer missing = HTTP.get("/key/info?key=" + key, MASTER);
    Answer deleteAgain = HTTP.post("/key/delete", MASTER, "{\"keys\": [\"" + key + "\"]}");

    assertThat(deleted.json().get("deleted_keys").get(0).asText()).isEqualTo(key);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().at("/error/type").asText()).isEqualTo("not_found_error");
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("404");
    assertThat(deleteAgain.status()).isEqualTo(404);
  }

  @Test
  void wrongMasterKeyIs401AuthErrorAndDuplicateAliasIs400() {
    Answer unauthorised = HTTP.post("/key/generate", "sk-nope", "{\"key_alias\": \"x\"}");
    HTTP.post("/key/generate", MASTER, "{\"key_alias\": \"taken\"}");
    Answer duplicate = HTTP.post("/key/generate", MASTER, "{\"key_alias\": \"taken\"}");
    Answer negative = HTTP.post("/key/generate", MASTER, "{\"key_alias\": \"neg\", \"max_budget\": -1}");

    assertThat(unauthorised.status()).isEqualTo(401);
    assertThat(unauthorised.json().at("/error/type").asText()).isEqualTo("auth_error");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(negative.status()).isEqualTo(400);
  }

  @Test
  void faultsCanBeSetAndClearedOverHttp() {
    Answer set = HTTP.post("/_simulator/faults", MASTER, "{\"mode\": \"status\", \"status\": 503, \"times\": 1}");
    Answer failed = HTTP.get("/key/info?key=sk-any", MASTER);
    Answer recovered = HTTP.get("/key/info?key=sk-any", MASTER);
    HTTP.post("/_simulator/faults", MASTER, "{\"mode\": \"status\", \"status\": 500}");
    Answer cleared = HTTP.send("DELETE", "/_simulator/faults", MASTER, null, null);
    Answer afterClear = HTTP.get("/health/liveliness", null);
    Answer anonymous = HTTP.post("/_simulator/faults", null, "{\"mode\": \"drop\"}");

    assertThat(set.status()).isEqualTo(200);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(recovered.status()).isEqualTo(404);
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(afterClear.status()).isEqualTo(200);
    assertThat(anonymous.status()).isEqualTo(401);
  }
}
