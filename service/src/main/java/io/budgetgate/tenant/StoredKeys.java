package io.budgetgate.tenant;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.VirtualKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's stored virtual key at once: whether the service can use them (checked before it
 * starts), and sealing or re-sealing them all (the {@code secrets} command). Batches of
 * {@value #BATCH} rows, each in its own transaction, so a pass that stops half-way keeps what it
 * did and the next one carries on; a row changed meanwhile (a key re-provisioned) is left as it is.
 */
public final class StoredKeys {
  static final int BATCH = 100;
  static final String ACTOR = "secrets-command";
  private static final Logger LOG = LoggerFactory.getLogger(StoredKeys.class);

  private final Jdbi jdbi;
  private final VirtualKeys keys;
  private final AuditLog audit;

  public StoredKeys(Jdbi jdbi, VirtualKeys keys, AuditLog audit) {
    this.jdbi = jdbi;
    this.keys = keys;
    this.audit = audit;
  }

  /**
   * What a pass did: keys sealed now, keys that needed nothing, and keys whose row changed between
   * reading and writing (left for the next pass).
   */
  public record Pass(int sealed, int untouched, int changedMeanwhile) {}

  /**
   * Refuses to let the service start (an {@link IllegalStateException} that names the fix) while a
   * key is stored in plain text, sealed under a key id the configuration does not hold, or does not
   * open with the configured key of its id (one key of each id is tried).
   */
  public void requireUsable() {
    List<TenantDao.KeysUnder> under = jdbi.withExtension(TenantDao.class, TenantDao::keysByKeyId);
    for (TenantDao.KeysUnder group : under) {
      if (group.keyId().isEmpty()) {
        throw new IllegalStateException(group.keys() + " tenant(s) have their LiteLLM key stored in plain text; seal them"
            + " first: java -jar budgetgate.jar secrets encrypt-keys <config.yml> (ops-runbook/secrets.md)");
      }
      if (!keys.keyIds().contains(group.keyId())) {
        throw new IllegalStateException(group.keys() + " tenant key(s) are sealed under key id '" + group.keyId()
            + "', which KEY_ENCRYPTION_KEYS does not hold (it holds " + keys.keyIds() + "): list that key after the"
            + " current one until 'secrets rotate' has run (ops-runbook/secrets.md)");
      }
      Optional<String> sample = jdbi.withExtension(TenantDao.class, dao -> dao.storedKey(group.sampleTenant()));
      try {
        sample.ifPresent(stored -> keys.open(group.sampleTenant(), stored));
      } catch (VirtualKeys.UnreadableKeyException e) {
        throw new IllegalStateException("the key-encryption key '" + group.keyId() + "' does not open the tenant keys"
            + " sealed under that id (tried tenant '" + group.sampleTenant() + "'): KEY_ENCRYPTION_KEYS holds another"
            + " key under that id than the one they were sealed with (ops-runbook/secrets.md)");
      }
    }
    Map<String, Long> counts = under.stream().collect(Collectors.toMap(TenantDao.KeysUnder::keyId,
        TenantDao.KeysUnder::keys, Long::sum, LinkedHashMap::new));
    LOG.info("tenant keys sealed, by key id: {} (new keys: '{}')", counts, keys.currentKeyId());
    counts.keySet().stream().filter(id -> !id.equals(keys.currentKeyId())).forEach(id -> LOG.warn(
        "{} tenant key(s) are still sealed under the older key id '{}'; 'secrets rotate' re-seals them under '{}'",
        counts.get(id), id, keys.currentKeyId()));
  }

  /** Seals every key stored in plain text under the current key. */
  public Pass encryptPlaintext() {
    return pass("encrypt-keys", stored -> !VirtualKeys.isSealed(stored));
  }

  /** Re-seals under the current key every key that is not (plaintext ones too). */
  public Pass rotate() {
    return pass("rotate", stored -> !VirtualKeys.keyIdOf(stored).orElse("").equals(keys.currentKeyId()));
  }

  private Pass pass(String action, Predicate<String> needsSealing) {
    int[] counts = new int[3];
    String after = "";
    while (true) {
      String from = after;
      List<TenantDao.StoredKey> batch = jdbi.withExtension(TenantDao.class, dao -> dao.storedKeys(from, BATCH));
      if (batch.isEmpty()) {
        break;
      }
      int[] done = new int[3];
      jdbi.useTransaction(handle -> {
        TenantDao dao = handle.attach(TenantDao.class);
        for (TenantDao.StoredKey row : batch) {
          if (!needsSealing.test(row.stored())) {
            done[1]++;
          } else if (dao.restoreKey(row.tenantId(), row.stored(), keys.reseal(row.tenantId(), row.stored())) == 1) {
            done[0]++;
          } else {
            done[2]++;
          }
        }
        if (done[0] > 0) {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("command", "secrets " + action);
          details.put("keys_sealed", done[0]);
          details.put("key_id", keys.currentKeyId());
          details.put("from_tenant", batch.get(0).tenantId());
          details.put("to_tenant", batch.get(batch.size() - 1).tenantId());
          audit.record(handle, ACTOR, "secrets.keys_sealed", null, details);
        }
      });
      for (int i = 0; i < 3; i++) {
        counts[i] += done[i];
      }
      after = batch.get(batch.size() - 1).tenantId();
    }
    return new Pass(counts[0], counts[1], counts[2]);
  }
}
