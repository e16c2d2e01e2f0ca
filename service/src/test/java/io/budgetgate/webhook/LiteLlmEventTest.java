package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ValidationException;
import io.dropwizard.jackson.Jackson;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which LiteLLM events are a tenant's, and which spends are read at all (DESIGN §6). */
class LiteLlmEventTest {
  private static final ObjectMapper JSON = Jackson.newObjectMapper();

  static {
    BudgetGateApplication.configureJson(JSON);
  }

  private static LiteLlmEvent event(String json) throws Exception {
    return LiteLlmEvent.from(JSON.readTree(json));
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(nullValues = "NULL", value = {
      "key,          budget_crossed,           NULL",
      "NULL,         projected_limit_exceeded, NULL",
      "key,          soft_budget_crossed,      NULL",
      "key,          threshold_crossed,        NULL",
      "key,          max_budget_alert,         NULL",
      "team,         budget_crossed,           not_a_key_event",
      "proxy,        budget_crossed,           not_a_key_event",
      "user,         threshold_crossed,        not_a_key_event",
      "end_user,     spend_tracked,            not_a_key_event",
      "organization, budget_crossed,           not_a_key_event",
      "key,          spend_tracked,            not_a_budget_event",
      "key,          key_created,              not_a_budget_event",
      "key,          key_rotated,              not_a_budget_event",
      "NULL,         internal_user_created,    not_a_budget_event"})
  void onlyAKeysOwnBudgetEventIsATenantEvent(String group, String name, String ignored) throws Exception {
    LiteLlmEvent event = event("{\"spend\": 5, \"event\": \"" + name + "\", \"token\": \"" + "a".repeat(64) + "\""
        + (group == null ? "" : ", \"event_group\": \"" + group + "\"") + "}");

    assertThat(event.notATenantEvent().map(LiteLlmEvent.Ignored::code).orElse(null)).isEqualTo(ignored);
  }

  @Test
  void aKeyEventNeedsAKeyButAnotherEntitysEventDoesNot() throws Exception {
    assertThatThrownBy(() -> event("{\"spend\": 5, \"event\": \"budget_crossed\", \"event_group\": \"key\", \"team_id\": \"acme\"}"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field).containsExactly("key_alias"));
    assertThat(event("{\"spend\": 5, \"event\": \"budget_crossed\", \"event_group\": \"proxy\"}").notATenantEvent())
        .isPresent();
    assertThat(event("{\"spend\": 5, \"event\": \"key_created\"}").notATenantEvent()).isPresent();
  }

  @ParameterizedTest(name = "spend {0}")
  @ValueSource(strings = {"\"85\"", "\"NaN\"", "true", "null", "{}", "-0.01", "1000000000.01", "1e12", "1e300", "1e400"})
  void aSpendThatIsNotAFiniteDecimalWithinTheCeilingIs422NamingSpend(String spend) {
    assertThatThrownBy(() -> event("{\"spend\": " + spend + ", \"event\": \"budget_crossed\", \"key_alias\": \"acme\"}"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field).containsExactly("spend"));
  }

  @Test
  void aMissingSpendIs422Too() {
    assertThatThrownBy(() -> event("{\"event\": \"budget_crossed\", \"key_alias\": \"acme\"}"))
        .isInstanceOf(ValidationException.class);
  }

  @ParameterizedTest(name = "spend {0}")
  @ValueSource(strings = {"0", "0.000000000000000000001", "123.456789123456789", "1000000000.00", "1e9"})
  void aFiniteSpendFromZeroToTheCeilingIsReadExactly(String spend) throws Exception {
    assertThat(event("{\"spend\": " + spend + ", \"event\": \"budget_crossed\", \"key_alias\": \"acme\"}").spend())
        .isEqualByComparingTo(new BigDecimal(spend));
  }

  @Test
  void anInfiniteDoubleFromALenientParserIs422() throws Exception {
    JsonNode body = new ObjectMapper().readTree("{\"spend\": 1e400, \"event\": \"budget_crossed\", \"key_alias\": \"acme\"}");

    assertThatThrownBy(() -> LiteLlmEvent.from(body)).isInstanceOf(ValidationException.class);
  }

  @Test
  void textFieldsMustBeStringsOrNull() {
    assertThatThrownBy(() -> event("{\"spend\": 5, \"event\": \"budget_crossed\", \"key_alias\": 7, \"event_group\": []}"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field)
            .containsExactlyInAnyOrder("key_alias", "event_group"));
  }

  @Test
  void aBodyThatIsNoObjectIs422NamingTheBody() throws Exception {
    for (String body : new String[] {"[]", "\"budget_crossed\"", "5", "null"}) {
      JsonNode node = JSON.readTree(body);
      assertThatThrownBy(() -> LiteLlmEvent.from(node)).as(body)
          .isInstanceOf(ValidationException.class)
          .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field).containsExactly("body"));
    }
    assertThatThrownBy(() -> LiteLlmEvent.from(null)).isInstanceOf(ValidationException.class);
  }

  @ParameterizedTest(name = "event {0}")
  @ValueSource(strings = {"MISSING", "null", "5", "\"  \"", "[]"})
  void anEventNameThatIsNoTextIs422NamingTheEvent(String name) {
    String event = name.equals("MISSING") ? "" : ", \"event\": " + name;
    assertThatThrownBy(() -> event("{\"spend\": 5, \"key_alias\": \"acme\"" + event + "}"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field).containsExactly("event"));
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(() -> event("{\"spend\": \"5\", \"event_group\": 1, \"token\": false}"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).fields()).extracting(FieldError::field)
            .containsExactly("spend", "event", "event_group", "token"));
  }

  @Test
  void nullAndBlankTextFieldsAreAbsentAndTheOthersAreKeptAsSent() throws Exception {
    LiteLlmEvent nulls = event("{\"spend\": 5, \"event\": \"budget_crossed\", \"event_group\": null, \"key_alias\": null,"
        + " \"token\": \"" + "b".repeat(64) + "\"}");
    LiteLlmEvent blanks = event("{\"spend\": 5, \"event\": \"budget_crossed\", \"event_group\": \" \", \"key_alias\": \"acme\","
        + " \"token\": \"\"}");

    assertThat(nulls.eventGroup()).isNull();
    assertThat(nulls.keyAlias()).isNull();
    assertThat(nulls.token()).isEqualTo("b".repeat(64));
    assertThat(nulls.event()).isEqualTo("budget_crossed");
    assertThat(nulls.spend()).isEqualByComparingTo("5");
    assertThat(blanks.eventGroup()).isNull();
    assertThat(blanks.token()).isNull();
    assertThat(blanks.keyAlias()).isEqualTo("acme");
    assertThatThrownBy(() -> event("{\"spend\": 5, \"event\": \"budget_crossed\", \"key_alias\": \"  \", \"token\": null}"))
        .as("a blank alias and no token: no tenant can be found").isInstanceOf(ValidationException.class);
  }
}
