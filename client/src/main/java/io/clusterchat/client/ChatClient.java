package io.clusterchat.client;

import io.clusterchat.client.impl.ChatClientImpl;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A client of one clusterchat gateway speaking the JSON spelling of PROTOCOL.md.
 *
 * <p>Each request carries a JSON {@code "id"} and is matched to its reply by it; every request fails with a
 * {@link ChatException} on an {@code ERR} reply or after the request timeout. Methods may be called from any
 * thread; the client's own work runs on one Vert.x context and never blocks it, and events are delivered there.
 *
 * <p>While connected the client sends a PING every heartbeat interval. When the connection drops unexpectedly (or
 * the gateway sends {@code RECONNECT}) it reconnects with exponential backoff, RESUMEs the session with its token,
 * SYNCs the inbox from the highest seq it has seen and reports the missed messages as events; then it lists its
 * groups (GROUPS) and SYNCs each that has entries after both its read cursor and what the client has seen, reporting
 * them as events too. Requests safe to repeat (SEND with its same idempotency key, SYNC, ACK, HISTORY, WHO, PING,
 * MEMBERS, GROUPS) that were cut off are sent again on the new connection; the others fail with
 * {@link ChatException#CONNECTION_LOST}.
 *
 * <p>Groups (PROTOCOL.md 1.1): a group address is {@code #name@region}, or {@code #name} for a group of the
 * gateway's region. {@link #send(String, String)} and {@link #history(String, Integer)} take one where they take a
 * user.
 */
public interface ChatClient {

  /** A client of the gateway named in {@code options}; call {@link #connect()} next. */
  static ChatClient create(Vertx vertx, ChatClientOptions options) {
    return new ChatClientImpl(vertx, new ChatClientOptions(options));
  }

  /** Connects and reads the gateway's HELLO. */
  Future<Void> connect();

  /** The region of the gateway from its HELLO, or null before connecting. */
  String region();

  /** The gateway's node id from its HELLO, or null before connecting. */
  String nodeId();

  /** The current session (from login or resume), or null when not logged in. */
  Session session();

  /** True while a connection is open and ready for requests. */
  boolean isConnected();

  /** Sets the handler of pushes and connection events; it runs on the client's context. */
  ChatClient eventHandler(Handler<ChatEvent> handler);

  /** Registers {@code name} in the gateway's region; completes with the new address. */
  Future<String> register(String name, String password);

  /** Logs in; {@code user} is a name (of the gateway's region) or {@code name@region}. */
  Future<Session> login(String user, String password);

  /** Logs in with a token from an earlier session. */
  Future<Session> resume(String token);

  /**
   * Sends {@code text} to {@code to} (a user, or a group the user is a member of) with a new idempotency key;
   * completes once the message is stored.
   */
  Future<Sent> send(String to, String text);

  /**
   * Sends with the caller's idempotency key (at most {@link Limits#MAX_ID_LENGTH} characters): a send repeated
   * with the same key, by this or another connection of the same user, is stored and delivered once and answered
   * with the same message id.
   */
  Future<Sent> send(String to, String text, String key);

  /**
   * The inbox messages after {@code after} (null: after the acknowledged cursor), at most {@code limit} (null:
   * {@link Limits#DEFAULT_SYNC_LIMIT}).
   */
  Future<SyncResult> sync(Long after, Integer limit);

  /** Acknowledges the inbox up to {@code seq}. */
  Future<Void> ack(long seq);

  /**
   * The last {@code limit} (null: {@link Limits#DEFAULT_HISTORY_LIMIT}) messages between the user and
   * {@code peer}, oldest first; for a group {@code peer}, the group's last messages (their {@code to} is the group).
   */
  Future<List<HistoryItem>> history(String peer, Integer limit);

  // ---- groups (1.1) ----

  /**
   * Creates {@code group} ({@code #name} or {@code #name@region}) with the user as its owner; {@code mode} null
   * leaves it to the server (invite). Completes with the group's full address.
   */
  Future<String> createGroup(String group, GroupMode mode);

  /** Joins an open group, or one the user was invited to; completes with the group's address and latest seq. */
  Future<Joined> join(String group);

  /** Invites {@code user} (a name or {@code name@region}) into {@code group}; completes with the user's address. */
  Future<String> invite(String group, String user);

  /** Leaves {@code group}; the client forgets the seqs it saw there. */
  Future<Void> leave(String group);

  /** Removes {@code user} from {@code group} (owner only); completes with the user's address. */
  Future<String> remove(String group, String user);

  /**
   * The members of {@code group} in joining order, from {@code offset} (null: 0), at most {@code limit} (null:
   * {@link Limits#DEFAULT_MEMBERS_LIMIT}, at most {@link Limits#MAX_MEMBERS_LIMIT}), with the group's total.
   */
  Future<MemberPage> members(String group, Integer offset, Integer limit);

  /** The user's groups, with each one's latest seq, the user's read cursor and the member count. */
  Future<List<GroupSummary>> groups();

  /**
   * The entries of {@code group}'s log after {@code after} (null: after the user's read cursor), at most
   * {@code limit} (null: {@link Limits#DEFAULT_SYNC_LIMIT}).
   */
  Future<GroupSyncResult> sync(String group, Long after, Integer limit);

  /** Moves the user's read cursor in {@code group} up to {@code seq}. */
  Future<Void> ack(String group, long seq);

  /** Whether {@code user} is online, and in which regions. */
  Future<Presence> who(String user);

  /** Round trip to the gateway; completes with the round-trip time in milliseconds. */
  Future<Long> ping();

  /** Sends QUIT, then closes the connection; no reconnect follows. Pending requests fail with {@code CLOSED}. */
  Future<Void> close();
}
