package io.budgetgate.platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The one-thread schedulers the periodic jobs run on: daemon threads named after the job. */
public final class Schedulers {
  private Schedulers() {}

  public static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
