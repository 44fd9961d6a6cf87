package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;

/**
 * A request the store refuses or cannot serve, with the protocol error code its event-bus reply fails with.
 * Anything else that goes wrong (an {@link java.sql.SQLException}, a dropped connection) becomes 503.
 */
public final class StoreFailure extends RuntimeException {

  private final ErrorCode code;
  private final int failureCode;

  public StoreFailure(ErrorCode code, String reason) {
    this(code, code.code(), reason);
  }

  private StoreFailure(ErrorCode code, int failureCode, String reason) {
    // No stack trace: these are answers to clients, not bugs.
    super(reason, null, false, false);
    this.code = code;
    this.failureCode = failureCode;
  }

  /**
   * An append for a shard this node does not own (any more): nothing stored; the router finds the owner and sends
   * it again ({@link StoreService#MOVED}). A client never sees it; should it get through, it reads as 503.
   */
  public static StoreFailure moved(int shard) {
    return new StoreFailure(ErrorCode.UNAVAILABLE, StoreService.MOVED, "shard " + shard + " is not owned here");
  }

  public static StoreFailure badRequest(String reason) {
    return new StoreFailure(ErrorCode.BAD_REQUEST, reason);
  }

  public static StoreFailure unavailable(String reason) {
    return new StoreFailure(ErrorCode.UNAVAILABLE, reason);
  }

  /** The failure for any throwable: itself when it is a store failure, otherwise 503. */
  public static StoreFailure of(Throwable failure) {
    if (failure instanceof StoreFailure) {
      return (StoreFailure) failure;
    }
    return unavailable("database unavailable");
  }

  public ErrorCode code() {
    return code;
  }

  public int failureCode() {
    return failureCode;
  }
}
