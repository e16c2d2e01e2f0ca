package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.budgetgate.client.FakeBudgetGate.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The platform token and the tenant's virtual key never show in a toString, a message or a stack trace. */
class SecretsTest {

  @Test
  void neitherTheKeyNorTheTokenAppearsInToStringsMessagesOrTraces() throws Exception {
    List<String> shown = new ArrayList<>();
    try (FakeBudgetGate server = new FakeBudgetGate()) {
      BudgetGateClient client = server.client();
      shown.add(client.toString());

      server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "1.00", "call-7", "held")));
      Reservation r = client.reserve("acme", BigDecimal.ONE);
      assertThat(r.apiKey()).isEqualTo(ServiceAnswers.KEY);
      shown.add(r.toString());
      shown.add(AnswerReader.JSON.readValue(ServiceAnswers.access("acme", "1", null, "held"), AccessAnswer.class).toString());

      // a proxy that echoes the request's headers back in its error page
      server.answer(req -> new Reply(502, "bad gateway; you sent Authorization: " + req.authorization(), "text/plain", Map.of()));
      shown.add(trace(catchThrowable(() -> client.reserve("acme", BigDecimal.ONE))));
      // ... or in a JSON error
      server.answer(req -> Reply.json(400, ServiceAnswers.error(400, "bad_request", "got " + req.authorization())));
      shown.add(trace(catchThrowable(() -> client.reserve("acme", BigDecimal.ONE))));
      // a broken success that carries the key where JSON expects a value
      server.answerAlways(Reply.json(200, "{\"api_key\": " + ServiceAnswers.KEY + "}"));
      shown.add(trace(catchThrowable(() -> client.reserve("acme", BigDecimal.ONE))));
      server.answerAlways(Reply.json(200, "{\"api_key\": \"" + ServiceAnswers.KEY + "\", \"budget\": \"" + ServiceAnswers.KEY
          + "\"}"));
      shown.add(trace(catchThrowable(() -> client.reserve("acme", BigDecimal.ONE))));
      server.answerAlways(Reply.json(402, ServiceAnswers.refusal("acme", "blocked", "over budget")));
      shown.add(trace(catchThrowable(() -> client.reserve("acme", BigDecimal.ONE))));

      server.hang();
      BudgetGateClient impatient = BudgetGateClient.builder(server.uri(), FakeBudgetGate.TOKEN)
          .requestTimeout(Duration.ofMillis(100)).build();
      shown.add(trace(catchThrowable(() -> impatient.reserve("acme", BigDecimal.ONE))));
    }

    assertThat(shown).hasSize(9).allSatisfy(text -> assertThat(text)
        .doesNotContain(FakeBudgetGate.TOKEN)
        .doesNotContain(ServiceAnswers.KEY)
        .doesNotContain("9f8e7d"));
    assertThat(shown.get(3)).contains("you sent Authorization: Bearer ****");
  }

  @Test
  void aBaseUriWithCredentialsIsRefusedWithoutRepeatingThem() {
    Throwable e = catchThrowable(() -> BudgetGateClient.create(java.net.URI.create("https://bg:hunter2@budgetgate.internal"),
        FakeBudgetGate.TOKEN));

    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
  }

  private static String trace(Throwable t) {
    assertThat(t).isInstanceOf(BudgetGateException.class);
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
