package io.budgetgate.platform.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL unreachable (connection refused or lost, server shutting down, pool exhausted) is
 * 503 {@code database_unavailable}: a clean, retryable answer rather than a 500. Any other
 * database failure is a bug: 500 through {@link UnexpectedExceptionMapper}.
 */
public final class DatabaseExceptionMapper implements ExceptionMapper<JdbiException> {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseExceptionMapper.class);

  @Override
  public Response toResponse(JdbiException e) {
    if (isUnavailable(e)) {
      LOG.warn("database unavailable: {}", rootMessage(e));
      return Response.fromResponse(ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "database_unavailable",
          "PostgreSQL cannot be reached right now; nothing was changed. Retry shortly."))
          .header("Retry-After", 5)
          .build();
    }
    return new UnexpectedExceptionMapper().toResponse(e);
  }

  /** Whether the failure is the database being out of reach rather than a query going wrong. */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException || t instanceof ConnectException || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
      if (t.getClass().getName().equals("org.apache.tomcat.jdbc.pool.PoolExhaustedException")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
