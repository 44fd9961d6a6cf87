package io.clusterchat.protocol;

import java.util.Objects;

/**
 * A request that gets {@code ERR <code> <reason>}. Thrown on hot paths (bad input from clients), so it carries
 * no stack trace.
 */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String reason) {
    super(Objects.requireNonNull(reason, "reason"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  public String reason() {
    return getMessage();
  }

  public static ProtocolException badRequest(String reason) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, reason);
  }
}
