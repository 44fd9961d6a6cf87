package io.clusterchat.session.impl;

import io.vertx.core.json.JsonObject;

/** Reads the fields of a session request, failing with {@link RequestFailure} (400). */
public final class Requests {

  /** Longer than any user address, node id or connection id: a bound on what one request can store. */
  static final int MAX_FIELD_LENGTH = 256;

  private Requests() {
  }

  public static JsonObject body(Object body) {
    if (!(body instanceof JsonObject)) {
      throw RequestFailure.badRequest("the request body must be a JSON object");
    }
    return (JsonObject) body;
  }

  /** A required, non-blank string field of at most {@link #MAX_FIELD_LENGTH} characters. */
  public static String field(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (!(value instanceof String) || ((String) value).isBlank()) {
      throw RequestFailure.badRequest("'" + name + "' must be a non-empty string");
    }
    String text = (String) value;
    if (text.length() > MAX_FIELD_LENGTH) {
      throw RequestFailure.badRequest("'" + name + "' is longer than " + MAX_FIELD_LENGTH + " characters");
    }
    return text;
  }
}
