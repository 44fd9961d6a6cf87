package io.clusterchat.client;

/**
 * What a {@link ChatClient} reports without being asked, delivered to {@link ChatClient#eventHandler}. Every
 * inbox message reaches the handler at most once as {@link MessageReceived}, whether it was pushed or caught up by
 * the SYNC after a reconnect; messages returned by an explicit {@link ChatClient#sync} are not repeated here.
 */
public sealed interface ChatEvent {

  /**
   * A message in the user's inbox.
   *
   * @param seq its number in the recipient's inbox (1, 2, 3, ... without gaps)
   * @param msg the message id, unique in the cluster
   * @param ts milliseconds since the epoch, set when the message was stored
   */
  record MessageReceived(long seq, String msg, String from, String to, long ts, String text) implements ChatEvent {
  }

  /** An operator's notice. */
  record Notice(String text) implements ChatEvent {
  }

  /** The gateway asked the client to move to another gateway; the client does so by itself. */
  record Reconnect(String host, int port) implements ChatEvent {
  }

  /**
   * The server is closing the connection: {@code idle}, {@code kicked}, {@code drain}, {@code shutdown},
   * {@code abuse}, {@code slow}.
   */
  record Bye(String reason) implements ChatEvent {
  }

  /**
   * The connection was lost without {@link ChatClient#close()}. A reconnect follows unless it is off, the server
   * said {@code BYE kicked} or {@code BYE abuse}, or the session could not be resumed.
   *
   * @param cause why, if known; may be null
   * @param reconnecting whether the client is trying to reconnect
   */
  record Disconnected(Throwable cause, boolean reconnecting) implements ChatEvent {
  }

  /**
   * The client is connected again (and, if it was logged in, resumed and caught up on its inbox).
   *
   * @param host the gateway now connected to
   * @param port its port
   * @param address the user address resumed, or null when the client was not logged in
   */
  record Reconnected(String host, int port, String address) implements ChatEvent {
  }
}
