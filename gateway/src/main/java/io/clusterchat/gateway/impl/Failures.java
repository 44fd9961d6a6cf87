package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.ProtocolException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** The one place where any failure becomes the protocol error a client sees. */
final class Failures {

  private Failures() {
  }

  static ProtocolException toProtocol(Throwable failure) {
    if (failure instanceof ProtocolException) {
      return (ProtocolException) failure;
    }
    if (failure instanceof ReplyException) {
      ReplyException reply = (ReplyException) failure;
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        ErrorCode code = ErrorCode.ofFailureCode(reply.failureCode());
        return new ProtocolException(code, code == ErrorCode.UNAVAILABLE ? "backend failed" : reply.getMessage());
      }
      return new ProtocolException(ErrorCode.UNAVAILABLE,
          reply.failureType() == ReplyFailure.TIMEOUT ? "backend timed out" : "backend unavailable");
    }
    return new ProtocolException(ErrorCode.UNAVAILABLE, "internal error");
  }
}
