package io.budgetgate.platform.http;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** 422 {@code validation_failed}, naming every invalid field at once. */
public final class ValidationException extends ApiException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> fields;

  public ValidationException(List<FieldError> fields) {
    super(
        Status422.INSTANCE,
        "validation_failed",
        "invalid request: "
            + fields.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; ")),
        Map.of("fields", List.copyOf(fields)),
        null);
    this.fields = List.copyOf(fields);
  }

  public static ValidationException of(String field, String message) {
    return new ValidationException(List.of(new FieldError(field, message)));
  }

  public List<FieldError> fields() {
    return fields;
  }

  /** Jakarta's Status enum has no 422. */
  public enum Status422 implements Response.StatusType {
    INSTANCE;

    @Override
    public int getStatusCode() {
      return 422;
    }

    @Override
    public Response.Status.Family getFamily() {
      return Response.Status.Family.CLIENT_ERROR;
    }

    @Override
    public String getReasonPhrase() {
      return "Unprocessable Entity";
    }
  }
}
