package io.budgetgate.litellm;

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

  /** The raw key, for the one place that must hand it out or send it to LiteLLM. */
  public String reveal() {
    return value;
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
