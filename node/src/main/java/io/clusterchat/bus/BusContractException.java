package io.clusterchat.bus;

import io.clusterchat.protocol.ErrorCode;

/**
 * A bus message that does not have its contract's shape (a field missing or of the wrong type). Services answer it
 * with failure code {@link #FAILURE_CODE} (400): the sender is at fault, not the service.
 */
public final class BusContractException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The failure code a service replies with. */
  public static final int FAILURE_CODE = ErrorCode.BAD_REQUEST.code();

  public BusContractException(String message) {
    super(message);
  }
}
