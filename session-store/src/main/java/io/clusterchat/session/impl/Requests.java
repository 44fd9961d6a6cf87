package io.clusterchat.session.impl;

import io.clusterchat.bus.BusContractException;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

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

  /** The request's record; a request not of its contract's shape is a 400. */
  public static <T> T read(Supplier<T> decode) {
    try {
      return decode.get();
    } catch (BusContractException e) {
      throw RequestFailure.badRequest(e.getMessage());
    }
  }

  /** A required, non-blank string of at most {@link #MAX_FIELD_LENGTH} characters. */
  public static String field(String text, String name) {
    if (text == null || text.isBlank()) {
      throw RequestFailure.badRequest("'" + name + "' must be a non-empty string");
    }
    if (text.length() > MAX_FIELD_LENGTH) {
      throw RequestFailure.badRequest("'" + name + "' is longer than " + MAX_FIELD_LENGTH + " characters");
    }
    return text;
  }
}
