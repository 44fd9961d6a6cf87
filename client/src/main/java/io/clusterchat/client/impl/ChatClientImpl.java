package io.clusterchat.client.impl;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.client.ChatEvent.MessageReceived;
import io.clusterchat.client.ChatException;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.GroupSyncResult;
import io.clusterchat.client.HistoryItem;
import io.clusterchat.client.Joined;
import io.clusterchat.client.MemberPage;
import io.clusterchat.client.Presence;
import io.clusterchat.client.Sent;
import io.clusterchat.client.Session;
import io.clusterchat.client.SyncResult;
import io.clusterchat.client.impl.Pending.Items;
import io.clusterchat.client.impl.Pending.Reply;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChatClient}: every field is confined to one Vert.x context, public methods hop onto it.
 *
 * <p>Requests live in two bounded queues: {@code outbox} (waiting for a ready connection) and {@code inFlight}
 * (written, in order; replies come back in that order). A request that times out in flight stays in
 * {@code inFlight} as abandoned until its reply arrives, so that the next reply is not taken for its.
 */
public final class ChatClientImpl implements ChatClient {

  private static final Logger LOG = LoggerFactory.getLogger(ChatClientImpl.class);
  /** The protocol's largest SYNC page: the reconnect catch-up reads the inbox in pages of this size. */
  private static final int CATCH_UP_PAGE = 1000;
  /** {@code ERR 408} comes unasked, right before {@code BYE idle}: it answers no request. */
  private static final int IDLE_TIMEOUT_CODE = 408;
  private static final Set<String> FINAL_OPS = Set.of("ok", "pong", "echo", "err");
  private static final Set<String> FINAL_BYES = Set.of("kicked", "abuse");
  /** Random per client, so idempotency keys of different client instances never collide. */
  private static final int KEY_PREFIX_CHARS = 16;

  private enum State { NEW, CONNECTING, READY, RECONNECTING, CLOSED }

  private final Vertx vertx;
  private final Context context;
  private final ChatClientOptions options;
  /** Where to connect on the client's transport, and the Vert.x client that connects there. */
  private final Endpoints endpoints;
  /** Asks the coordinator for a gateway of the region; null when the options name a fixed host and port. */
  private final Dispatcher dispatcher;
  private final Backoff backoff;
  private final SeenSeqs seen = new SeenSeqs();
  private final GroupSeqs groupSeen = new GroupSeqs();
  private final String keyPrefix = UUID.randomUUID().toString().replace("-", "").substring(0, KEY_PREFIX_CHARS);
  private final ArrayDeque<Pending> outbox = new ArrayDeque<>();
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private long nextId;
  private State state = State.NEW;
  private LineConnection connection;
  private String redirectHost;
  private int redirectPort;
  private String redirectUrl;
  /** Set by {@code BYE kicked} or {@code BYE abuse}: the server does not want this client back. */
  private boolean unwelcome;
  private long heartbeatTimer = -1;
  private long reconnectTimer = -1;
  private volatile Handler<ChatEvent> eventHandler = event -> { };
  private volatile Session session;
  private volatile String region;
  private volatile String nodeId;
  private volatile boolean ready;

  public ChatClientImpl(Vertx vertx, ChatClientOptions options) {
    if ((options.getRegion() == null) != (options.getCoordinatorUrl() == null)) {
      throw new IllegalArgumentException("dispatch needs both a region and the coordinator's address");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.backoff = new Backoff(options.getReconnectInitialDelayMillis(), options.getReconnectMaxDelayMillis());
    this.endpoints = new Endpoints(vertx, options);
    this.dispatcher = options.usesDispatch()
        ? new Dispatcher(vertx, options.getCoordinatorUrl(), options.getRegion(), options.getRequestTimeoutMillis(),
            endpoints)
        : null;
  }

  // ---- public API ----

  @Override
  public Future<Void> connect() {
    return onContext(this::doConnect);
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public boolean isConnected() {
    return ready;
  }

  @Override
  public ChatClient eventHandler(Handler<ChatEvent> handler) {
    this.eventHandler = handler == null ? event -> { } : handler;
    return this;
  }

  @Override
  public Future<String> register(String name, String password) {
    if (!Limits.isPasswordLength(password)) {
      return Future.failedFuture(new ChatException(ChatException.BAD_REQUEST, Limits.passwordLengthRule()));
    }
    JsonObject fields = new JsonObject().put("name", name).put("password", password);
    return call("register", fields, false).map(reply -> reply.frame().getString("address"));
  }

  @Override
  public Future<Session> login(String user, String password) {
    if (!Limits.isPasswordLength(password)) {
      return Future.failedFuture(new ChatException(ChatException.BAD_REQUEST, Limits.passwordLengthRule()));
    }
    JsonObject fields = new JsonObject().put("user", user).put("password", password);
    return call("login", fields, false).map(reply -> loggedIn(Frames.session(reply.frame())));
  }

  @Override
  public Future<Session> resume(String token) {
    return call("resume", new JsonObject().put("token", token), false)
        .map(reply -> loggedIn(Frames.session(reply.frame())));
  }

  @Override
  public Future<Sent> send(String to, String text) {
    return onContext(() -> send(to, text, newId()));
  }

  @Override
  public Future<Sent> send(String to, String text, String key) {
    // Refused here as the gateway would refuse it, without a round trip.
    if (!Limits.isIdLength(key)) {
      return Future.failedFuture(new ChatException(ChatException.BAD_REQUEST,
          "key must be at most " + Limits.MAX_ID_LENGTH + " characters"));
    }
    if (!Limits.isTextLength(text)) {
      return Future.failedFuture(new ChatException(ChatException.TOO_LARGE, Limits.textLengthRule()));
    }
    JsonObject fields = new JsonObject().put("to", to).put("text", text);
    // Retryable because the id is the idempotency key: a send cut off by a reconnect is stored once.
    return onContext(() -> request("send", key, fields, true, Items.NONE))
        .map(reply -> new Sent(reply.frame().getString("msg"), reply.frame().getLong("ts"), key));
  }

  @Override
  public Future<SyncResult> sync(Long after, Integer limit) {
    JsonObject fields = new JsonObject();
    putIfSet(fields, "after", after);
    putIfSet(fields, "limit", limit);
    return onContext(() -> request("sync", newId(), fields, true, Items.COLLECT)).map(reply -> {
      List<MessageReceived> messages = new ArrayList<>(reply.items().size());
      reply.items().forEach(item -> messages.add(Frames.message(item)));
      return new SyncResult(messages, reply.frame().getLong("latest", 0L));
    });
  }

  @Override
  public Future<Void> ack(long seq) {
    return call("ack", new JsonObject().put("seq", seq), true).mapEmpty();
  }

  @Override
  public Future<List<HistoryItem>> history(String peer, Integer limit) {
    JsonObject fields = new JsonObject().put("peer", peer);
    if (limit != null) {
      fields.put("limit", limit);
    }
    return onContext(() -> request("history", newId(), fields, true, Items.COLLECT)).map(reply -> {
      List<HistoryItem> items = new ArrayList<>(reply.items().size());
      reply.items().forEach(item -> items.add(Frames.historyItem(item)));
      return List.copyOf(items);
    });
  }

  // ---- groups ----

  @Override
  public Future<String> createGroup(String group, GroupMode mode) {
    JsonObject fields = new JsonObject().put("group", group);
    if (mode != null) {
      fields.put("mode", mode.wireName());
    }
    return call("create", fields, false).map(reply -> reply.frame().getString("group"));
  }

  @Override
  public Future<Joined> join(String group) {
    return call("join", new JsonObject().put("group", group), false).map(reply -> {
      Joined joined = Frames.joined(reply.frame());
      // The log before joining is not the member's to see: nothing up to there is reported.
      groupSeen.raiseFloor(joined.group(), joined.latest());
      return joined;
    });
  }

  @Override
  public Future<String> invite(String group, String user) {
    return call("invite", new JsonObject().put("group", group).put("user", user), false)
        .map(reply -> reply.frame().getString("address"));
  }

  @Override
  public Future<Void> leave(String group) {
    return call("leave", new JsonObject().put("group", group), false).map(reply -> {
      groupSeen.forget(reply.frame().getString("group"));
      return null;
    });
  }

  @Override
  public Future<String> remove(String group, String user) {
    return call("remove", new JsonObject().put("group", group).put("user", user), false)
        .map(reply -> reply.frame().getString("address"));
  }

  @Override
  public Future<MemberPage> members(String group, Integer offset, Integer limit) {
    JsonObject fields = new JsonObject().put("group", group);
    putIfSet(fields, "offset", offset);
    putIfSet(fields, "limit", limit);
    return onContext(() -> request("members", newId(), fields, true, Items.COLLECT)).map(Frames::memberPage);
  }

  @Override
  public Future<List<GroupSummary>> groups() {
    return onContext(() -> request("groups", newId(), new JsonObject(), true, Items.COLLECT))
        .map(reply -> reply.items().stream().map(Frames::groupSummary).toList());
  }

  @Override
  public Future<GroupSyncResult> sync(String group, Long after, Integer limit) {
    JsonObject fields = new JsonObject().put("group", group);
    putIfSet(fields, "after", after);
    putIfSet(fields, "limit", limit);
    return onContext(() -> request("sync", newId(), fields, true, Items.COLLECT)).map(Frames::groupSync);
  }

  @Override
  public Future<Void> ack(String group, long seq) {
    return call("ack", new JsonObject().put("group", group).put("seq", seq), true).mapEmpty();
  }

  @Override
  public Future<Presence> who(String user) {
    return call("who", new JsonObject().put("user", user), true).map(reply -> Frames.presence(reply.frame()));
  }

  @Override
  public Future<Long> ping() {
    long start = System.nanoTime();
    return call("ping", new JsonObject(), true)
        .map(reply -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @Override
  public Future<Void> close() {
    return onContext(this::doClose);
  }

  // ---- connecting ----

  private Future<Void> doConnect() {
    if (state != State.NEW) {
      return Future.failedFuture(new IllegalStateException("connect() called when " + state));
    }
    state = State.CONNECTING;
    unwelcome = false;
    return gateway(false).compose(gateway -> open(gateway)).andThen(opened -> {
      if (state != State.CONNECTING) {
        return;
      }
      if (opened.succeeded()) {
        becomeReady();
      } else {
        state = State.NEW;
        failAll(outbox, opened.cause());
      }
    }).mapEmpty();
  }

  /**
   * Where to connect: the gateway a RECONNECT named (if {@code followRedirect} and there is one), else the one
   * dispatch names for the region, else the configured host and port.
   */
  private Future<Dispatcher.Gateway> gateway(boolean followRedirect) {
    if (followRedirect && redirectHost != null) {
      return Future.succeededFuture(endpoints.redirect(redirectHost, redirectPort, redirectUrl));
    }
    if (dispatcher != null) {
      return dispatcher.gateway();
    }
    return Future.succeededFuture(endpoints.configured(options.getHost(), options.getPort()));
  }

  /** Opens a connection on the client's transport and makes it the current one, once its HELLO is in. */
  private Future<LineConnection> open(Dispatcher.Gateway gateway) {
    String host = gateway.host();
    int port = gateway.port();
    return endpoints.open(gateway)
        .compose(opened -> {
          if (opened.isClosed()) {
            return Future.failedFuture(lost("connection to " + host + ":" + port + " closed"));
          }
          connection = opened;
          region = opened.hello().getString("region");
          nodeId = opened.hello().getString("node");
          opened.frameHandler(frame -> onFrame(opened, frame));
          opened.closeHandler(cause -> onClosed(opened, cause));
          return Future.succeededFuture(opened);
        });
  }

  private void becomeReady() {
    state = State.READY;
    ready = true;
    heartbeatTimer = vertx.setPeriodic(options.getHeartbeatIntervalMillis(), id -> heartbeat());
    while (!outbox.isEmpty() && connection != null) {
      transmit(outbox.poll());
    }
  }

  private void heartbeat() {
    LineConnection current = connection;
    if (state != State.READY || current == null) {
      return;
    }
    request("ping", newId(), new JsonObject(), false, Items.NONE).onFailure(e -> {
      if (e instanceof ChatException && ((ChatException) e).code() == ChatException.TIMEOUT) {
        // No PONG in time: the link is dead even if TCP has not noticed; drop it and reconnect.
        current.fail(new ChatException(ChatException.TIMEOUT, "heartbeat unanswered"));
      }
    });
  }

  // ---- losing the connection and reconnecting ----

  private void onClosed(LineConnection closed, Throwable cause) {
    if (closed != connection) {
      return;
    }
    detach(cause);
    if (state == State.CLOSED) {
      failAll(outbox, new ChatException(ChatException.CLOSED, "client closed"));
    } else if (state == State.READY) {
      afterLoss(cause);
    }
    // CONNECTING or RECONNECTING: the attempt in progress fails and decides what comes next.
  }

  /** Forgets the current connection: requests cut off go back to the outbox if safe to repeat, else fail. */
  private void detach(Throwable cause) {
    connection = null;
    ready = false;
    vertx.cancelTimer(heartbeatTimer);
    heartbeatTimer = -1;
    ChatException lost = cause instanceof ChatException ? (ChatException) cause : lost(String.valueOf(cause));
    List<Pending> retry = new ArrayList<>();
    for (Pending pending : inFlight) {
      if (pending.abandoned) {
        continue;
      }
      if (pending.retryable) {
        retry.add(pending);
      } else {
        finish(pending, lost);
      }
    }
    inFlight.clear();
    for (int i = retry.size() - 1; i >= 0; i--) {
      outbox.addFirst(retry.get(i));
    }
  }

  private void afterLoss(Throwable cause) {
    if (!options.isReconnect() || unwelcome) {
      state = State.NEW;
      failAll(outbox, new ChatException(ChatException.NOT_CONNECTED, "disconnected: " + cause.getMessage()));
      emit(new ChatEvent.Disconnected(cause, false));
      return;
    }
    state = State.RECONNECTING;
    emit(new ChatEvent.Disconnected(cause, true));
    // Sent elsewhere by RECONNECT: go at once; otherwise back off.
    scheduleReconnect(redirectHost != null ? 0 : backoff.next());
  }

  private void scheduleReconnect(long delayMillis) {
    reconnectTimer = vertx.setTimer(Math.max(1, delayMillis), id -> {
      reconnectTimer = -1;
      attemptReconnect();
    });
  }

  private void attemptReconnect() {
    if (state != State.RECONNECTING) {
      return;
    }
    gateway(true).compose(gateway -> open(gateway).compose(opened -> restoreSession())
        .map(restored -> gateway)).onComplete(done -> {
      if (state != State.RECONNECTING) {
        dropConnection(new ChatException(ChatException.CLOSED, "client closed"));
      } else if (done.succeeded()) {
        backoff.reset();
        if (dispatcher != null) {
          // Moved as asked: a later loss asks dispatch again rather than retry a gateway that may be gone.
          redirectHost = null;
        }
        becomeReady();
        Session current = session;
        emit(new ChatEvent.Reconnected(done.result().host(), done.result().port(),
            current == null ? null : current.address()));
      } else {
        onReconnectFailed(done.cause());
      }
    });
  }

  private void onReconnectFailed(Throwable cause) {
    dropConnection(cause);
    if (cause instanceof ChatException && ((ChatException) cause).code() == ChatException.UNAUTHORIZED) {
      // The token is no longer good: another connection cannot fix that, only a new login.
      session = null;
      state = State.NEW;
      failAll(outbox, cause);
      emit(new ChatEvent.Disconnected(cause, false));
      return;
    }
    LOG.debug("reconnect failed: {}", cause.toString());
    // A gateway we were sent to that does not answer: fall back to the configured one.
    redirectHost = null;
    scheduleReconnect(backoff.next());
  }

  private void dropConnection(Throwable cause) {
    LineConnection current = connection;
    if (current != null) {
      detach(cause);
      current.close();
    }
  }

  /** After a reconnect: RESUME with the token, then SYNC the inbox from the highest seq seen without gaps. */
  private Future<Void> restoreSession() {
    Session current = session;
    if (current == null) {
      return Future.succeededFuture();
    }
    return requestNow("resume", new JsonObject().put("token", current.token()), Items.NONE)
        .compose(reply -> {
          session = Frames.session(reply.frame());
          return catchUp(seen.floor());
        })
        .compose(v -> new GroupCatchUp(groupSeen, this::requestNow, CATCH_UP_PAGE).run());
  }

  private Future<Void> catchUp(long after) {
    JsonObject fields = new JsonObject().put("after", after).put("limit", CATCH_UP_PAGE);
    return requestNow("sync", fields, Items.EMIT).compose(reply ->
        reply.frame().getLong("count", 0L) < CATCH_UP_PAGE ? Future.succeededFuture()
            : catchUp(Frames.highestSeq(reply.items(), after + CATCH_UP_PAGE)));
  }

  // ---- closing ----

  private Future<Void> doClose() {
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    boolean wasReady = state == State.READY;
    state = State.CLOSED;
    ready = false;
    vertx.cancelTimer(reconnectTimer);
    vertx.cancelTimer(heartbeatTimer);
    failAll(outbox, new ChatException(ChatException.CLOSED, "client closed"));
    Future<Reply> quit = wasReady && connection != null
        ? requestNow("quit", new JsonObject(), Items.NONE)
        : Future.succeededFuture();
    return quit.transform(done -> {
      Future<Void> transport = endpoints.close();
      return dispatcher == null ? transport : Future.join(transport, dispatcher.close()).mapEmpty();
    });
  }

  // ---- requests ----

  private Future<Reply> call(String op, JsonObject fields, boolean retryable) {
    return onContext(() -> request(op, newId(), fields, retryable, Items.NONE));
  }

  /** An application request: sent now when ready, else queued until the connection is back. */
  private Future<Reply> request(String op, String id, JsonObject fields, boolean retryable, Items items) {
    if (state == State.CLOSED) {
      return Future.failedFuture(new ChatException(ChatException.CLOSED, "client closed"));
    }
    if (state == State.NEW) {
      return Future.failedFuture(new ChatException(ChatException.NOT_CONNECTED, "not connected"));
    }
    if (outbox.size() + inFlight.size() >= options.getMaxPending()) {
      return Future.failedFuture(new ChatException(ChatException.OVERLOADED, "too many requests waiting"));
    }
    Pending pending = pending(op, id, fields, retryable, items);
    if (state == State.READY && connection != null) {
      transmit(pending);
    } else {
      outbox.add(pending);
    }
    return pending.promise.future();
  }

  /** A request of the client's own while it restores a connection: straight onto that connection. */
  private Future<Reply> requestNow(String op, JsonObject fields, Items items) {
    if (connection == null) {
      return Future.failedFuture(lost("not connected"));
    }
    Pending pending = pending(op, newId(), fields, false, items);
    transmit(pending);
    return pending.promise.future();
  }

  private Pending pending(String op, String id, JsonObject fields, boolean retryable, Items items) {
    JsonObject frame = new JsonObject().put("op", op).put("id", id).mergeIn(fields);
    Pending pending = new Pending(op, id, frame, retryable, items);
    if ("sync".equals(op) && fields.containsKey("group")) {
      // Its items are told from other groups' pushes by the group's full address, as the server writes it.
      pending.group = GroupSeqs.canonical(fields.getString("group"), region);
    }
    pending.timerId = vertx.setTimer(options.getRequestTimeoutMillis(), timer -> onTimeout(pending));
    return pending;
  }

  private void transmit(Pending pending) {
    inFlight.add(pending);
    connection.write(pending.frame);
  }

  private void onTimeout(Pending pending) {
    pending.timerId = -1;
    ChatException timeout = new ChatException(ChatException.TIMEOUT,
        pending.op + " not answered in " + options.getRequestTimeoutMillis() + " ms");
    if (outbox.remove(pending)) {
      pending.promise.tryFail(timeout);
    } else if (inFlight.contains(pending)) {
      pending.abandoned = true;
      pending.promise.tryFail(timeout);
    }
  }

  private void finish(Pending pending, Throwable failure) {
    vertx.cancelTimer(pending.timerId);
    pending.promise.tryFail(failure);
  }

  private void failAll(ArrayDeque<Pending> queue, Throwable failure) {
    Pending pending;
    while ((pending = queue.poll()) != null) {
      finish(pending, failure);
    }
  }

  // ---- incoming frames ----

  private void onFrame(LineConnection from, JsonObject frame) {
    if (from != connection) {
      return;
    }
    String op = frame.getString("op", "");
    if (FINAL_OPS.contains(op)) {
      onReply(from, frame);
      return;
    }
    switch (op) {
      case "msg":
        onMsg(frame);
        break;
      case "gmsg":
      case "gevent":
        onGroupEntry(frame);
        break;
      case "hist":
        onItem(frame, "history");
        break;
      case "group":
        onItem(frame, "groups");
        break;
      case "member":
        onItem(frame, "members");
        break;
      case "sent":
        emit(Frames.sentElsewhere(frame));
        break;
      case "notice":
        emit(new ChatEvent.Notice(frame.getString("text", "")));
        break;
      case "reconnect":
        onRedirect(from, frame);
        break;
      case "bye":
        onBye(frame.getString("reason", ""));
        break;
      default:
        LOG.debug("ignoring frame {}", frame.encode());
    }
  }

  private void onReply(LineConnection from, JsonObject frame) {
    String id = frame.getString("id");
    boolean err = "err".equals(frame.getString("op"));
    if (id == null && err && frame.getInteger("code", 0) == IDLE_TIMEOUT_CODE) {
      return;
    }
    Pending pending = inFlight.poll();
    if (pending == null) {
      LOG.debug("reply to nothing: {}", frame.encode());
      return;
    }
    vertx.cancelTimer(pending.timerId);
    if (id != null && !id.equals(pending.id)) {
      ChatException fault = new ChatException(ChatException.PROTOCOL, "reply " + id + " out of order");
      pending.promise.tryFail(fault);
      from.fail(fault);
    } else if (pending.abandoned) {
      LOG.debug("late reply to {} {}", pending.op, pending.id);
    } else if (err) {
      pending.promise.tryFail(new ChatException(frame.getInteger("code", 0), frame.getString("error", "")));
    } else {
      pending.promise.tryComplete(new Reply(frame, List.copyOf(pending.streamed)));
    }
  }

  /** A MSG is an item of the inbox SYNC being answered if there is one, else a push. */
  private void onMsg(JsonObject frame) {
    Pending head = inFlight.peek();
    if (head != null && head.items != Items.NONE && "sync".equals(head.op) && head.group == null) {
      head.streamed.add(frame);
      if (head.items == Items.EMIT) {
        emitIfNew(frame);
      } else {
        seen.add(frame.getLong("seq", 0L));
      }
    } else {
      emitIfNew(frame);
    }
  }

  /** A GMSG or GEVENT is an item of the SYNC of its group being answered if there is one, else a push. */
  private void onGroupEntry(JsonObject frame) {
    String group = frame.getString("group", "");
    long seq = frame.getLong("seq", 0L);
    Pending head = inFlight.peek();
    if (head != null && head.items != Items.NONE && "sync".equals(head.op) && group.equals(head.group)) {
      head.streamed.add(frame);
      if (head.items == Items.COLLECT) {
        groupSeen.add(group, seq);
        return;
      }
    }
    if (groupSeen.add(group, seq)) {
      ChatEvent.GroupEntry entry = Frames.groupEntry(frame);
      forgetIfGone(entry);
      emit(entry);
    }
  }

  /** Out of a group (left elsewhere, or removed): its seqs need not be remembered. */
  private void forgetIfGone(ChatEvent.GroupEntry entry) {
    Session current = session;
    if (entry instanceof ChatEvent.MembershipChange change && current != null
        && current.address().equals(change.user())
        && (ChatEvent.MembershipChange.LEAVE.equals(change.event())
            || ChatEvent.MembershipChange.REMOVE.equals(change.event()))) {
      groupSeen.forget(change.group());
    }
  }

  private void onItem(JsonObject frame, String op) {
    Pending head = inFlight.peek();
    if (head != null && op.equals(head.op)) {
      head.streamed.add(frame);
    } else {
      LOG.debug("ignoring stray {}", frame.encode());
    }
  }

  private void onRedirect(LineConnection from, JsonObject frame) {
    redirectHost = frame.getString("host");
    redirectPort = frame.getInteger("port", options.getPort());
    redirectUrl = frame.getString("url");
    emit(new ChatEvent.Reconnect(redirectHost, redirectPort, redirectUrl));
    // Leave now rather than wait for the gateway to close us: requests cut off are repeated over there.
    from.close();
  }

  private void onBye(String reason) {
    if (FINAL_BYES.contains(reason)) {
      unwelcome = true;
    }
    emit(new ChatEvent.Bye(reason));
  }

  private void emitIfNew(JsonObject msg) {
    if (seen.add(msg.getLong("seq", 0L))) {
      emit(Frames.message(msg));
    }
  }

  private void emit(ChatEvent event) {
    try {
      eventHandler.handle(event);
    } catch (RuntimeException e) {
      LOG.warn("event handler failed on {}", event, e);
    }
  }

  private Session loggedIn(Session fresh) {
    Session previous = session;
    if (previous != null && !previous.address().equals(fresh.address())) {
      seen.clear();
      groupSeen.clear();
    }
    // Messages up to the acked cursor were handled by an earlier session: never report them again.
    seen.raiseFloor(fresh.acked());
    session = fresh;
    return fresh;
  }

  // ---- plumbing ----

  private String newId() {
    return keyPrefix + "-" + (++nextId);
  }

  private static void putIfSet(JsonObject fields, String name, Number value) {
    if (value != null) {
      fields.put(name, value);
    }
  }

  private static ChatException lost(String reason) {
    return new ChatException(ChatException.CONNECTION_LOST, reason);
  }

  /** Runs {@code action} on the client's context (at once if already there). */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
