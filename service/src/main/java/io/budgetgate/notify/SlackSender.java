package io.budgetgate.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts a message to a Slack incoming webhook; anything but 2xx is a failure to retry. */
final class SlackSender {
  private final HttpClient http;
  private final Duration timeout;

  SlackSender(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  void send(String webhookUrl, RenderedMessage message) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(message.slackJson()))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        String body = response.body(); // never null with BodyHandlers.ofString
        throw new IOException("Slack answered " + response.statusCode() + ": " + (body.length() > 200 ? body.substring(0, 200) : body));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while posting to Slack", e);
    }
  }
}
