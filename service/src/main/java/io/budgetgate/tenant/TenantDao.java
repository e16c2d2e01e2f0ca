package io.budgetgate.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code tenant_configs}. */
interface TenantDao {

  /** What a new row holds; plain values only. */
  record NewRow(
      String tenantId,
      String name,
      BigDecimal maxBudget,
      int alertThreshold,
      int graceThreshold,
      String budgetDuration,
      Instant budgetResetAt,
      BigDecimal litellmSyncedMaxBudget,
      String litellmKeyAlias,
      String litellmKeyHash,
      String litellmVirtualKey,
      String[] notificationEmails,
      String slackWebhookUrl,
      Instant createdAt) {}

  @SqlUpdate("""
      INSERT INTO tenant_configs (tenant_id, name, max_budget, alert_threshold, grace_threshold,
                                  budget_duration, budget_reset_at, litellm_synced_max_budget,
                                  litellm_key_alias, litellm_key_hash,
                                  litellm_virtual_key, notification_emails, slack_webhook_url,
                                  created_at, updated_at)
      VALUES (:t.tenantId, :t.name, :t.maxBudget, :t.alertThreshold, :t.graceThreshold,
              :t.budgetDuration, :t.budgetResetAt, :t.litellmSyncedMaxBudget,
              :t.litellmKeyAlias, :t.litellmKeyHash,
              :t.litellmVirtualKey, :t.notificationEmails, :t.slackWebhookUrl,
              :t.createdAt, :t.createdAt)
      """)
  void insert(@BindMethods("t") NewRow row);

  @SqlUpdate("""
      UPDATE tenant_configs
         SET litellm_key_alias = :alias, litellm_key_hash = :hash, litellm_virtual_key = :key,
             litellm_synced_max_budget = :syncedMaxBudget, version = version + 1, updated_at = :now
       WHERE tenant_id = :tenantId""")
  int replaceKey(String tenantId, String alias, String hash, String key, BigDecimal syncedMaxBudget, Instant now);

  @SqlQuery("SELECT EXISTS (SELECT 1 FROM tenant_configs WHERE tenant_id = :tenantId)")
  boolean exists(String tenantId);

  @SqlQuery("SELECT * FROM tenant_configs WHERE tenant_id = :tenantId")
  Optional<Tenant> find(String tenantId);

  @SqlQuery("SELECT * FROM tenant_configs WHERE litellm_key_alias = :alias")
  Optional<Tenant> findByKeyAlias(String alias);

  @SqlQuery("SELECT * FROM tenant_configs WHERE litellm_key_hash = :hash")
  Optional<Tenant> findByKeyHash(String hash);

  /** A tenant's virtual key as the row holds it (sealed, or plaintext from before encryption). */
  record StoredKey(String tenantId, String stored) {}

  /** Keys after {@code after}, in tenant order (the secrets command's batches). */
  @SqlQuery("""
      SELECT tenant_id, litellm_virtual_key AS stored FROM tenant_configs
       WHERE tenant_id > :after ORDER BY tenant_id LIMIT :limit""")
  @RegisterConstructorMapper(StoredKey.class)
  List<StoredKey> storedKeys(String after, int limit);

  /** Replaces a stored key with its new form, unless the row changed since it was read. */
  @SqlUpdate("""
      UPDATE tenant_configs SET litellm_virtual_key = :sealed
       WHERE tenant_id = :tenantId AND litellm_virtual_key = :stored""")
  int restoreKey(String tenantId, String stored, String sealed);

  /** How many keys are stored under each key id ({@code ""}: plaintext), with one tenant of each. */
  record KeysUnder(String keyId, long keys, String sampleTenant) {}

  @SqlQuery("""
      SELECT CASE WHEN litellm_virtual_key LIKE 'v1:%' THEN split_part(litellm_virtual_key, ':', 2) ELSE '' END AS key_id,
             count(*) AS keys, min(tenant_id) AS sample_tenant
        FROM tenant_configs GROUP BY 1 ORDER BY 1""")
  @RegisterConstructorMapper(KeysUnder.class)
  List<KeysUnder> keysByKeyId();

  @SqlQuery("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = :tenantId")
  Optional<String> storedKey(String tenantId);

  @SqlQuery("""
      SELECT * FROM tenant_configs
       WHERE tenant_id > COALESCE(:after, '')
       ORDER BY tenant_id
       LIMIT :limit
      """)
  List<Tenant> page(String after, int limit);
}
