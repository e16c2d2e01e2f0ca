package io.budgetgate.platform.auth;

import java.security.Principal;

/**
 * The authenticated holder of a bearer token.
 *
 * @param name the token's configured name; recorded as the actor in the audit log
 * @param role what the token may do
 */
public record Caller(String name, Role role) implements Principal {

  /** The actor for work the service starts by itself (jobs, webhooks). */
  public static Caller system(String name) {
    return new Caller(name, Role.ADMIN);
  }

  @Override
  public String getName() {
    return name;
  }
}
