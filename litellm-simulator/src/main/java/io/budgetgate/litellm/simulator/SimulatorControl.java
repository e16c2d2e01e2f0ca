package io.budgetgate.litellm.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The simulator's own control API over HTTP (master key required), which LiteLLM does not have:
 * {@code /_simulator/faults} sets or clears a fault, {@code /_simulator/spend} records spend for a
 * key alias as LiteLLM's spend tracking would.
 */
final class SimulatorControl {
  private final LiteLlmSimulator simulator;
  private final SimulatorHttp http;

  SimulatorControl(LiteLlmSimulator simulator, SimulatorHttp http) {
    this.simulator = simulator;
    this.http = http;
  }

  void handle(HttpExchange exchange, String path) throws IOException {
    switch (path) {
      case "/_simulator/faults" -> faultsControl(exchange);
      case "/_simulator/spend" -> spendControl(exchange);
      default -> SimulatorHttp.send(exchange, 404, "{\"detail\":\"Not Found\"}");
    }
  }

  private void faultsControl(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("DELETE")) {
      simulator.heal();
      SimulatorHttp.send(exchange, 200, "{\"faults\":\"none\"}");
      return;
    }
    JsonNode body = http.body(exchange);
    if (body == null) {
      return;
    }
    int times = body.path("times").asInt(-1);
    switch (body.path("mode").asText()) {
      case "status" -> simulator.failWith(body.path("status").asInt(500), times);
      case "delay" -> simulator.delay(Duration.ofMillis(body.path("delay_ms").asLong(1000)), times);
      case "drop" -> simulator.dropConnections(times);
      default -> {
        http.error(exchange, 422, "mode must be status, delay or drop", "bad_request_error", "mode");
        return;
      }
    }
    http.json(exchange, 200, body);
  }

  /** {@code {"key_alias", "spend"}}: what LiteLLM's spend tracking would record after the tenant's calls. */
  private void spendControl(HttpExchange exchange) throws IOException {
    JsonNode body = http.body(exchange);
    if (body == null) {
      return;
    }
    String alias = SimulatorHttp.text(body.get("key_alias"));
    JsonNode spend = body.get("spend");
    Optional<SimulatedKeys.Row> row = alias == null ? Optional.empty() : simulator.row(alias);
    if (row.isEmpty() || spend == null || !spend.isNumber()) {
      http.error(exchange, 422, "key_alias must name an existing key and spend must be a number", "bad_request_error", "key_alias");
      return;
    }
    simulator.setSpend(alias, spend.decimalValue());
    http.json(exchange, 200, body);
  }
}
