package io.budgetgate.platform.openapi;

import io.budgetgate.platform.http.ApiError;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error answers the OpenAPI document shares between operations, one per stable {@code error}
 * code and each with an {@link ApiError} body; resource methods point at them by these names.
 */
public final class ErrorResponses {
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String INVALID_SIGNATURE = "invalid_signature";
  public static final String FORBIDDEN = "forbidden";
  public static final String UNKNOWN_TENANT = "unknown_tenant";
  public static final String UNKNOWN_OVERRIDE = "unknown_override";
  public static final String UNKNOWN_RESERVATION = "unknown_reservation";
  public static final String TENANT_EXISTS = "tenant_exists";
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
  public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
  public static final String VALIDATION_FAILED = "validation_failed";
  public static final String LITELLM_REJECTED = "litellm_rejected";
  public static final String LITELLM_UNAVAILABLE = "litellm_unavailable";
  public static final String LITELLM_KEY_MISSING = "litellm_key_missing";

  /** Name of the shared error body schema. */
  static final String ERROR_SCHEMA = ApiError.class.getSimpleName();

  private static final Map<String, String> DESCRIPTIONS = descriptions();

  private ErrorResponses() {}

  /** Adds every shared error response to the components, each referring to the error schema. */
  static void addTo(Components components) {
    DESCRIPTIONS.forEach((name, description) -> components.addResponses(name, new ApiResponse()
        .description(description)
        .content(new Content().addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON,
            new MediaType().schema(new Schema<>().$ref(ERROR_SCHEMA))))));
  }

  private static Map<String, String> descriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(MALFORMED_JSON, "`malformed_json`: the body is not valid JSON");
    d.put(UNAUTHORIZED, "`unauthorized`: no bearer token, or one the service does not know");
    d.put(INVALID_SIGNATURE, "`invalid_signature`: missing or wrong signature headers, a timestamp more than "
        + "5 minutes off, or an unknown path token; nothing is stored");
    d.put(FORBIDDEN, "`forbidden`: the token's role does not include the one this call needs");
    d.put(UNKNOWN_TENANT, "`unknown_tenant`: no such tenant (for signed webhooks: no tenant has the key's token or key_alias)");
    d.put(UNKNOWN_OVERRIDE, "`unknown_override`: no override with this id for the tenant");
    d.put(UNKNOWN_RESERVATION, "`unknown_reservation` (or `unknown_tenant`): no reservation with this id for the tenant");
    d.put(TENANT_EXISTS, "`tenant_exists`: a tenant with this tenant_id already exists");
    d.put(PAYLOAD_TOO_LARGE, "`payload_too_large`: the body is over 64 KiB");
    d.put(UNSUPPORTED_MEDIA_TYPE, "`unsupported_media_type`: the body is not sent as application/json");
    d.put(VALIDATION_FAILED, "`validation_failed`: `details.fields` names every invalid field with what is allowed");
    d.put(LITELLM_REJECTED, "`litellm_rejected`: LiteLLM refused the key request; nothing is left behind");
    d.put(LITELLM_KEY_MISSING, "`litellm_key_missing`: LiteLLM says the tenant's key does not exist (deleted outside "
        + "BudgetGate); nothing changed and calls are refused until an operator re-provisions the key "
        + "(ops-runbook/litellm-key-missing.md)");
    d.put(LITELLM_UNAVAILABLE, "`litellm_unavailable` (or `database_unavailable`): a dependency cannot be reached; "
        + "nothing changed");
    return Collections.unmodifiableMap(d);
  }
}
