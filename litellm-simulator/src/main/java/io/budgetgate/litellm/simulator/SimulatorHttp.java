package io.budgetgate.litellm.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reading requests and writing answers the way LiteLLM's FastAPI app does. */
final class SimulatorHttp {
  private final ObjectMapper json;

  SimulatorHttp(ObjectMapper json) {
    this.json = json;
  }

  /** LiteLLM's {@code ProxyException.to_dict()} under {@code error}; {@code code} is a string, {@code param} often "None". */
  void error(HttpExchange exchange, int status, String message, String type, String param) throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode inner = body.putObject("error");
    inner.put("message", message);
    inner.put("type", type);
    inner.put("param", param);
    inner.put("code", String.valueOf(status));
    send(exchange, status, body.toString());
  }

  /** FastAPI's own 422 for a request that fails its declared validation, before LiteLLM's handler runs. */
  void validation(HttpExchange exchange, String where, String field, String message, String input) throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode detail = body.putArray("detail").addObject();
    detail.put("type", "value_error");
    detail.putArray("loc").add(where).add(field);
    detail.put("msg", message);
    if (input == null) {
      detail.putNull("input");
    } else {
      detail.put("input", input);
    }
    send(exchange, 422, body.toString());
  }

  void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    send(exchange, status, json.writeValueAsString(body));
  }

  static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The body as a JSON object, or null after answering as FastAPI would (400 unreadable, 422 not an object). */
  JsonNode body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode body = json.readTree(in);
      if (body == null || !body.isObject()) {
        validation(exchange, "body", "body", "Input should be a valid dictionary or object to extract fields from", null);
        return null;
      }
      return body;
    } catch (IOException e) {
      validation(exchange, "body", "body", "JSON decode error", null);
      return null;
    }
  }

  static String query(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
