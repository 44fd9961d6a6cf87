package io.clusterchat.session.impl;

import io.clusterchat.protocol.ErrorCode;

/**
 * A request refused for a reason of its own (not a registry fault): answered with the protocol error code as the
 * failure code, changes nothing, and is no news for the log.
 */
public final class RequestFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public RequestFailure(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static RequestFailure badRequest(String message) {
    return new RequestFailure(ErrorCode.BAD_REQUEST, message);
  }

  public ErrorCode code() {
    return code;
  }
}
