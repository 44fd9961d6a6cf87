package io.clusterchat.bus;

/**
 * The persistence-node's event-bus contract: the only way into the database. Bodies are JSON objects; failures
 * are {@code ReplyException}s whose failure code is the protocol error code (404, 409, 400; 503 for a database
 * fault). Addresses are load-balanced (one persistence-node now; sharded by user later).
 */
public final class StoreService {

  /**
   * Creates an account. Request {@code {"address":s,"hash":s}}; reply {@code {"address":s}}; fails 409 when the
   * address is taken.
   */
  public static final String ACCOUNT_CREATE = "store.account.create";

  /**
   * Reads an account. Request {@code {"address":s}}; reply {@code {"address":s,"hash":s,"created":ms}}; fails 404.
   */
  public static final String ACCOUNT_GET = "store.account.get";

  /**
   * Appends a message to the recipient's inbox; replies only after the transaction that holds it committed
   * (group commit). Request {@code {"from":s,"to":s,"text":s,"clientId":s?}}; reply
   * {@code {"msg":s,"seq":n,"ts":n,"from":s,"to":s,"text":s,"duplicate":b}}. With a {@code clientId} already
   * stored for that sender, nothing new is stored and the first append's reply comes back with
   * {@code "duplicate":true}. Fails 404 when the recipient has no account.
   */
  public static final String MESSAGE_APPEND = "store.message.append";

  /**
   * Reads a user's inbox. Request {@code {"user":s,"after":n?,"limit":n}} ({@code after} absent: the acked
   * cursor); reply {@code {"items":[{"seq":n,"msg":s,"from":s,"to":s,"ts":n,"text":s}],"acked":n,"latest":n}},
   * items in seq order.
   */
  public static final String INBOX_SYNC = "store.inbox.sync";

  /**
   * Moves a user's acked cursor forward (never back). Request {@code {"user":s,"seq":n}}; reply
   * {@code {"acked":n}}; fails 400 when {@code seq} is beyond the latest seq.
   */
  public static final String INBOX_ACK = "store.inbox.ack";

  /** A user's cursor. Request {@code {"user":s}}; reply {@code {"acked":n,"latest":n}}. */
  public static final String INBOX_CURSOR = "store.inbox.cursor";

  /**
   * The last messages between two users, both directions, oldest first. Request
   * {@code {"user":s,"peer":s,"limit":n}}; reply {@code {"items":[{"msg":s,"from":s,"to":s,"ts":n,"text":s}]}}.
   */
  public static final String HISTORY = "store.history";

  private StoreService() {
  }
}
