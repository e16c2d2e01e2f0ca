package io.budgetgate.platform.errors;

/**
 * One invalid field of a request.
 *
 * @param field the JSON field name, as sent (snake_case)
 * @param message what is wrong with it and what is allowed
 */
public record FieldError(String field, String message) {}
