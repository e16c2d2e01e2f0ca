package io.budgetgate.platform.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * The bearer tokens this service accepts, each by the SHA-256 hex digest of the token.
 *
 * @param tokens configured tokens; an entry with an empty digest is switched off
 */
public record AuthConfig(@JsonProperty("tokens") @Valid @NotNull List<TokenConfig> tokens) {

  public AuthConfig {
    tokens = List.copyOf(tokens);
  }

  /**
   * One configured token.
   *
   * @param name who holds it; becomes the audit actor
   * @param sha256 lowercase hex SHA-256 of the token, or empty to disable this entry
   * @param role what it may do
   */
  public record TokenConfig(
      @JsonProperty("name") @NotBlank String name,
      @JsonProperty("sha256") @NotNull @Pattern(regexp = "^$|^[0-9a-fA-F]{64}$", message = "must be empty or 64 hex digits") String sha256,
      @JsonProperty("role") @NotNull Role role) {}
}
