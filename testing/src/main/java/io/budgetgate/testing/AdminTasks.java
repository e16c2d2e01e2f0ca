package io.budgetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Runs the service's admin tasks over its admin port, as an operator does ({@code POST
 * /tasks/{name}}), and reads their one-line JSON answers. A job round a test needs now is one of
 * these calls, never a reach into the application.
 */
public final class AdminTasks {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminTasks() {}

  /** The task's answer; fails the test on anything but a 200 with JSON. */
  public static JsonNode run(int adminPort, String task) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/tasks/" + task))
        .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new AssertionError("POST /tasks/" + task + " answered " + answer.statusCode() + ": " + answer.body());
      }
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One reconciler round: the alerts it raised, or -1 when another instance holds its lease. */
  public static int reconcile(int adminPort) {
    JsonNode answer = run(adminPort, "reconcile");
    return ran(answer) ? answer.get("alerts_raised").asInt() : -1;
  }

  /** One reset-job round: the periods it reset, or -1 when another instance holds its lease. */
  public static int resetBudgets(int adminPort) {
    JsonNode answer = run(adminPort, "reset-budgets");
    return ran(answer) ? answer.get("periods_reset").asInt() : -1;
  }

  /** Sends what the outbox has due; how many rows were attempted. */
  public static int drainOutbox(int adminPort) {
    return run(adminPort, "drain-outbox").get("rows_attempted").asInt();
  }

  /** Pushes every pending key budget to LiteLLM; how many keys are in sync now. */
  public static int syncKeys(int adminPort) {
    return run(adminPort, "sync-litellm-keys").get("keys_synced").asInt();
  }

  public static int reconcile(DropwizardAppExtension<?> app) {
    return reconcile(app.getAdminPort());
  }

  public static int resetBudgets(DropwizardAppExtension<?> app) {
    return resetBudgets(app.getAdminPort());
  }

  public static int drainOutbox(DropwizardAppExtension<?> app) {
    return drainOutbox(app.getAdminPort());
  }

  public static int syncKeys(DropwizardAppExtension<?> app) {
    return syncKeys(app.getAdminPort());
  }

  private static boolean ran(JsonNode answer) {
    return "ran".equals(answer.path("outcome").asText());
  }
}
