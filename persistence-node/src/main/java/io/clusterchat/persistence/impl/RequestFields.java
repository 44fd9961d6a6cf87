package io.clusterchat.persistence.impl;

import io.clusterchat.protocol.GroupAddress;
import io.clusterchat.protocol.Limits;

/** Checks the fields of an event-bus request beyond its record's shape; anything out of bounds is a 400. */
final class RequestFields {

  private RequestFields() {
  }

  /** A full, lower-case user address. */
  static String address(String value, String field) {
    if (!Limits.isAddress(value)) {
      throw StoreFailure.badRequest("bad " + field + " address");
    }
    return value;
  }

  /** A full, lower-case group address, {@code #name@region}. */
  static String group(String value, String field) {
    if (!GroupAddress.isValid(value)) {
      throw StoreFailure.badRequest("bad " + field + " address");
    }
    return value;
  }

  /** An idempotency key (the JSON request id of a SEND): null, or 1 to 64 characters. */
  static String clientId(String value) {
    if (value != null && (value.isEmpty() || !Limits.isIdLength(value))) {
      throw StoreFailure.badRequest("bad clientId");
    }
    return value;
  }

  /** A non-empty string of at most {@code maxChars} characters. */
  static String string(String value, String field, int maxChars) {
    if (value == null || value.isEmpty() || value.length() > maxChars) {
      throw StoreFailure.badRequest("bad " + field);
    }
    return value;
  }

  /** A non-negative number, or {@code absent} when it is null. */
  static long nonNegative(Long value, String field, long absent) {
    if (value == null) {
      return absent;
    }
    if (value < 0) {
      throw StoreFailure.badRequest(field + " must be a number of at least 0");
    }
    return value;
  }

  /** A limit in 1..max; {@code absent} when null. Callers cap limits already; this only keeps reads bounded. */
  static int limit(Long value, int absent, int max) {
    long limit = nonNegative(value, "limit", absent);
    if (limit < 1) {
      throw StoreFailure.badRequest("limit must be at least 1");
    }
    return (int) Math.min(limit, max);
  }
}
