package io.clusterchat.protocol;

/**
 * The error codes of PROTOCOL.md, each with the numeric code clients see in {@code ERR <code> <reason>}.
 *
 * <p>Event-bus services fail their replies with these same numbers as {@code ReplyException} failure codes, so a
 * failure is mapped to a protocol error in one place: {@link #ofFailureCode(int)}.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  IDLE_TIMEOUT(408),
  CONFLICT(409),
  TOO_LARGE(413),
  TOO_MANY_REQUESTS(429),
  UNAVAILABLE(503);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The protocol error for an event-bus failure code; anything unknown is a backend fault, so 503. */
  public static ErrorCode ofFailureCode(int failureCode) {
    for (ErrorCode value : values()) {
      if (value.code == failureCode) {
        return value;
      }
    }
    return UNAVAILABLE;
  }
}
