package io.budgetgate.testing;

/** The bearer tokens test-app.yml configures (by their SHA-256). */
public final class TestTokens {
  public static final String ADMIN = "test-admin-token";
  public static final String PLATFORM = "test-platform-token";
  public static final String VIEWER = "test-viewer-token";
  public static final String LITELLM_MASTER_KEY = "sk-test-master";

  private TestTokens() {}
}
