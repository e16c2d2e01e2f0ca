package io.budgetgate.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for BudgetGate on 127.0.0.1: records every request and answers what the test scripted
 * (bodies shaped like the service's, see {@link ServiceAnswers}); {@link #hang()} makes it take
 * requests and never answer until closed.
 */
final class FakeBudgetGate implements AutoCloseable {
  static final String TOKEN = "platform-token-s3cret";

  /** A request as it arrived: the path still percent-encoded. */
  record Request(String method, String rawPath, String authorization, String contentType, String body) {}

  /** What to answer. */
  record Reply(int status, String body, String contentType, Map<String, String> headers) {
    static Reply json(int status, String body) {
      return new Reply(status, body, "application/json", Map.of());
    }

    static Reply noContent() {
      return new Reply(204, "", null, Map.of());
    }

    Reply withHeader(String name, String value) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put(name, value);
      return new Reply(status, body, contentType, all);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Function<Request, Reply> answers = r -> Reply.json(500, ServiceAnswers.error(500, "unscripted", "nothing scripted"));
  private volatile boolean hanging;

  FakeBudgetGate() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A client of this server with short timeouts. */
  BudgetGateClient client() {
    return BudgetGateClient.builder(uri(), TOKEN).connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(5)).build();
  }

  void answer(Function<Request, Reply> script) {
    this.answers = script;
  }

  void answerAlways(Reply reply) {
    answer(r -> reply);
  }

  void hang() {
    hanging = true;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String method) {
    return requests.stream().filter(r -> r.method().equals(method)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      requests.add(request);
      if (hanging) {
        closing.await();
        return;
      }
      Reply reply = answers.apply(request);
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
