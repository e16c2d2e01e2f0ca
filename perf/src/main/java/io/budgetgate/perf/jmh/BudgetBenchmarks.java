package io.budgetgate.perf.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.webhook.LiteLlmEvent;
import io.budgetgate.webhook.SignatureVerifier;
import io.dropwizard.jackson.Jackson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The hot pieces of a decision and a webhook, without the network around them. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BudgetBenchmarks {
  private final BigDecimal spend = new BigDecimal("109.99");
  private final BigDecimal budget = new BigDecimal("100.00");
  private final SignatureVerifier verifier = new SignatureVerifier("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
      Duration.ofMinutes(5));
  private final byte[] body = ("{\"spend\": 85.2, \"max_budget\": 110.0, \"soft_budget\": null, \"token\": null, \"customer_id\": null,"
      + " \"user_id\": null, \"team_id\": null, \"team_alias\": null, \"organization_id\": null, \"user_email\": null,"
      + " \"key_alias\": \"acme\", \"projected_exceeded_date\": null, \"projected_spend\": null, \"alert_emails\": null,"
      + " \"event\": \"threshold_crossed\", \"event_group\": \"key\", \"event_message\": \"Key Budget: 15% Threshold Crossed\"}")
      .getBytes(StandardCharsets.UTF_8);
  private final String signature = verifier.signatureFor("msg_1", "1796000000", body);
  private final Instant signedAt = Instant.ofEpochSecond(1796000000);
  private final ObjectMapper json = Jackson.newObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final BudgetStatus status = new BudgetStatus("acme", "critical", true, spend, budget, BigDecimal.ZERO, budget,
      new BigDecimal("109.99"), 80, 110, new BigDecimal("80.00"), new BigDecimal("110.00"), BigDecimal.ZERO, "30d",
      Instant.parse("2026-12-01T00:00:00Z"), "cache", false, Instant.parse("2026-11-29T12:00:00Z"), null, null, "synced",
      BigDecimal.ZERO, new BigDecimal("0.01"));

  @Benchmark
  public BudgetState policyDecision() {
    return BudgetPolicy.state(spend, budget, 80, 110);
  }

  @Benchmark
  public SignatureVerifier.Outcome signatureVerification() {
    return verifier.verify("msg_1", "1796000000", signature, body, signedAt);
  }

  @Benchmark
  public LiteLlmEvent webhookParsing() throws Exception {
    JsonNode tree = json.readTree(body);
    return LiteLlmEvent.from(tree);
  }

  @Benchmark
  public String statusSerialisation() throws Exception {
    return json.writeValueAsString(status);
  }
}
