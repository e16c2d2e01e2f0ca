package io.budgetgate.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tests' key-encryption key and the stored-key format, written from docs/security.md rather
 * than with the service's code: {@code v1:<key id>:<base64 12-byte nonce>:<base64 AES-256-GCM
 * ciphertext and 16-byte tag>}, associated data {@code v1:<key id>:<tenant id>}. Tests that put a
 * tenant row in with SQL seal its key here; tests that check a row read it back here.
 */
public final class TestKeys {
  /** The id of the tests' key. */
  public static final String KEY_ID = "test";
  /** {@code KEY_ENCRYPTION_KEYS} as test-app.yml and the tests' processes have it. */
  public static final String KEY_ENCRYPTION_KEYS = KEY_ID + ":YnVkZ2V0Z2F0ZS10ZXN0cy1vbmx5LWtleS0wMDAwMDE=";
  /** A second key, for rotation tests: {@code rotated:<32 bytes>}. */
  public static final String ROTATED_KEY = "rotated:cm90YXRlZC10ZXN0LWtleS1vZi1idWRnZXRnYXRlLTE=";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  /** {@code rawKey} as the service stores it for {@code tenantId}, under the tests' key. */
  public static String seal(String tenantId, String rawKey) {
    return seal(KEY_ENCRYPTION_KEYS, tenantId, rawKey);
  }

  /** The same under the key given as {@code id:base64}. */
  public static String seal(String idAndKey, String tenantId, String rawKey) {
    String id = idAndKey.substring(0, idAndKey.indexOf(':'));
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, idAndKey, nonce, id, tenantId, rawKey.getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getEncoder();
    return "v1:" + id + ":" + b64.encodeToString(nonce) + ":" + b64.encodeToString(sealed);
  }

  /** The raw key a stored value holds for {@code tenantId}, opened with the tests' key. */
  public static String open(String tenantId, String stored) {
    return open(KEY_ENCRYPTION_KEYS, tenantId, stored);
  }

  /** The same with the key given as {@code id:base64}. */
  public static String open(String idAndKey, String tenantId, String stored) {
    String[] parts = stored.split(":");
    if (parts.length != 4 || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("not a sealed key: " + stored.length() + " characters");
    }
    Base64.Decoder b64 = Base64.getDecoder();
    return new String(crypt(Cipher.DECRYPT_MODE, idAndKey, b64.decode(parts[2]), parts[1], tenantId, b64.decode(parts[3])),
        StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code insertSql} (rows of {@code tenant_configs} with plaintext keys, e.g. from
   * generate_series) and seals those keys in the same transaction, so the service never sees one
   * in plain text. Returns how many keys were sealed.
   */
  public static int insertSealed(Connection connection, String insertSql) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement();
        PreparedStatement update = connection.prepareStatement(
            "UPDATE tenant_configs SET litellm_virtual_key = ? WHERE tenant_id = ?")) {
      s.execute(insertSql);
      int sealed = 0;
      try (ResultSet rs = s.executeQuery(
          "SELECT tenant_id, litellm_virtual_key FROM tenant_configs WHERE litellm_virtual_key NOT LIKE 'v1:%'")) {
        while (rs.next()) {
          update.setString(1, seal(rs.getString(1), rs.getString(2)));
          update.setString(2, rs.getString(1));
          update.addBatch();
          sealed++;
        }
      }
      update.executeBatch();
      connection.commit();
      return sealed;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static byte[] crypt(int mode, String idAndKey, byte[] nonce, String id, String tenantId, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      byte[] key = Base64.getDecoder().decode(idAndKey.substring(idAndKey.indexOf(':') + 1));
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(("v1:" + id + ":" + tenantId).getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("does not " + (mode == Cipher.ENCRYPT_MODE ? "seal" : "open") + ": " + e, e);
    }
  }
}
