package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.platform.auth.AuthConfig;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.auth.TokenRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardSessionsTest {
  static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final TokenRegistry TOKENS = registry("ops-admin", "admin-secret-token", Role.ADMIN, "ops-viewer",
      "viewer-secret-token", Role.VIEWER);
  final DashboardSessions sessions = new DashboardSessions(SECRET, TOKENS, Duration.ofHours(8));

  @Test
  void aConfiguredTokenSignsInAsItsNameAndRole() {
    String cookie = sessions.signIn(" admin-secret-token ", NOW).orElseThrow();

    DashboardSessions.Session session = sessions.verify(cookie, NOW.plusSeconds(60)).orElseThrow();
    assertThat(session.caller().name()).isEqualTo("ops-admin");
    assertThat(session.caller().role()).isEqualTo(Role.ADMIN);
    assertThat(session.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(8)));
  }

  @Test
  void eachSessionHasItsOwnIdWhichTheCookieDoesNotContain() {
    String first = sessions.signIn("admin-secret-token", NOW).orElseThrow();
    String second = sessions.signIn("admin-secret-token", NOW).orElseThrow();

    String id = sessions.verify(first, NOW).orElseThrow().id();
    assertThat(sessions.verify(first, NOW.plusSeconds(5)).orElseThrow().id()).isEqualTo(id);
    assertThat(sessions.verify(second, NOW).orElseThrow().id()).isNotEqualTo(id);
    assertThat(first).doesNotContain(id);
    assertThat(id).hasSizeLessThanOrEqualTo(64);
  }

  @Test
  void theCookieHoldsNeitherTheTokenNorItsDigest() {
    String cookie = sessions.signIn("admin-secret-token", NOW).orElseThrow();

    assertThat(cookie).doesNotContain("admin-secret-token")
        .doesNotContain(TokenRegistry.sha256Hex("admin-secret-token"));
  }

  @Test
  void unknownOrBlankTokensDoNotSignIn() {
    assertThat(sessions.signIn("guess", NOW)).isEmpty();
    assertThat(sessions.signIn("", NOW)).isEmpty();
    assertThat(sessions.signIn(null, NOW)).isEmpty();
  }

  @Test
  void aSessionEndsExactlyAtItsExpiry() {
    String cookie = sessions.signIn("viewer-secret-token", NOW).orElseThrow();

    assertThat(sessions.verify(cookie, NOW.plus(Duration.ofHours(8)).minusSeconds(1))).isPresent();
    assertThat(sessions.verify(cookie, NOW.plus(Duration.ofHours(8)))).isEmpty();
  }

  @Test
  void anyChangedCharacterInvalidatesTheCookie() {
    String cookie = sessions.signIn("viewer-secret-token", NOW).orElseThrow();
    String promoted = cookie.replace(".viewer.", ".admin.");
    char[] flipped = cookie.toCharArray();
    flipped[cookie.length() - 3] = flipped[cookie.length() - 3] == 'A' ? 'B' : 'A';

    assertThat(sessions.verify(promoted, NOW)).isEmpty();
    assertThat(sessions.verify(new String(flipped), NOW)).isEmpty();
    assertThat(sessions.verify("v1.garbage", NOW)).isEmpty();
    assertThat(sessions.verify(null, NOW)).isEmpty();
    assertThat(sessions.verify("x".repeat(5000), NOW)).isEmpty();
  }

  @Test
  void anotherInstancesSecretDoesNotAcceptTheCookie() {
    byte[] other = Arrays.copyOf(SECRET, SECRET.length);
    other[0] ^= 1;
    String cookie = sessions.signIn("admin-secret-token", NOW).orElseThrow();

    assertThat(new DashboardSessions(other, TOKENS, Duration.ofHours(8)).verify(cookie, NOW)).isEmpty();
  }

  @Test
  void rotatingOrRemovingTheTokenEndsItsSessions() {
    String cookie = sessions.signIn("admin-secret-token", NOW).orElseThrow();
    TokenRegistry rotated = registry("ops-admin", "new-admin-token", Role.ADMIN, "ops-viewer", "viewer-secret-token",
        Role.VIEWER);
    TokenRegistry demoted = registry("ops-admin", "admin-secret-token", Role.VIEWER, "ops-viewer",
        "viewer-secret-token", Role.VIEWER);

    assertThat(new DashboardSessions(SECRET, rotated, Duration.ofHours(8)).verify(cookie, NOW)).isEmpty();
    assertThat(new DashboardSessions(SECRET, demoted, Duration.ofHours(8)).verify(cookie, NOW)).isEmpty();
    assertThat(new DashboardSessions(SECRET, TOKENS, Duration.ofHours(8)).verify(cookie, NOW)).isPresent();
  }

  @Test
  void theFormTokenIsFixedPerSessionAndDiffersBetweenSessions() {
    DashboardSessions.Session first = sessions.verify(sessions.signIn("admin-secret-token", NOW).orElseThrow(), NOW)
        .orElseThrow();
    DashboardSessions.Session second = sessions.verify(sessions.signIn("admin-secret-token", NOW).orElseThrow(), NOW)
        .orElseThrow();

    assertThat(DashboardSessions.formTokenMatches(first, first.csrfToken())).isTrue();
    assertThat(DashboardSessions.formTokenMatches(first, second.csrfToken())).isFalse();
    assertThat(DashboardSessions.formTokenMatches(first, null)).isFalse();
    assertThat(DashboardSessions.formTokenMatches(first, "")).isFalse();
  }

  @Test
  void onlyDashboardPathsAreFollowedAfterSignIn() {
    assertThat(DashboardGate.safeNext("/dashboard/tenants/acme")).isEqualTo("/dashboard/tenants/acme");
    assertThat(DashboardGate.safeNext("/dashboard?state=blocked&sort=tenant&page=2"))
        .isEqualTo("/dashboard?state=blocked&sort=tenant&page=2");
    assertThat(DashboardGate.safeNext("https://evil.example/dashboard")).isEqualTo("/dashboard");
    assertThat(DashboardGate.safeNext("//evil.example/dashboard")).isEqualTo("/dashboard");
    assertThat(DashboardGate.safeNext("/dashboardx")).isEqualTo("/dashboard");
    assertThat(DashboardGate.safeNext(null)).isEqualTo("/dashboard");
  }

  private static TokenRegistry registry(String name1, String token1, Role role1, String name2, String token2, Role role2) {
    return new TokenRegistry(new AuthConfig(List.of(
        new AuthConfig.TokenConfig(name1, TokenRegistry.sha256Hex(token1), role1),
        new AuthConfig.TokenConfig(name2, TokenRegistry.sha256Hex(token2), role2))));
  }
}
