package io.budgetgate.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads what a test's own rows hold as PostgreSQL stored it, for the ITs that check rows field by
 * field: JSON details with every number as written (87.456 and 87.456000 told apart) and
 * timestamps as instants.
 */
public final class StoredRows {
  /** Reads numbers as written, trailing zeros kept. */
  public static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private StoredRows() {}

  /** A JSON object's top-level fields as stored (a number with its scale; null for JSON null). */
  public static Map<String, String> fields(String json) {
    try {
      Map<String, String> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = EXACT.readTree(json).fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode v = field.getValue();
        fields.put(field.getKey(), v.isNull() ? null : v.isTextual() ? v.asText() : v.toString());
      }
      return fields;
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  public static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
