package io.budgetgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenRegistryTest {
  private final TokenRegistry registry = new TokenRegistry(new AuthConfig(List.of(
      new AuthConfig.TokenConfig("ops", TokenRegistry.sha256Hex("admin-secret").toUpperCase(), Role.ADMIN),
      new AuthConfig.TokenConfig("agents", TokenRegistry.sha256Hex("platform-secret"), Role.PLATFORM),
      new AuthConfig.TokenConfig("unused", "", Role.VIEWER))));

  @Test
  void aKnownTokenResolvesToItsNameAndRole() {
    assertThat(registry.authenticate("admin-secret")).contains(new Caller("ops", Role.ADMIN));
    assertThat(registry.authenticate("platform-secret")).contains(new Caller("agents", Role.PLATFORM));
  }

  @Test
  void unknownAndEmptyTokensResolveToNobody() {
    assertThat(registry.authenticate("admin-secre")).isEmpty();
    assertThat(registry.authenticate("")).isEmpty();
  }

  @Test
  void anEntryWithAnEmptyDigestIsSwitchedOff() {
    assertThat(registry.hasDigest(TokenRegistry.sha256Hex(""))).isFalse();
  }

  @Test
  void sha256HexMatchesTheWellKnownDigest() {
    assertThat(TokenRegistry.sha256Hex("local-admin-token"))
        .isEqualTo("bc32a9a66697ce5242e5517f4a801fa2a3dccf9960459f666fec8a166289401e");
  }

  @Test
  void eachRoleIncludesTheOnesBelowIt() {
    assertThat(Role.ADMIN.includes(Role.PLATFORM)).isTrue();
    assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
    assertThat(Role.PLATFORM.includes(Role.VIEWER)).isTrue();
    assertThat(Role.PLATFORM.includes(Role.ADMIN)).isFalse();
    assertThat(Role.VIEWER.includes(Role.PLATFORM)).isFalse();
    assertThat(Role.VIEWER.includes(Role.VIEWER)).isTrue();
  }
}
