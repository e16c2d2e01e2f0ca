package io.budgetgate.litellm;

import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.secrets.SecretBox;
import java.util.List;
import java.util.Optional;

/**
 * How a tenant's virtual key is stored: sealed with {@link SecretBox} under the key-encryption
 * key, with the tenant id bound to it, so a database dump or a value copied to another row hands
 * out no key. Only rows read through here become a {@link VirtualKey}.
 */
public final class VirtualKeys {
  private final SecretBox box;

  public VirtualKeys(SecretBox box) {
    this.box = box;
  }

  /** The stored form of the tenant's key. */
  public String seal(String tenantId, VirtualKey key) {
    return box.seal(tenantId, key.reveal());
  }

  /** The tenant's key from its stored form; {@link UnreadableKeyException} when it does not open. */
  public VirtualKey open(String tenantId, String stored) {
    try {
      return new VirtualKey(box.open(tenantId, stored));
    } catch (SecretBox.Unreadable e) {
      throw new UnreadableKeyException(tenantId, e.getMessage());
    }
  }

  /** The id of the key-encryption key new values are sealed with. */
  public String currentKeyId() {
    return box.currentKeyId();
  }

  /** Every key id the configured keys can open. */
  public List<String> keyIds() {
    return box.keyIds();
  }

  /** Whether a stored value is sealed (rather than plaintext left from before encryption). */
  public static boolean isSealed(String stored) {
    return SecretBox.isSealed(stored);
  }

  /** The key id a stored value is sealed under, if it is sealed. */
  public static Optional<String> keyIdOf(String stored) {
    return SecretBox.keyIdOf(stored);
  }

  /** The stored value sealed under the current key (opened first when it is sealed under another). */
  public String reseal(String tenantId, String stored) {
    try {
      return box.reseal(tenantId, stored);
    } catch (SecretBox.Unreadable e) {
      throw new UnreadableKeyException(tenantId, e.getMessage());
    }
  }

  /** A stored virtual key that does not open: tampered, copied from another row, or the wrong key. */
  public static final class UnreadableKeyException extends ServiceException {
    private static final long serialVersionUID = 1L;
    private final String tenantId;

    UnreadableKeyException(String tenantId, String why) {
      super(Kind.INTERNAL, "stored_key_unreadable", "the stored LiteLLM key of tenant '" + tenantId + "' " + why
          + "; ops-runbook/secrets.md says what to do", null, null);
      this.tenantId = tenantId;
    }

    public String tenantId() {
      return tenantId;
    }
  }
}
