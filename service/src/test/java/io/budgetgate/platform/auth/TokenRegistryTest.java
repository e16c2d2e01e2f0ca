package io.budgetgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
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
    assertThat(registry.hasDigest("")).as("an empty digest matches no entry, not even the switched-off one").isFalse();
    assertThat(registry.digestsOf(new Caller("unused", Role.VIEWER))).isEmpty();
  }

  @Test
  void aConfiguredDigestIsKnownWhateverCaseItWasWrittenIn() {
    assertThat(registry.hasDigest(TokenRegistry.sha256Hex("admin-secret"))).as("configured in upper case").isTrue();
    assertThat(registry.hasDigest(TokenRegistry.sha256Hex("platform-secret"))).isTrue();
    assertThat(registry.hasDigest(TokenRegistry.sha256Hex("viewer-secret"))).isFalse();
  }

  @Test
  void theDigestsOfACallerAreThoseOfExactlyThatNameAndRoleAndCopies() {
    List<byte[]> ops = registry.digestsOf(new Caller("ops", Role.ADMIN));

    assertThat(ops).hasSize(1);
    assertThat(ops.get(0)).isEqualTo(HexFormat.of().parseHex(TokenRegistry.sha256Hex("admin-secret")));
    assertThat(registry.digestsOf(new Caller("ops", Role.VIEWER))).as("its role changed: the session ends").isEmpty();
    assertThat(registry.digestsOf(new Caller("nobody", Role.ADMIN))).isEmpty();
    ops.get(0)[0] ^= 1;
    assertThat(registry.authenticate("admin-secret")).as("changing a returned digest changes nothing inside")
        .contains(new Caller("ops", Role.ADMIN));
  }

  @Test
  void whenTwoEntriesHoldTheSameTokenTheFirstOneNamesTheCaller() {
    TokenRegistry twice = new TokenRegistry(new AuthConfig(List.of(
        new AuthConfig.TokenConfig("first", TokenRegistry.sha256Hex("shared"), Role.VIEWER),
        new AuthConfig.TokenConfig("second", TokenRegistry.sha256Hex("shared"), Role.ADMIN))));

    assertThat(twice.authenticate("shared")).contains(new Caller("first", Role.VIEWER));
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
