package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.client.BudgetExceededException;
import io.budgetgate.client.BudgetGateClient;
import io.budgetgate.client.ConflictException;
import io.budgetgate.client.NotFoundException;
import io.budgetgate.client.RefusalReason;
import io.budgetgate.client.Reservation;
import io.budgetgate.client.ReservationRequest;
import io.budgetgate.client.Settlement;
import io.budgetgate.testing.ApiClient;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The agent platform's client against the jar: the lines a platform developer writes, and what the service then shows. */
class ReservationClientIT extends OneInstance {

  @Test
  void s22_theClientReservesSettlesReleasesAForgottenSettleAndReadsEachRefusal() {
    Timeline t = new Timeline("22. the platform client against the jar: hold, settle higher, a forgotten settle released "
        + "by try-with-resources, 404, 402 blocked with Retry-After");
    harness.tenant(api, "client-flow", "\"max_budget\": 100");
    harness.spendKnown(api, "client-flow", "100");
    BudgetGateClient client = BudgetGateClient.builder(URI.create(budgetgate.baseUrl()), Harness.PLATFORM)
        .requestTimeout(Duration.ofSeconds(30)).build();

    ReservationRequest twoDollars = ReservationRequest.of(new BigDecimal("2.00")).withRequestId("call-1");
    Reservation call = client.reserve("client-flow", twoDollars);
    assertThat(call.status()).isEqualTo("held");
    assertThat(call.amount()).isEqualByComparingTo("2");
    assertThat(call.apiKey()).startsWith("sk-");
    assertThat(call.toString()).doesNotContain(call.apiKey());
    assertThat(call.baseUrl()).isNotBlank();
    assertThat(call.budget().reserved()).isEqualByComparingTo("2");
    assertThat(call.budget().headroom()).isEqualByComparingTo("8");
    assertThat(client.reserve("client-flow", twoDollars).id()).as("the same request id holds once").isEqualTo(call.id());
    t.step("$2 held for call-1 (headroom 10 -> 8); the same request id again gets the same reservation");

    Settlement settled = call.settle(new BigDecimal("3.50"));
    assertThat(settled.status()).isEqualTo("settled");
    assertThat(settled.actualCost()).isEqualByComparingTo("3.5");
    assertThat(settled.countsUntil()).isAfter(settled.settledAt());
    assertThat(call.settle(new BigDecimal("3.50")).id()).as("the same amount again is fine").isEqualTo(call.id());
    assertThat(catchThrowableOfType(ConflictException.class, () -> call.settle(new BigDecimal("4"))).code())
        .isEqualTo("reservation_settled");
    assertBudget("3.5", "6.5");
    t.step("settled at $3.50, more than held: reserved 3.50, headroom 6.50; again 200, another amount 409");

    String forgotten;
    try (Reservation r = client.reserve("client-flow", new BigDecimal("1.00"))) {
      forgotten = r.id();
      assertBudget("4.5", "5.5");
    }
    assertThat(reservationStatus("client-flow", forgotten)).isEqualTo("released");
    assertBudget("3.5", "6.5");
    t.step("a hold nobody settled is released when its try block ends: headroom back to 6.50");

    NotFoundException noTenant = catchThrowableOfType(NotFoundException.class,
        () -> client.reserve("no-such-tenant", BigDecimal.ONE));
    assertThat(noTenant.code()).isEqualTo("unknown_tenant");
    NotFoundException noReservation = catchThrowableOfType(NotFoundException.class,
        () -> client.release("client-flow", UUID.randomUUID().toString()));
    assertThat(noReservation.code()).isEqualTo("unknown_reservation");
    t.step("unknown tenant and unknown reservation: NotFoundException with the service's code");

    harness.tenant(api, "client-blocked", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    harness.spendKnown(api, "client-blocked", "120");
    BudgetExceededException blocked = catchThrowableOfType(BudgetExceededException.class,
        () -> client.reserve("client-blocked", BigDecimal.ONE));
    assertThat(blocked.reason()).isEqualTo(RefusalReason.BLOCKED);
    assertThat(blocked.retryAfter()).hasValueSatisfying(wait -> assertThat(wait)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThanOrEqualTo(Duration.ofDays(31)));
    assertThat(blocked.budget().orElseThrow().spend()).isEqualByComparingTo("120");
    assertThat(blocked.budget().orElseThrow().blockAt()).isEqualByComparingTo("110");
    assertThat(blocked.estimatedCost()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1"));
    assertThat(blocked.getMessage()).contains("client-blocked").doesNotContain(Harness.PLATFORM);
    t.step("a tenant over its limit: BudgetExceededException blocked, Retry-After " + blocked.retryAfter().orElseThrow());
    t.done();
  }

  private static void assertBudget(String reserved, String headroom) {
    JsonNode status = api.get("/v1/tenants/client-flow/budget", Harness.PLATFORM).json();
    assertThat(status.get("reserved").decimalValue()).isEqualByComparingTo(reserved);
    assertThat(status.get("headroom").decimalValue()).isEqualByComparingTo(headroom);
  }

  private static String reservationStatus(String tenant, String id) {
    ApiClient.Answer list = api.get("/v1/tenants/" + tenant + "/reservations", Harness.VIEWER);
    for (JsonNode r : list.json().get("reservations")) {
      if (r.get("id").asText().equals(id)) {
        return r.get("status").asText();
      }
    }
    throw new AssertionError("reservation " + id + " not listed: " + list.body());
  }
}
