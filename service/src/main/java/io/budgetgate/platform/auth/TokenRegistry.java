package io.budgetgate.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a presented bearer token to its {@link Caller} by comparing SHA-256 digests in
 * constant time; the tokens themselves are never held.
 */
public final class TokenRegistry {

  private record Entry(byte[] digest, Caller caller) {}

  private final List<Entry> entries;

  public TokenRegistry(AuthConfig config) {
    this.entries =
        config.tokens().stream()
            .filter(t -> !t.sha256().isEmpty())
            .map(t -> new Entry(HexFormat.of().parseHex(t.sha256().toLowerCase()), new Caller(t.name(), t.role())))
            .toList();
  }

  /** Lowercase hex SHA-256 of a token, the form in which tokens are configured. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(digest(token));
  }

  /** Whether any configured token has this digest. */
  public boolean hasDigest(String sha256Hex) {
    byte[] wanted = HexFormat.of().parseHex(sha256Hex);
    return entries.stream().anyMatch(e -> MessageDigest.isEqual(e.digest(), wanted));
  }

  /**
   * The digests of the configured tokens held by exactly this caller (name and role); empty once
   * that token is removed or its role changes, which is how dashboard sessions signed in with it end.
   */
  public List<byte[]> digestsOf(Caller caller) {
    return entries.stream().filter(e -> e.caller().equals(caller)).map(e -> e.digest().clone()).toList();
  }

  /**
   * The caller holding this token, if any. Every entry is compared (no early exit), so the time
   * taken does not say which entry matched or how much of a digest did.
   */
  public Optional<Caller> authenticate(String token) {
    byte[] presented = digest(token);
    Caller found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), presented) && found == null) {
        found = entry.caller();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
