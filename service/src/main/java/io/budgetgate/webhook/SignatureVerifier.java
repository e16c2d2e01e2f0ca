package io.budgetgate.webhook;

import io.budgetgate.platform.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Standard Webhooks (v1, HMAC-SHA256) verification: the signed content is
 * {@code {webhook-id}.{webhook-timestamp}.{raw body}}, the key is the base64-decoded part of
 * {@code whsec_...}, {@code webhook-signature} holds one or more space-separated
 * {@code v1,<base64>} entries (any one valid passes, so secrets can rotate), compared in constant
 * time; a timestamp further than the tolerance from now, either way, fails.
 */
public final class SignatureVerifier {

  /** Why a delivery was refused; {@link #VALID} when it was not. */
  public enum Outcome {
    VALID,
    MISSING_HEADER,
    MALFORMED_TIMESTAMP,
    TIMESTAMP_OUT_OF_TOLERANCE,
    NO_MATCHING_SIGNATURE
  }

  private final byte[] key;
  private final Duration tolerance;

  public SignatureVerifier(String secret, Duration tolerance) {
    if (!secret.startsWith("whsec_")) {
      throw new IllegalArgumentException("a Standard Webhooks secret starts with whsec_");
    }
    this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    this.tolerance = tolerance;
  }

  public Outcome verify(String id, String timestamp, String signatureHeader, byte[] body, Instant now) {
    if (isBlank(id) || isBlank(timestamp) || isBlank(signatureHeader)) {
      return Outcome.MISSING_HEADER;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Outcome.MALFORMED_TIMESTAMP;
    }
    if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
      return Outcome.TIMESTAMP_OUT_OF_TOLERANCE;
    }
    byte[] expected = sign(id.trim(), timestamp.trim(), body);
    boolean matched = false;
    for (String entry : signatureHeader.trim().split(" +")) {
      if (!entry.startsWith("v1,")) {
        continue; // another scheme version, or not a signature at all
      }
      byte[] presented;
      try {
        presented = Base64.getDecoder().decode(entry.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      matched |= MessageDigest.isEqual(expected, presented);
    }
    return matched ? Outcome.VALID : Outcome.NO_MATCHING_SIGNATURE;
  }

  /** The {@code v1,<base64>} signature of a delivery, as a sender (or a relay) computes it. */
  public String signatureFor(String id, String timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(sign(id, timestamp, body));
  }

  private byte[] sign(String id, String timestamp, byte[] body) {
    return Hmac.sha256(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
