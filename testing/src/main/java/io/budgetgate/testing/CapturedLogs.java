package io.budgetgate.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of this JVM from attach() on, as text, for tests that grep the log. */
public final class CapturedLogs {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Starts capturing on the root logger (call after the app has configured logging). */
  public static CapturedLogs attach() {
    CapturedLogs logs = new CapturedLogs();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.appender.setContext(context);
    logs.appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs.appender);
    return logs;
  }

  /** All captured lines: level, logger, formatted message and any exception text. */
  public synchronized List<String> lines() {
    return List.copyOf(appender.list).stream().map(CapturedLogs::render).toList();
  }

  public String all() {
    return String.join("\n", lines());
  }

  private static String render(ILoggingEvent event) {
    StringBuilder out = new StringBuilder()
        .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      out.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        out.append("\n    ").append(frame.getSTEAsString());
      }
    }
    return out.toString();
  }
}
