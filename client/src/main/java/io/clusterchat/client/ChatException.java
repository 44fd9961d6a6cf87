package io.clusterchat.client;

import io.clusterchat.protocol.ErrorCode;

/**
 * A failed request. Positive codes are the server's ({@code ERR <code> <reason>} of PROTOCOL.md: 400, 401, 404,
 * 409, 413, 429, 503); negative codes are raised by the client itself and were never answered by a server.
 */
public class ChatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public static final int BAD_REQUEST = ErrorCode.BAD_REQUEST.code();
  public static final int UNAUTHORIZED = ErrorCode.UNAUTHORIZED.code();
  public static final int NOT_FOUND = ErrorCode.NOT_FOUND.code();
  public static final int CONFLICT = ErrorCode.CONFLICT.code();
  public static final int TOO_LARGE = ErrorCode.TOO_LARGE.code();
  public static final int TOO_MANY_REQUESTS = ErrorCode.TOO_MANY_REQUESTS.code();
  public static final int UNAVAILABLE = ErrorCode.UNAVAILABLE.code();

  /** No reply within the request timeout. */
  public static final int TIMEOUT = -1;
  /** The connection dropped before the reply, and the request is not safe to repeat. */
  public static final int CONNECTION_LOST = -2;
  /** The client is not connected (never connected, or gave up reconnecting). */
  public static final int NOT_CONNECTED = -3;
  /** The client was closed. */
  public static final int CLOSED = -4;
  /** Too many requests are waiting already ({@link ChatClientOptions#setMaxPending(int)}). */
  public static final int OVERLOADED = -5;
  /** The server sent something this client does not understand. */
  public static final int PROTOCOL = -6;

  private final int code;
  private final String reason;

  public ChatException(int code, String reason) {
    super(code + " " + reason);
    this.code = code;
    this.reason = reason;
  }

  /** The server's error code, or one of the negative client-side codes. */
  public int code() {
    return code;
  }

  /** The reason as the server (or the client) put it. */
  public String reason() {
    return reason;
  }

  /** True when the failure was raised by the client, not answered by a server. */
  public boolean clientSide() {
    return code < 0;
  }
}
