package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.budget.api.AccessRequest;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.dropwizard.jackson.Jackson;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

class AccessRequestParserTest {
  static final ObjectMapper JSON = json();
  static final MediaType JSON_TYPE = MediaType.APPLICATION_JSON_TYPE;

  static ObjectMapper json() {
    ObjectMapper mapper = Jackson.newObjectMapper();
    BudgetGateApplication.configureJson(mapper);
    return mapper;
  }

  @Test
  void noBodyIsNoRequestWhateverTheType() {
    assertThat(AccessRequestParser.parse(JSON, null, null)).isNull();
    assertThat(AccessRequestParser.parse(JSON, "", JSON_TYPE)).isNull();
    assertThat(AccessRequestParser.parse(JSON, " \n", MediaType.TEXT_PLAIN_TYPE)).isNull();
  }

  @Test
  void aJsonBodyIsRead() {
    AccessRequest r = AccessRequestParser.parse(JSON, "{\"estimated_cost\": \"0.42\", \"request_id\": \"c\", \"hold_seconds\": 9}",
        MediaType.valueOf("application/json; charset=utf-8"));
    assertThat(r.estimatedCost()).isEqualByComparingTo("0.42");
    assertThat(r.requestId()).isEqualTo("c");
    assertThat(r.holdSeconds()).isEqualTo(9);
  }

  @Test
  void aBodyNotSentAsJsonIs415() {
    for (MediaType type : new MediaType[] {null, MediaType.TEXT_PLAIN_TYPE}) {
      assertThatThrownBy(() -> AccessRequestParser.parse(JSON, "{}", type)).isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.kind()).isEqualTo(ServiceException.Kind.UNSUPPORTED_TYPE);
        assertThat(e.error()).isEqualTo("unsupported_media_type");
        assertThat(e.getMessage()).isEqualTo("an llm-access body must be sent as application/json (or left out)");
      });
    }
  }

  @Test
  void notJsonIs400() {
    assertThatThrownBy(() -> AccessRequestParser.parse(JSON, "{\"estimated_cost\": ", JSON_TYPE))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.kind()).isEqualTo(ServiceException.Kind.MALFORMED);
          assertThat(e.error()).isEqualTo("malformed_json");
          assertThat(e.getMessage()).startsWith("the llm-access body is not valid JSON: ");
        });
  }

  @Test
  void eachFieldProblemNamesItsField() {
    assertThat(field("{\"cost\": 1}")).isEqualTo(new FieldError("cost",
        "is not a field of llm-access (estimated_cost, request_id, hold_seconds)"));
    assertThat(field("{\"estimated_cost\": \"abc\"}")).isEqualTo(new FieldError("estimated_cost",
        "has the wrong type (estimated_cost: a decimal or a decimal string, request_id: a string, hold_seconds: an integer)"));
    assertThat(field("{\"hold_seconds\": \"soon\"}").field()).isEqualTo("hold_seconds");
    assertThat(field("[1]")).isEqualTo(new FieldError("body", "must be a JSON object with estimated_cost, request_id, hold_seconds"));
    assertThat(field("3")).isEqualTo(new FieldError("body", "must be a JSON object with estimated_cost, request_id, hold_seconds"));
  }

  static FieldError field(String body) {
    try {
      AccessRequestParser.parse(JSON, body, JSON_TYPE);
    } catch (ValidationException e) {
      assertThat(e.fields()).hasSize(1);
      return e.fields().get(0);
    }
    throw new AssertionError("no 422 for " + body);
  }
}
