package io.comdb.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metadata as index terms, for equality filters: each top-level field whose value is a string, number or
 * boolean (or an array of them) becomes one term per value, {@code field NUL type:value}. Numbers are written
 * canonically, so 3, 3.0 and 3e0 are the same term; nested objects are stored but not filterable.
 */
final class MetadataTerms {
  private MetadataTerms() {}

  static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  static List<String> terms(JsonObject metadata) {
    List<String> terms = new ArrayList<>();
    for (Map.Entry<String, Object> e : metadata) {
      Object v = e.getValue();
      if (v instanceof JsonArray array) {
        for (Object element : array) {
          if (isScalar(element)) {
            terms.add(term(e.getKey(), element));
          }
        }
      } else if (isScalar(v)) {
        terms.add(term(e.getKey(), v));
      }
    }
    return terms;
  }

  static String term(String field, Object value) {
    String typed;
    if (value instanceof String s) {
      typed = "s:" + s;
    } else if (value instanceof Boolean b) {
      typed = "b:" + b;
    } else {
      BigDecimal d = new BigDecimal(value.toString()).stripTrailingZeros();
      typed = "n:" + d.toPlainString();
    }
    return field + '\0' + typed;
  }
}
