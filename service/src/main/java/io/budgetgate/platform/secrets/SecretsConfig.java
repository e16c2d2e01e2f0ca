package io.budgetgate.platform.secrets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;

/**
 * How stored secrets are sealed (docs/security.md).
 *
 * @param keyEncryptionKeys {@code KEY_ENCRYPTION_KEYS}: one or more {@code id:base64-32-bytes},
 *     comma-separated; the first seals new values, every one opens (list the old key after the new
 *     one while rotating)
 */
public record SecretsConfig(@JsonProperty("keyEncryptionKeys") @NotNull String keyEncryptionKeys) {
  /**
   * The key local.yml uses: published in this repository, so it protects nothing. The service
   * refuses it outside {@code mode: local}.
   */
  public static final String DEVELOPMENT_KEY = "local:YnVkZ2V0Z2F0ZS1sb2NhbC1kZXZlbG9wbWVudC1rZXk=";

  /** The key-encryption keys, parsed; throws naming what is wrong. */
  public SecretBox box() {
    return SecretBox.parse(keyEncryptionKeys);
  }

  /** Whether the published development key is among the configured ones. */
  public boolean usesDevelopmentKey() {
    return keyEncryptionKeys != null && keyEncryptionKeys.contains(DEVELOPMENT_KEY.substring("local:".length()));
  }

  @JsonIgnore
  @ValidationMethod(message = "secrets.keyEncryptionKeys (KEY_ENCRYPTION_KEYS) must be one or more id:base64 entries, comma-separated, each "
      + "32 bytes once decoded (openssl rand -base64 32), with distinct ids of 1-32 letters, digits, '_' or '-'")
  public boolean isParseable() {
    try {
      box();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
