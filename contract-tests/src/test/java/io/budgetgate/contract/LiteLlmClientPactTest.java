package io.budgetgate.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslRequestWithPath;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.LiteLlmRejectedException;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BudgetGate's LiteLLM client as a consumer of LiteLLM's key API: one interaction per call the
 * client makes. Matchers state shapes and types, not one sample's values. The pact file goes to
 * contract-tests/pacts/ and is verified against the simulator by {@link LiteLlmSimulatorProviderIT}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = Contracts.LITELLM, pactVersion = PactSpecVersion.V4)
class LiteLlmClientPactTest {
  static final String AUTH = "Bearer sk-[A-Za-z0-9_-]+";
  static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)?";
  static final String KEY = "sk-[A-Za-z0-9_-]+";
  /** A key as BudgetGate names it to LiteLLM after /key/generate: its SHA-256 hex, never the raw value. */
  static final String ACME_HASH = new VirtualKey(Contracts.ACME_KEY).hash();
  static final String MISSING_HASH = new VirtualKey("sk-missing-key").hash();
  static final String HASH = "[0-9a-f]{64}";

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact generateKey(PactDslWithProvider builder) {
    return post(builder, Contracts.NO_KEY_FOR_ACME, "a request to generate the key of tenant acme", "/key/generate")
        .body(new PactDslJsonBody()
            .stringType("key_alias", "acme")
            .decimalType("max_budget", new BigDecimal("110.00"))
            .stringMatcher("budget_duration", "\\d+(s|m|h|d|w|mo)", "30d")
            .object("metadata").stringType("tenant_id", "acme").stringType("managed_by", "budgetgate").closeObject())
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .stringMatcher("key", KEY, "sk-acme-test-key")
            .stringMatcher("token", HASH, "5f2b2a6b5a0f8c3e6f4b8e1a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f")
            .stringType("key_alias", "acme")
            .numberType("max_budget", 110.0))
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "generateKey")
  void generatesAKeyAndReadsTheRawKeyAndItsHash(MockServer server) {
    GeneratedKey key = client(server).generateKey(new KeyGenerateRequest("acme", new BigDecimal("110.00"), "30d",
        Map.of("tenant_id", "acme", "managed_by", "budgetgate")));

    assertThat(key.key().reveal()).startsWith("sk-");
    assertThat(key.tokenHash()).hasSize(64);
    assertThat(key.keyAlias()).isEqualTo("acme");
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact keyInfo(PactDslWithProvider builder) {
    return keyInfo(builder, Contracts.ACME_AT_85, "a request for the budget of acme's key", ACME_HASH)
        .willRespondWith().status(200)
        .body(new PactDslJsonBody() // "key" echoes the parameter as sent; the client does not read it
            .object("info")
            .stringType("key_alias", "acme")
            .numberType("spend", 85.0)
            .numberType("max_budget", 110.0)
            .stringType("budget_duration", "30d")
            .stringMatcher("budget_reset_at", ISO, "2026-12-01T00:00:00.000000+00:00")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "keyInfo")
  void readsTheBudgetFieldsUnderInfo(MockServer server) {
    KeyInfo info = client(server).keyInfo(new VirtualKey(Contracts.ACME_KEY));

    assertThat(info.spend()).isEqualByComparingTo("85");
    assertThat(info.maxBudget()).isEqualByComparingTo("110");
    assertThat(info.budgetDuration()).isEqualTo("30d");
    assertThat(info.budgetResetAt()).isNotNull();
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact keyInfoOverBudget(PactDslWithProvider builder) {
    return keyInfo(builder, Contracts.ACME_OVER, "a request for the budget of a key whose spend is above its max_budget",
            ACME_HASH)
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .object("info")
            .numberType("spend", 125.5)
            .numberType("max_budget", 110.0)
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "keyInfoOverBudget")
  void readsASpendAboveMaxBudgetAsIs(MockServer server) {
    KeyInfo info = client(server).keyInfo(new VirtualKey(Contracts.ACME_KEY));

    assertThat(info.spend()).isGreaterThan(info.maxBudget());
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact unknownKey(PactDslWithProvider builder) {
    return keyInfo(builder, Contracts.NO_KEY_FOR_ACME, "a request for the budget of a key that does not exist", MISSING_HASH)
        .willRespondWith().status(404)
        .body(new PactDslJsonBody()
            .object("error")
            .stringType("message", "Key not found in database")
            .stringValue("type", "not_found_error")
            .stringMatcher("code", "404", "404")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "unknownKey")
  void anUnknownKeyIsANotFoundRejection(MockServer server) {
    Throwable failure = catchThrowable(() -> client(server).keyInfo(new VirtualKey("sk-missing-key")));

    assertThat(failure).isInstanceOf(LiteLlmKeyMissingException.class);
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact updateOfAMissingKey(PactDslWithProvider builder) {
    return post(builder, Contracts.NO_KEY_FOR_ACME, "a request to update a key that does not exist", "/key/update")
        .body(new PactDslJsonBody()
            .stringMatcher("key", HASH, MISSING_HASH)
            .decimalType("max_budget", new BigDecimal("110.00")))
        .willRespondWith().status(401)
        .body(new PactDslJsonBody()
            .object("error")
            .stringMatcher("message", ".*does not exist.*",
                "Authentication Error: invalid user key - user key does not exist in db. User Key=" + MISSING_HASH)
            .stringValue("type", "auth_error")
            .stringMatcher("code", "401", "401")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "updateOfAMissingKey")
  void anUpdateOfAMissingKeyIsAMissingKeyNotAnAuthFailure(MockServer server) {
    Throwable failure = catchThrowable(() -> client(server).updateKey(
        new KeyUpdate(new VirtualKey("sk-missing-key"), new BigDecimal("110.00"), null, null)));

    assertThat(failure).isInstanceOf(LiteLlmKeyMissingException.class);
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact duplicateAlias(PactDslWithProvider builder) {
    return post(builder, Contracts.ACME_AT_85, "a request to generate a key with an alias already in use", "/key/generate")
        .body(new PactDslJsonBody()
            .stringValue("key_alias", "acme")
            .decimalType("max_budget", new BigDecimal("110.00"))
            .object("metadata").closeObject())
        .willRespondWith().status(400)
        .body(new PactDslJsonBody()
            .object("error")
            .stringType("message", "Key with alias 'acme' already exists. Unique key aliases across all keys are required.")
            .stringValue("type", "bad_request_error")
            .stringValue("param", "key_alias")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "duplicateAlias")
  void aDuplicateAliasIsARejectionNotAMissingKey(MockServer server) {
    Throwable failure = catchThrowable(() -> client(server).generateKey(
        new KeyGenerateRequest("acme", new BigDecimal("110.00"), null, Map.of())));

    assertThat(failure).isInstanceOf(LiteLlmRejectedException.class).isNotInstanceOf(LiteLlmKeyMissingException.class);
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact liveness(PactDslWithProvider builder) {
    return builder
        .uponReceiving("a liveness probe, without a key")
        .method("GET").path("/health/liveliness")
        .willRespondWith().status(200)
        .body("\"I'm alive!\"", "application/json")
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "liveness")
  void theLivenessProbeNeedsNoKey(MockServer server) {
    assertThat(client(server).isAlive()).isTrue();
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact updateKey(PactDslWithProvider builder) {
    return post(builder, Contracts.ACME_AT_85, "a request to move acme's max_budget and reset its spend", "/key/update")
        .body(new PactDslJsonBody()
            .stringMatcher("key", HASH, ACME_HASH)
            .decimalType("max_budget", new BigDecimal("165.00"))
            .numberType("spend", 0))
        .willRespondWith().status(200)
        .body(new PactDslJsonBody().stringMatcher("key", HASH, ACME_HASH))
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "updateKey")
  void updatesMaxBudgetAndSpend(MockServer server) {
    client(server).updateKey(new KeyUpdate(new VirtualKey(Contracts.ACME_KEY), new BigDecimal("165.00"), null, BigDecimal.ZERO));
  }

  @Pact(consumer = Contracts.BUDGETGATE)
  V4Pact deleteKey(PactDslWithProvider builder) {
    return post(builder, Contracts.ACME_AT_85, "a request to delete acme's key", "/key/delete")
        .body(new PactDslJsonBody().array("keys").stringMatcher(HASH, ACME_HASH).closeArray())
        .willRespondWith().status(200)
        .body(new PactDslJsonBody().array("deleted_keys").stringMatcher(HASH, ACME_HASH).closeArray())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "deleteKey")
  void deletesAKey(MockServer server) {
    client(server).deleteKey(new VirtualKey(Contracts.ACME_KEY));
  }

  /** A POST as BudgetGate's client sends it: the master key as bearer, a JSON body. */
  static PactDslRequestWithPath post(PactDslWithProvider builder, String state, String description, String path) {
    return builder
        .given(state)
        .uponReceiving(description)
        .method("POST").path(path)
        .matchHeader("Authorization", AUTH, "Bearer " + Contracts.MASTER_KEY)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json");
  }

  /** A {@code GET /key/info?key=<the key's hash>} as BudgetGate's client sends it: never the raw key in a query string. */
  static PactDslRequestWithPath keyInfo(PactDslWithProvider builder, String state, String description, String key) {
    return builder
        .given(state)
        .uponReceiving(description)
        .method("GET").path("/key/info").matchQuery("key", HASH, key)
        .matchHeader("Authorization", AUTH, "Bearer " + Contracts.MASTER_KEY);
  }

  static LiteLlmClient client(MockServer server) {
    return new LiteLlmClient(new LiteLlmConfig(server.getUrl(), Contracts.MASTER_KEY, Duration.seconds(5), 1,
        Duration.milliseconds(10), 2.0, null, null), Jackson.newObjectMapper());
  }
}
