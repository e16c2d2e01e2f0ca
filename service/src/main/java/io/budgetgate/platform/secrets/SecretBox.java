package io.budgetgate.platform.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a secret for storage with AES-256-GCM under a key-encryption key, and opens it again. A
 * sealed value is {@code v1:<key id>:<nonce>:<ciphertext and tag>} (nonce and ciphertext in
 * base64, the nonce 12 random bytes). The associated data is the value's header and its owner
 * ({@code v1:<key id>:<owner>}), so a value copied to another owner's row, or given another key
 * id, does not open. Keys come from {@link #parse}: the first seals, every one opens.
 */
public final class SecretBox {
  /** What every sealed value starts with. */
  public static final String PREFIX = "v1:";

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKey> keys;
  private final List<String> ids;
  private final String currentId;
  private final SecureRandom random = new SecureRandom();

  private SecretBox(Map<String, SecretKey> keys) {
    this.keys = Map.copyOf(keys);
    this.ids = List.copyOf(keys.keySet()); // in the configured order: the first seals
    this.currentId = ids.get(0);
  }

  /**
   * The keys of {@code KEY_ENCRYPTION_KEYS}: one or more {@code id:base64}, separated by commas,
   * each 32 bytes once decoded. Throws naming what is wrong (never a key's value).
   */
  public static SecretBox parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no key-encryption key: set KEY_ENCRYPTION_KEYS to one or more id:base64-32-bytes"
          + " (e.g. k1:$(openssl rand -base64 32))");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      String item = entry.strip();
      int colon = item.indexOf(':');
      String id = colon < 0 ? "" : item.substring(0, colon);
      if (!KEY_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("a key-encryption key is not id:base64 with an id of 1-32 letters, digits, '_' or '-'"
            + " (entry " + (keys.size() + 1) + ")");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(item.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key-encryption key '" + id + "' is not valid base64");
      }
      if (bytes.length != 32) {
        throw new IllegalArgumentException("key-encryption key '" + id + "' is " + bytes.length
            + " bytes; AES-256 needs exactly 32 (openssl rand -base64 32)");
      }
      if (keys.putIfAbsent(id, new SecretKeySpec(bytes, "AES")) != null) {
        throw new IllegalArgumentException("key-encryption key id '" + id + "' is given twice");
      }
    }
    return new SecretBox(keys);
  }

  /** The id of the key new values are sealed with. */
  public String currentKeyId() {
    return currentId;
  }

  /** Every key id this box can open, the current one first. */
  public List<String> keyIds() {
    return ids;
  }

  /** Whether {@code stored} is a sealed value (of any key), as opposed to a plaintext one. */
  public static boolean isSealed(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  /** The key id a sealed value names, if it is one. */
  public static Optional<String> keyIdOf(String stored) {
    if (!isSealed(stored)) {
      return Optional.empty();
    }
    int end = stored.indexOf(':', PREFIX.length());
    return end < 0 ? Optional.empty() : Optional.of(stored.substring(PREFIX.length(), end));
  }

  /** {@code secret} sealed for {@code owner} under the current key. */
  public String seal(String owner, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(currentId, owner));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      Base64.Encoder b64 = Base64.getEncoder();
      return PREFIX + currentId + ":" + b64.encodeToString(nonce) + ":" + b64.encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot do AES-256-GCM", e);
    }
  }

  /** The secret {@code stored} holds for {@code owner}; {@link Unreadable} when it is not one this box can open. */
  public String open(String owner, String stored) {
    if (!isSealed(stored)) {
      throw new Unreadable("is not sealed (plaintext left from before encryption: run 'secrets encrypt-keys')");
    }
    String[] parts = stored.split(":", -1);
    if (parts.length != 4) {
      throw new Unreadable("is not v1:<key id>:<nonce>:<ciphertext>");
    }
    SecretKey key = keys.get(parts[1]);
    if (key == null) {
      throw new Unreadable("is sealed under key id '" + parts[1] + "', which KEY_ENCRYPTION_KEYS does not hold");
    }
    try {
      Base64.Decoder b64 = Base64.getDecoder();
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, b64.decode(parts[2])));
      cipher.updateAAD(associatedData(parts[1], owner));
      return new String(cipher.doFinal(b64.decode(parts[3])), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // a wrong key, a tampered value or one sealed for another owner: GCM cannot tell them apart
      throw new Unreadable("does not open with key '" + parts[1] + "' for this row (a wrong key, or a value"
          + " altered or copied from another row)");
    }
  }

  /** {@code stored} sealed under the current key, opened first if it is sealed under another (rotation). */
  public String reseal(String owner, String stored) {
    return seal(owner, isSealed(stored) ? open(owner, stored) : stored);
  }

  private static byte[] associatedData(String keyId, String owner) {
    return (PREFIX + keyId + ":" + owner).getBytes(StandardCharsets.UTF_8);
  }

  /** A stored value this box cannot open; the message says why and never holds key material. */
  public static final class Unreadable extends RuntimeException {
    Unreadable(String why) {
      super(why);
    }
  }
}
