package io.budgetgate.litellm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A tenant's LiteLLM virtual key ({@code sk-...}). A secret: {@link #toString()} masks it, so
 * it cannot reach a log line by accident; only {@link #reveal()} gives the value.
 */
public final class VirtualKey {
  private final String value;

  public VirtualKey(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The raw key, for the one place that must hand it out (llm-access's 200). */
  public String reveal() {
    return value;
  }

  /**
   * LiteLLM's name for the key: the SHA-256 hex of the raw value ({@code hash_token}), which every
   * LiteLLM endpoint taking a key accepts in its place ({@code _hash_token_if_needed}). BudgetGate
   * addresses keys by it, so the raw key never lands in LiteLLM's or a proxy's access log.
   */
  public String hash() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** LiteLLM's own display form: {@code sk-...} and the last four characters. */
  public String masked() {
    return value.length() <= 8 ? "sk-..." : "sk-..." + value.substring(value.length() - 4);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualKey other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return masked();
  }
}
