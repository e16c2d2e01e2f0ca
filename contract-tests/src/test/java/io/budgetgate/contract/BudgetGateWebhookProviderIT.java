package io.budgetgate.contract;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.budgetgate.webhook.SignatureVerifier;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BudgetGate's webhook endpoint verified against LiteLLM's pact, running on real PostgreSQL. A
 * request filter signs each delivery with the Standard Webhooks scheme, as the relay in front of
 * LiteLLM does; the "unsigned" interaction is sent as LiteLLM sends it and must be refused.
 */
@Provider(Contracts.BUDGETGATE_WEBHOOKS)
@PactFolder("pacts")
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetGateWebhookProviderIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM,
      ConfigOverride.config("webhook.pathToken", LiteLlmWebhookPactTest.PATH_TOKEN));
  static final SignatureVerifier SIGNER = new SignatureVerifier(Webhooks.SECRET, Duration.ofMinutes(5));

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new HttpTestTarget("127.0.0.1", APP.getLocalPort()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void honoursLiteLlmsContract(PactVerificationContext context, ClassicHttpRequest request) throws IOException, ParseException {
    if (!context.getInteraction().getDescription().contains("unsigned")) { // LiteLLM's own sender cannot sign
      sign(request);
    }
    context.verifyInteraction();
  }

  /** Adds webhook-id, webhook-timestamp and webhook-signature over the exact body bytes. */
  static void sign(ClassicHttpRequest request) throws IOException, ParseException {
    byte[] body = request.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(request.getEntity());
    request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    String id = "msg_" + UUID.randomUUID();
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    request.setHeader("webhook-id", id);
    request.setHeader("webhook-timestamp", timestamp);
    request.setHeader("webhook-signature", SIGNER.signatureFor(id, timestamp, body));
  }

  @State(Contracts.TENANT_ACME)
  void tenantAcme() {
    ApiClient.Answer created = new ApiClient("http://127.0.0.1:" + APP.getLocalPort()).post("/v1/tenants", TestTokens.ADMIN,
        "{\"tenant_id\": \"acme\", \"name\": \"Acme\", \"max_budget\": 100, \"notification_emails\": [\"ops@acme.test\"]}");
    if (created.status() != 201 && created.status() != 409) {
      throw new IllegalStateException("cannot create tenant acme: " + created.body());
    }
  }
}
