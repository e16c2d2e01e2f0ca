package io.budgetgate.platform.errors;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code validation_failed} (422), naming every invalid field at once. */
public final class ValidationException extends ServiceException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> fields;

  public ValidationException(List<FieldError> fields) {
    super(Kind.INVALID, "validation_failed",
        "invalid request: " + fields.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; ")),
        Map.of("fields", List.copyOf(fields)), null);
    this.fields = List.copyOf(fields);
  }

  public static ValidationException of(String field, String message) {
    return new ValidationException(List.of(new FieldError(field, message)));
  }

  public List<FieldError> fields() {
    return fields;
  }
}
