package io.budgetgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What JAX-RS code asking the request's SecurityContext learns about a bearer-token caller. */
class CallerContextTest {
  @Test
  void aCallerIsInItsOwnRoleAndEveryRoleBelowItOnly() {
    var platform = new BearerAuthFeature.CallerContext(new Caller("agents", Role.PLATFORM), false);

    assertThat(platform.isUserInRole("viewer")).isTrue();
    assertThat(platform.isUserInRole("platform")).isTrue();
    assertThat(platform.isUserInRole("admin")).isFalse();
    assertThat(platform.getUserPrincipal().getName()).isEqualTo("agents");
    assertThat(platform.getAuthenticationScheme()).isEqualTo("Bearer");
  }

  @Test
  void itIsSecureExactlyWhenTheConnectionWas() {
    assertThat(new BearerAuthFeature.CallerContext(new Caller("ops", Role.ADMIN), true).isSecure()).isTrue();
    assertThat(new BearerAuthFeature.CallerContext(new Caller("ops", Role.ADMIN), false).isSecure()).isFalse();
  }
}
