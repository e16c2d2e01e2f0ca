package io.budgetgate.dashboard;

import io.budgetgate.platform.Hmac;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.auth.TokenRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Issues and checks the dashboard's signed session cookies. A cookie names the caller, its role,
 * its expiry, a random session id and a fingerprint of the token used to sign in (an HMAC of the
 * token's digest, never the token); it is valid only while that same token is still configured
 * for that caller, so rotating or removing a token ends its sessions.
 */
final class DashboardSessions {
  static final String COOKIE = "bg_session";
  private static final String VERSION = "v1";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] secret;
  private final TokenRegistry tokens;
  private final Duration ttl;
  private final SecureRandom random = new SecureRandom();

  DashboardSessions(byte[] secret, TokenRegistry tokens, Duration ttl) {
    if (secret.length < DashboardConfig.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the session secret needs at least " + DashboardConfig.MIN_SECRET_BYTES + " bytes");
    }
    this.secret = secret.clone();
    this.tokens = tokens;
    this.ttl = ttl;
  }

  /**
   * A signed-in operator: who, until when, the form token their pages carry, and the session's id
   * for a sign-out record (an HMAC of the cookie's random part: neither the cookie nor usable to
   * make one).
   */
  record Session(Caller caller, Instant expiresAt, String csrfToken, String id) {
    boolean may(Role role) {
      return caller.role().includes(role);
    }
  }

  Duration ttl() {
    return ttl;
  }

  /** The session for a presented bearer token, if it is a configured one. */
  Optional<String> signIn(String token, Instant now) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String presented = token.strip();
    return tokens.authenticate(presented).map(caller -> {
      byte[] nonce = new byte[16];
      random.nextBytes(nonce);
      String body = String.join(".", VERSION, B64.encodeToString(caller.name().getBytes(StandardCharsets.UTF_8)),
          caller.role().wireName(), Long.toString(now.plus(ttl).getEpochSecond()), B64.encodeToString(nonce),
          fingerprint(HexFormat.of().parseHex(TokenRegistry.sha256Hex(presented))));
      return body + "." + sign(body);
    });
  }

  /** The session a cookie carries, if it is intact, unexpired and its token is still configured. */
  Optional<Session> verify(String cookie, Instant now) {
    if (cookie == null || cookie.length() > 1024) {
      return Optional.empty();
    }
    String[] parts = cookie.split("\\.", -1);
    if (parts.length != 7 || !VERSION.equals(parts[0])) {
      return Optional.empty();
    }
    String body = cookie.substring(0, cookie.lastIndexOf('.'));
    if (!MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII), parts[6].getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try {
      Caller caller = new Caller(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8), roleOf(parts[2]));
      Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
      if (!now.isBefore(expiresAt) || !stillConfigured(caller, parts[5])) {
        return Optional.empty();
      }
      return Optional.of(new Session(caller, expiresAt, sign("csrf." + parts[4]), sign("session." + parts[4])));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // signed by us but unreadable: an older format
    }
  }

  /** Whether a submitted form token belongs to this session (constant time). */
  static boolean formTokenMatches(Session session, String submitted) {
    return submitted != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
        submitted.getBytes(StandardCharsets.US_ASCII));
  }

  private boolean stillConfigured(Caller caller, String fingerprint) {
    List<byte[]> digests = tokens.digestsOf(caller);
    boolean found = false;
    for (byte[] digest : digests) {
      found |= MessageDigest.isEqual(fingerprint(digest).getBytes(StandardCharsets.US_ASCII),
          fingerprint.getBytes(StandardCharsets.US_ASCII));
    }
    return found;
  }

  private static Role roleOf(String wire) {
    for (Role role : Role.values()) {
      if (role.wireName().equals(wire)) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role " + wire);
  }

  private String fingerprint(byte[] tokenDigest) {
    byte[] mac = Hmac.sha256(secret, "token.".getBytes(StandardCharsets.US_ASCII), tokenDigest);
    return B64.encodeToString(Arrays.copyOf(mac, 12));
  }

  private String sign(String text) {
    return B64.encodeToString(Hmac.sha256(secret, text.getBytes(StandardCharsets.UTF_8)));
  }
}
