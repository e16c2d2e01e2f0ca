package io.budgetgate.audit;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code audit_log}. */
interface AuditDao {

  @SqlUpdate("""
      INSERT INTO audit_log (occurred_at, actor, action, tenant_id, details)
      VALUES (:occurredAt, :actor, :action, :tenantId, CAST(:details AS jsonb))
      """)
  void insert(Instant occurredAt, String actor, String action, String tenantId, String details);

  @SqlQuery("""
      SELECT id, occurred_at, actor, action, tenant_id, details::text AS details
        FROM audit_log
       WHERE (CAST(:tenantId AS VARCHAR) IS NULL OR tenant_id = :tenantId)
       ORDER BY occurred_at DESC, id DESC
       LIMIT :limit
      """)
  List<AuditEntry> recent(String tenantId, int limit);
}
