package io.clusterchat.client;

/**
 * What a {@link ChatClient} reports without being asked, delivered to {@link ChatClient#eventHandler}. Every
 * inbox message reaches the handler at most once as {@link MessageReceived}, whether it was pushed or caught up by
 * the SYNC after a reconnect; messages returned by an explicit {@link ChatClient#sync} are not repeated here. The
 * same holds for each group's entries ({@link GroupMessage}, {@link MembershipChange}), by the group's seq.
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

  /**
   * An entry of a group's log, numbered by the group (1, 2, 3, ... without gaps, messages and membership changes
   * alike); a member sees the log from its own joining on.
   */
  sealed interface GroupEntry extends ChatEvent permits GroupMessage, MembershipChange {

    /** The group's address, {@code #name@region}. */
    String group();

    /** The entry's number in the group's log. */
    long seq();

    /** Milliseconds since the epoch, set when the entry was stored. */
    long ts();
  }

  /**
   * A message to a group the user is a member of (GMSG). The session that sent it is not told; the user's other
   * sessions are.
   *
   * @param msg the message id, unique in the cluster
   */
  record GroupMessage(String group, long seq, String msg, String from, long ts, String text) implements GroupEntry {
  }

  /**
   * A change of a group's members (GEVENT).
   *
   * @param event {@code create}, {@code join}, {@code invite}, {@code leave} or {@code remove}
   * @param by who made the change
   * @param user who joined, was invited, left or was removed (for {@code create}: the creator)
   */
  record MembershipChange(String group, long seq, long ts, String event, String by, String user)
      implements GroupEntry {

    public static final String CREATE = "create";
    public static final String JOIN = "join";
    public static final String INVITE = "invite";
    public static final String LEAVE = "leave";
    public static final String REMOVE = "remove";
  }

  /**
   * A message the user sent from another of its sessions (SENT), so that every device shows the conversation.
   *
   * @param to a user address, or a group's
   */
  record SentElsewhere(String msg, String to, long ts, String text) implements ChatEvent {
  }

  /** An operator's notice. */
  record Notice(String text) implements ChatEvent {
  }

  /**
   * The gateway asked the client to move to another gateway; the client does so by itself.
   *
   * @param port the target's port of the client's transport (TCP, TLS or WebSocket)
   * @param url the target's WebSocket URL on a WebSocket connection, else null
   */
  record Reconnect(String host, int port, String url) implements ChatEvent {

    public Reconnect(String host, int port) {
      this(host, port, null);
    }
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
   * The client is connected again (and, if it was logged in, resumed and caught up on its inbox and on the groups
   * with entries it has not seen).
   *
   * @param host the gateway now connected to
   * @param port its port
   * @param address the user address resumed, or null when the client was not logged in
   */
  record Reconnected(String host, int port, String address) implements ChatEvent {
  }
}
