package io.budgetgate.perf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The suites' own load driver: a closed loop (a fixed number of workers, each sending its next
 * request as soon as the last one answered) and the figures of a list of timed requests. One place
 * for the sample collection and the percentile, which the benchmarks share.
 */
final class Load {
  /** Figures of one kind of request in one phase; latencies in milliseconds. */
  record Figures(int requests, int failed, double seconds, double p50, double p95, double max) {
    /** Requests answered per second (failed ones included: they took their time too). */
    double throughput() {
      return requests / seconds;
    }
  }

  /** One timed request: its latency and whether it failed. */
  record Sample(double millis, boolean failed) {}

  /** One request of a worker; returns whether its answer was the expected one. */
  @FunctionalInterface
  interface Request {
    boolean send() throws Exception;
  }

  private Load() {}

  /** {@code workers} workers sending {@code request} back to back while {@code goOn}; their figures together. */
  static Figures closedLoop(int workers, BooleanSupplier goOn, Request request) throws Exception {
    return closedLoopEach(workers, goOn, () -> request);
  }

  /**
   * As {@link #closedLoop(int, BooleanSupplier, Request)}, each worker with its own request (made
   * once per worker: for per-worker state such as a Redis connection, closed when it is
   * {@link AutoCloseable}).
   */
  static Figures closedLoopEach(int workers, BooleanSupplier goOn, Callable<Request> perWorker) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      long started = System.nanoTime();
      List<Future<List<Sample>>> loops = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        loops.add(pool.submit(() -> {
          Request request = perWorker.call();
          try {
            return timed(goOn, request);
          } finally {
            if (request instanceof AutoCloseable closeable) {
              closeable.close();
            }
          }
        }));
      }
      List<Sample> all = new ArrayList<>();
      for (Future<List<Sample>> loop : loops) {
        all.addAll(loop.get());
      }
      return figures(all, (System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One worker's requests, back to back while {@code goOn}; a request that throws counts as failed. */
  static List<Sample> timed(BooleanSupplier goOn, Request request) {
    List<Sample> out = new ArrayList<>();
    while (goOn.getAsBoolean()) {
      long t = System.nanoTime();
      boolean ok;
      try {
        ok = request.send();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        ok = false;
      }
      out.add(new Sample((System.nanoTime() - t) / 1e6, !ok));
    }
    return out;
  }

  /** The figures of these samples, taken over {@code seconds}; NaN latencies when there are none. */
  static Figures figures(List<Sample> samples, double seconds) {
    List<Double> ms = new ArrayList<>(samples.size());
    int failed = 0;
    for (Sample s : samples) {
      ms.add(s.millis());
      failed += s.failed() ? 1 : 0;
    }
    if (ms.isEmpty()) {
      return new Figures(0, failed, seconds, Double.NaN, Double.NaN, Double.NaN);
    }
    Collections.sort(ms);
    return new Figures(ms.size(), failed, seconds, percentile(ms, 0.50), percentile(ms, 0.95), ms.get(ms.size() - 1));
  }

  /** The nearest-rank percentile {@code p} (0..1] of ascending values. */
  static double percentile(List<Double> sorted, double p) {
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
  }
}
