package io.budgetgate.platform;

import java.util.regex.Pattern;

/**
 * Removes secrets from text that came from elsewhere (LiteLLM error messages, exception text)
 * before it reaches a log line or a response.
 */
public final class Redaction {
  private static final Pattern VIRTUAL_KEY = Pattern.compile("sk-[A-Za-z0-9_\\-]{4,}");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");

  private Redaction() {}

  /** The text with every {@code sk-...} key and bearer credential replaced by a mask. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String noKeys = VIRTUAL_KEY.matcher(text).replaceAll("sk-****");
    return BEARER.matcher(noKeys).replaceAll("$1****");
  }
}
