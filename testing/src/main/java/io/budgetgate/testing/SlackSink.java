package io.budgetgate.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server standing in for a Slack incoming webhook: records what it receives. */
public final class SlackSink implements AutoCloseable {
  private final HttpServer server;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile String failureAnswer = "rate_limited";

  public SlackSink() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (!fail) {
          messages.add(body);
        }
        byte[] answer = (fail ? failureAnswer : "ok").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    server.start();
  }

  /** The webhook URL a tenant (or the config) points at. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/sink";
  }

  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** The next {@code n} posts are answered 500. */
  public void failNext(int n) {
    failNext(n, "rate_limited");
  }

  /** The next {@code n} posts are answered 500 with this body. */
  public void failNext(int n, String answer) {
    failureAnswer = answer;
    failuresLeft.set(n);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
