package io.clusterchat.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads the typed fields of a bus message; what is missing or of the wrong type is a {@link BusContractException}. */
final class BusFields {

  private BusFields() {
  }

  /** The body as an object: a message without one fails its contract. */
  static JsonObject object(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new BusContractException("body must be a JSON object");
  }

  static String string(JsonObject json, String field) {
    String value = optionalString(json, field);
    if (value == null) {
      throw new BusContractException("missing " + field);
    }
    return value;
  }

  static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new BusContractException(field + " must be a string");
    }
    return (String) value;
  }

  static long number(JsonObject json, String field) {
    Long value = optionalNumber(json, field);
    if (value == null) {
      throw new BusContractException("missing " + field);
    }
    return value;
  }

  static Long optionalNumber(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new BusContractException(field + " must be a whole number");
    }
    return ((Number) value).longValue();
  }

  static int integer(JsonObject json, String field) {
    long value = number(json, field);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new BusContractException(field + " is out of range");
    }
    return (int) value;
  }

  static boolean flag(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Boolean)) {
      throw new BusContractException(field + " must be true or false");
    }
    return (Boolean) value;
  }

  static JsonObject child(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject)) {
      throw new BusContractException(field + " must be an object");
    }
    return (JsonObject) value;
  }

  static <T> List<T> list(JsonObject json, String field, Function<JsonObject, T> item) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonArray)) {
      throw new BusContractException(field + " must be an array");
    }
    JsonArray array = (JsonArray) value;
    List<T> items = new ArrayList<>(array.size());
    for (Object element : array) {
      if (!(element instanceof JsonObject)) {
        throw new BusContractException(field + " must hold objects");
      }
      items.add(item.apply((JsonObject) element));
    }
    return items;
  }

  static <T> JsonArray array(List<T> items, Function<T, JsonObject> toJson) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(toJson.apply(item)));
    return array;
  }

  /** Puts {@code value} unless it is null: optional fields are absent, never null, on the wire. */
  static JsonObject putIfPresent(JsonObject json, String field, Object value) {
    return value == null ? json : json.put(field, value);
  }
}
