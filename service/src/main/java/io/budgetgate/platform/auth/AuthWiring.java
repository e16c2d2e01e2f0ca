package io.budgetgate.platform.auth;

import io.budgetgate.platform.RunMode;
import io.dropwizard.core.setup.Environment;
import java.util.List;

/** Installs bearer-token auth, refusing the well-known local tokens outside local mode. */
public final class AuthWiring {
  /** The tokens local.yml documents; anyone can read them, so production refuses them. */
  static final List<String> LOCAL_ONLY_TOKENS = List.of("local-admin-token", "local-platform-token", "local-viewer-token");

  private AuthWiring() {}

  public static TokenRegistry wire(AuthConfig config, RunMode mode, Environment environment) {
    TokenRegistry tokens = new TokenRegistry(config);
    if (mode != RunMode.LOCAL) {
      for (String local : LOCAL_ONLY_TOKENS) {
        if (tokens.hasDigest(TokenRegistry.sha256Hex(local))) {
          throw new IllegalStateException("the token '" + local + "' is for local mode only; configure a secret token's "
              + "SHA-256 (e.g. ADMIN_TOKEN_SHA256) instead");
        }
      }
    }
    environment.jersey().register(new BearerAuthFeature(tokens));
    return tokens;
  }
}
