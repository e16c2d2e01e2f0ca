package io.budgetgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit trail. Other features record into it inside their own transaction (pass the
 * {@link Handle}), so an entry exists exactly when the change it describes does.
 */
public class AuditLog {
  private final Jdbi jdbi;
  private final Clock clock;
  private final ObjectMapper json;

  public AuditLog(Jdbi jdbi, Clock clock, ObjectMapper json) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.json = json;
  }

  /** Records an entry as part of the caller's transaction. */
  public void record(Handle handle, String actor, String action, String tenantId, Map<String, ?> details) {
    String detailsJson;
    try {
      detailsJson = json.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details must be plain JSON values", e);
    }
    handle.attach(AuditDao.class).insert(clock.instant(), actor, action, tenantId, detailsJson);
  }

  /** Newest entries first, for one tenant or (tenantId null) all. */
  public List<AuditEntry> recent(String tenantId, int limit) {
    return jdbi.withExtension(AuditDao.class, dao -> dao.recent(tenantId, limit));
  }
}
