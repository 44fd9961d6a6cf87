package io.clusterchat.client;

/**
 * A logged-in session, from LOGIN or RESUME.
 *
 * @param address the user's address, {@code name@region}
 * @param token the token for {@link ChatClient#resume(String)} on a later connection, to any gateway
 * @param acked the highest inbox seq the user has acknowledged
 * @param latest the highest seq in the user's inbox
 */
public record Session(String address, String token, long acked, long latest) {

  /** Messages in the inbox after the acknowledged cursor. */
  public long unread() {
    return Math.max(0, latest - acked);
  }
}
