package io.budgetgate.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.budgetgate.webhook.api.WebhookReply;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;

/**
 * {@code POST /webhooks/litellm} (Standard Webhooks signature) and
 * {@code POST /webhooks/litellm/{token}} (LiteLLM's native, unsigned alerting; only when a path
 * token is configured). Checks run in a fixed order: size (413), content type (415), auth (401,
 * nothing stored), JSON (400), fields (422), whether it is a tenant key's budget event (200
 * {@code ignored} if not), tenant (404 signed; 200 {@code ignored} on the path-token endpoint, so
 * LiteLLM's native sender, which fires again after any non-2xx, stops).
 */
@Path("/webhooks/litellm")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
@ApiResponse(responseCode = "200", description = "`accepted` (alert stored; email and Slack are not awaited), "
    + "`ignored`, or `duplicate` (webhook-id seen before: nothing changed)",
    content = @Content(schema = @Schema(implementation = WebhookReply.class)))
@ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
@ApiResponse(responseCode = "401", ref = ErrorResponses.INVALID_SIGNATURE)
@ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
@ApiResponse(responseCode = "413", ref = ErrorResponses.PAYLOAD_TOO_LARGE)
@ApiResponse(responseCode = "415", ref = ErrorResponses.UNSUPPORTED_MEDIA_TYPE)
@ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
public final class WebhookResource {
  static final int MAX_BODY = 64 * 1024;
  /** How much of a refused oversized body is read so its 413 reaches the sender. */
  static final long DRAIN_LIMIT = 1024 * 1024;

  private final WebhookService webhooks;
  private final SignatureVerifier verifier;
  private final byte[] pathToken;
  private final ObjectMapper json;
  private final Clock clock;

  WebhookResource(WebhookService webhooks, SignatureVerifier verifier, String pathToken, ObjectMapper json, Clock clock) {
    this.webhooks = webhooks;
    this.verifier = verifier;
    this.pathToken = pathToken.isEmpty() ? null : pathToken.getBytes(StandardCharsets.UTF_8);
    this.json = json;
    this.clock = clock;
  }

  @POST
  @Operation(operationId = "receiveSignedWebhook", summary = "A LiteLLM budget event signed with Standard Webhooks",
      description = "No bearer token: the signature is the credential. Checked in order: size, content type, "
          + "signature, JSON, fields, tenant.")
  @Parameter(name = "webhook-id", in = ParameterIn.HEADER, required = true,
      description = "unique per delivery; a redelivery reuses it and is answered `duplicate`")
  @Parameter(name = "webhook-timestamp", in = ParameterIn.HEADER, required = true,
      description = "unix seconds; more than 5 minutes off is refused (401)")
  @Parameter(name = "webhook-signature", in = ParameterIn.HEADER, required = true,
      description = "space-separated `v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{raw body}>`; any one valid entry passes")
  public Response signed(@Context HttpHeaders headers, @RequestBody(required = true, content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LiteLlmEvent.class))) InputStream body)
      throws IOException {
    byte[] raw = readWithin(headers, body);
    SignatureVerifier.Outcome outcome = verifier.verify(headers.getHeaderString("webhook-id"),
        headers.getHeaderString("webhook-timestamp"), headers.getHeaderString("webhook-signature"), raw, clock.instant());
    if (outcome != SignatureVerifier.Outcome.VALID) {
      throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "invalid_signature", describe(outcome));
    }
    return accept(headers.getHeaderString("webhook-id").trim(), raw, WebhookService.Intake.SIGNED);
  }

  @POST
  @Path("/{token}")
  @Operation(operationId = "receivePathTokenWebhook", summary = "A LiteLLM budget event from its native (unsigned) alerting",
      description = "No bearer token: the path token is the credential, compared in constant time and masked in the "
          + "request log. Answers 404 when no path token is configured. A key BudgetGate does not manage is "
          + "answered 200 `ignored` (`unknown_key`): LiteLLM re-sends after anything but a 2xx.")
  public Response withPathToken(
      @Parameter(description = "the configured webhook.pathToken") @PathParam("token") String token,
      @Context HttpHeaders headers, @RequestBody(required = true, content = @Content(
          mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LiteLlmEvent.class))) InputStream body)
      throws IOException {
    if (pathToken == null) {
      throw ServiceException.notFound("not_found", "path-token webhooks are switched off (webhook.pathToken is empty)");
    }
    byte[] raw = readWithin(headers, body);
    if (!MessageDigest.isEqual(pathToken, token.getBytes(StandardCharsets.UTF_8))) {
      throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "invalid_signature", "the webhook path token is not recognised");
    }
    return accept(null, raw, WebhookService.Intake.PATH_TOKEN);
  }

  private Response accept(String deliveryId, byte[] raw, WebhookService.Intake intake) {
    WebhookReply reply = webhooks.accept(deliveryId, readJson(json, raw), new String(raw, StandardCharsets.UTF_8), intake);
    return Response.ok(reply).build();
  }

  /**
   * The body as JSON, or 400 {@code malformed_json}. Numbers too large to read exactly fail with
   * a NumberFormatException rather than a Jackson exception (WebhookFuzzTest found it): 400 too.
   */
  static JsonNode readJson(ObjectMapper json, byte[] raw) {
    try {
      return json.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new ServiceException(ServiceException.Kind.MALFORMED, "malformed_json", "the webhook body is not valid JSON: " + e.getOriginalMessage());
    } catch (NumberFormatException e) {
      throw new ServiceException(ServiceException.Kind.MALFORMED, "malformed_json", "the webhook body holds a number out of range");
    } catch (IOException e) {
      throw new ServiceException(ServiceException.Kind.MALFORMED, "malformed_json", "the webhook body could not be read");
    }
  }

  /**
   * 413 before anything else, then 415; keeps at most MAX_BODY + 1 bytes. An oversized body is
   * read and dropped (up to {@link #DRAIN_LIMIT}) before the 413 goes out: a sender that does not
   * wait for {@code 100-continue} is still writing it, and a connection closed under it loses the
   * answer ("header parser received no bytes" instead of a 413).
   */
  private static byte[] readWithin(HttpHeaders headers, InputStream body) throws IOException {
    String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > MAX_BODY) {
      drain(body);
      throw tooLarge();
    }
    byte[] raw = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
    if (raw.length > MAX_BODY) {
      drain(body);
      throw tooLarge();
    }
    MediaType type = headers.getMediaType();
    if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.isWildcardType() || type.isWildcardSubtype()) {
      throw new ServiceException(ServiceException.Kind.UNSUPPORTED_TYPE, "unsupported_media_type",
          "webhook bodies must be sent as Content-Type: application/json");
    }
    return raw;
  }

  /** Reads and drops what is left of a refused body, at most DRAIN_LIMIT bytes; beyond that the connection may close. */
  private static void drain(InputStream body) {
    if (body == null) {
      return;
    }
    try {
      byte[] sink = new byte[8192];
      long left = DRAIN_LIMIT;
      int n;
      while (left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException e) {
      // the sender gave up: nothing to answer anyway
    }
  }

  private static ServiceException tooLarge() {
    return new ServiceException(ServiceException.Kind.TOO_LARGE, "payload_too_large",
        "webhook bodies are limited to " + MAX_BODY + " bytes (64 KiB)");
  }

  private static String describe(SignatureVerifier.Outcome outcome) {
    return switch (outcome) {
      case MISSING_HEADER -> "webhook-id, webhook-timestamp and webhook-signature headers are required";
      case MALFORMED_TIMESTAMP -> "webhook-timestamp must be unix seconds";
      case TIMESTAMP_OUT_OF_TOLERANCE -> "webhook-timestamp is more than 5 minutes from now; check the sender's clock";
      default -> "no v1 signature in webhook-signature matches the body";
    };
  }
}
