package io.clusterchat.client;

import io.clusterchat.client.impl.ChatClientImpl;
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
 * SYNCs the inbox from the highest seq it has seen and reports the missed messages as events. Requests safe to
 * repeat (SEND with its same idempotency key, SYNC, ACK, HISTORY, WHO, PING) that were cut off are sent again on
 * the new connection; the others fail with {@link ChatException#CONNECTION_LOST}.
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

  /** Sends {@code text} to {@code to} with a new idempotency key; completes once the message is stored. */
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
   * {@code peer}, oldest first.
   */
  Future<List<HistoryItem>> history(String peer, Integer limit);

  /** Whether {@code user} is online, and in which regions. */
  Future<Presence> who(String user);

  /** Round trip to the gateway; completes with the round-trip time in milliseconds. */
  Future<Long> ping();

  /** Sends QUIT, then closes the connection; no reconnect follows. Pending requests fail with {@code CLOSED}. */
  Future<Void> close();
}
