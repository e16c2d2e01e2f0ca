package io.budgetgate.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * What the named classes log at INFO and above during each test, for a test that asserts on its
 * own log lines ({@code @RegisterExtension final LoggerCapture log = new LoggerCapture(X.class)}).
 * Each test starts with no lines; the loggers' levels are put back after it.
 */
public final class LoggerCapture implements BeforeEachCallback, AfterEachCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levelsBefore = new ArrayList<>();

  public LoggerCapture(Class<?>... sources) {
    for (Class<?> source : sources) {
      loggers.add((Logger) LoggerFactory.getLogger(source));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    appender.start();
    levelsBefore.clear();
    for (Logger logger : loggers) {
      levelsBefore.add(logger.getLevel());
      logger.setLevel(Level.INFO);
      logger.addAppender(appender);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(appender);
      loggers.get(i).setLevel(levelsBefore.get(i));
    }
  }

  /** Each event so far as {@code LEVEL message}. */
  public List<String> lines() {
    synchronized (appender) { // AppenderBase appends under this lock
      return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }

  /** Forgets what was logged so far (what an earlier step of the test logged is not the case's). */
  public void clear() {
    synchronized (appender) {
      appender.list.clear();
    }
  }
}
