package io.clusterchat.persistence.impl;

import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonObject;

/** Reads the fields of an event-bus request; anything missing or of the wrong type is a 400. */
final class RequestFields {

  private RequestFields() {
  }

  static String address(JsonObject request, String field) {
    String value = optionalString(request, field);
    if (!Limits.isAddress(value)) {
      throw StoreFailure.badRequest("bad " + field + " address");
    }
    return value;
  }

  static String string(JsonObject request, String field, int maxChars) {
    String value = optionalString(request, field);
    if (value == null || value.isEmpty() || value.length() > maxChars) {
      throw StoreFailure.badRequest("bad " + field);
    }
    return value;
  }

  static String optionalString(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw StoreFailure.badRequest(field + " must be a string");
    }
    return (String) value;
  }

  /** A non-negative number, or {@code absent} when the field is missing. */
  static long nonNegative(JsonObject request, String field, long absent) {
    Object value = request.getValue(field);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Number) || ((Number) value).longValue() < 0) {
      throw StoreFailure.badRequest(field + " must be a number of at least 0");
    }
    return ((Number) value).longValue();
  }

  /** A limit in 1..max; {@code absent} when missing. Callers cap limits already; this only keeps reads bounded. */
  static int limit(JsonObject request, int absent, int max) {
    long value = nonNegative(request, "limit", absent);
    if (value < 1) {
      throw StoreFailure.badRequest("limit must be at least 1");
    }
    return (int) Math.min(value, max);
  }
}
