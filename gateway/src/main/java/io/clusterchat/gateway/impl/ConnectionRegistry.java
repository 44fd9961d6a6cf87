package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.ByeReason;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The live connections of one gateway node, across its server verticle instances. Connection ids are
 * {@code <node-id>/<n>}, unique in the cluster for the life of the node.
 */
public final class ConnectionRegistry {

  private final GatewayOptions options;
  private final Commands commands;
  private final SessionSync sessions;
  private final Backend backend;
  private final GatewayCounters counters;
  private final AtomicLong sequence = new AtomicLong();
  /** Once set, never cleared: a drained gateway leaves the cluster rather than take clients again. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Set while the gateway sees no data member of the cluster: it serves nobody until it is back. */
  private final AtomicBoolean isolated = new AtomicBoolean();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
  /**
   * The connections of each event loop (server verticle context): each loop's idle sweep visits its own
   * connections only, so a sweep costs the connections of one loop, not all of them once per loop.
   */
  private final Map<Context, Set<ClientConnection>> byContext = new ConcurrentHashMap<>();
  /** Logged-in connections by user address: where a pushed message goes on this node. */
  private final Map<String, Set<ClientConnection>> byUser = new ConcurrentHashMap<>();

  private final SessionCache sessionCache;
  private final GroupInterest groupInterest;
  private final LocalGroups localGroups;
  private GroupDelivery groupDelivery;

  private ConnectionRegistry(GatewayOptions options, Commands commands, SessionSync sessions, Backend backend,
      GatewayCounters counters, SessionCache sessionCache, GroupInterest groupInterest) {
    this.options = options;
    this.groupInterest = groupInterest;
    this.localGroups = new LocalGroups(groupInterest);
    this.sessionCache = sessionCache;
    this.commands = commands;
    this.sessions = sessions;
    this.backend = backend;
    this.counters = counters;
  }

  /** A gateway node's registry, with every command wired to its back end over {@code vertx}'s event bus. */
  public static ConnectionRegistry create(Vertx vertx, GatewayOptions options) {
    Backend backend = new Backend(vertx, options.getRequestTimeoutMillis());
    Commands commands = new Commands();
    GatewayCounters counters = new GatewayCounters();
    SessionCache sessionCache = new SessionCache(options.getSessionCacheSize());
    SessionSync sessions = new SessionSync(vertx, backend, sessionCache, options.getNodeId(), options.getRegion());
    ConnectionRegistry registry = new ConnectionRegistry(options, commands, sessions, backend, counters,
        sessionCache, new GroupInterest(vertx, backend, options.getNodeId()));
    PresenceCommands presence = new PresenceCommands(options, backend);
    presence.register(commands);
    Delivery delivery = new Delivery(backend, sessionCache, GatewayMeters.of(vertx), options.getNodeId(), registry);
    GatewayMeters.of(vertx).groups(registry.localGroups, registry.groupInterest);
    registry.groupDelivery = new GroupDelivery(options.getNodeId(), backend, delivery, registry.localGroups,
        registry.groupInterest, registry);
    GroupCommands groups = new GroupCommands(options, backend, registry.groupDelivery, delivery, counters);
    groups.register(commands);
    new AccountCommands(options, backend, registry).register(commands);
    new MessageCommands(options, backend, delivery, presence, counters, groups).register(commands);
    return registry;
  }

  /**
   * Wraps a newly accepted socket; call on its event loop. While draining or cut off from the cluster the socket is
   * closed at once (the listener stays bound: closing a Vert.x NetServer would close the connections being moved
   * too); the client's next attempt goes through dispatch, which no longer names this gateway.
   *
   * @return the connection, or null when refused
   */
  public ClientConnection accept(NetSocket socket) {
    return accept(new SocketChannel(socket, options.getMaxLine()));
  }

  /** As {@link #accept(NetSocket)}, for a client on a WebSocket (already past its handshake). */
  public ClientConnection accept(ServerWebSocket socket) {
    return accept(new WebSocketChannel(socket, options.getMaxLine()));
  }

  private ClientConnection accept(ClientChannel channel) {
    if (draining.get() || isolated.get()) {
      channel.close();
      return null;
    }
    String id = options.getNodeId() + "/" + sequence.incrementAndGet();
    ClientConnection connection = new ClientConnection(id, channel, options, commands, this);
    connections.put(id, connection);
    byContext.computeIfAbsent(connection.context(), key -> ConcurrentHashMap.newKeySet()).add(connection);
    connection.start();
    return connection;
  }

  void remove(ClientConnection connection) {
    connections.remove(connection.id());
    Set<ClientConnection> ofContext = byContext.get(connection.context());
    if (ofContext != null) {
      ofContext.remove(connection);
    }
    localGroups.closed(connection);
    String user = connection.user();
    if (user != null) {
      byUser.computeIfPresent(user, (key, set) -> {
        set.remove(connection);
        return set.isEmpty() ? null : set;
      });
      if (!byUser.containsKey(user)) {
        localGroups.forgetUser(user);
      }
      unbind(connection.id(), user);
    }
    // Groups with no member here any more are no longer of interest to this node.
    groupInterest.flush(List.of());
  }

  /** This node's connections of {@code user} (empty when none). */
  Collection<ClientConnection> connectionsOf(String user) {
    Set<ClientConnection> connections = byUser.get(user);
    return connections == null ? List.of() : connections;
  }

  /** Which connections here belong to which groups. */
  LocalGroups localGroups() {
    return localGroups;
  }

  /** Which other gateways hold sessions of which groups' members. */
  GroupInterest groupInterest() {
    return groupInterest;
  }

  /**
   * Another gateway's group entry for the member sessions here (moving its subject's sessions first, see
   * {@link GroupDelivery#pushHere}); completes once a membership change is in force here.
   */
  Future<Void> deliverGroupEntry(GatewayService.GroupDeliver deliver) {
    return groupDelivery.pushHere(deliver.entry(), deliver.skip(), deliver.member(), deliver.joined());
  }

  /** {@code SENT} to the connections of a user here but the one that sent it. */
  void pushSent(GatewayService.SentPush sent) {
    Set<ClientConnection> targets = byUser.get(sent.user());
    if (targets == null) {
      return;
    }
    ServerFrame frame = ServerFrame.sent(sent.frameFields());
    for (ClientConnection connection : targets) {
      if (!connection.id().equals(sent.skip())) {
        counters.delivered();
        connection.context().runOnContext(v -> connection.push(frame));
      }
    }
  }

  /** Marks a connection logged in as {@code user}; if it closed meanwhile, undoes the session binding. */
  void loggedIn(ClientConnection connection, String user) {
    connection.user(user);
    byUser.computeIfAbsent(user, key -> ConcurrentHashMap.newKeySet()).add(connection);
    if (connection.closing() && connections.get(connection.id()) == null) {
      remove(connection);
    }
  }

  /** Tells the session-store a session ended; one it cannot be told now is reasserted until it can. */
  void unbind(String connectionId, String user) {
    sessions.unbind(connectionId, user);
  }

  /** This gateway's side of the session registry: binds, unbinds, reasserts. */
  SessionSync sessions() {
    return sessions;
  }

  /**
   * A node left the cluster: requests it may have taken along are sent again ({@link Backend}), and the session
   * cache starts afresh (sessions move without binds when a gateway or a data member goes).
   */
  public void nodeLeft(ClusterMember member) {
    sessionCache.clear();
    if (member.role() == NodeRole.GATEWAY) {
      groupInterest.gatewayLeft(member.nodeId());
    }
    backend.nodeLeft(member);
  }

  /**
   * Sends the registry the whole truth about this gateway's sessions (see {@link SessionSync}); every reassert
   * follows a change of the cluster, so the session cache starts afresh too.
   */
  public void reassertSessions(String why) {
    sessionCache.clear();
    sessions.reassert(why);
    groupInterest.refreshAll();
  }

  /**
   * Another gateway bound a session of {@code user} (null: reasserted its sessions, anyone's may have changed): the
   * cached gateways are out of date.
   */
  public void sessionsChanged(String user) {
    if (user == null) {
      sessionCache.clear();
    } else {
      sessionCache.changed(user);
    }
  }

  /** Where the cluster's other gateway nodes are found, to tell them of each bind. */
  public void otherGateways(Supplier<Collection<String>> gateways) {
    sessions.otherGateways(gateways);
    groupInterest.otherGateways(gateways);
    groupInterest.refreshAll();
  }

  /** Reasserts of the sessions completed since the gateway started. */
  public long sessionsReasserted() {
    return sessions.reasserted();
  }

  /**
   * The gateway sees no data member: it has been cut off from the cluster (or frozen, and declared gone). It stops
   * accepting and says {@code BYE shutdown} to every client, which reconnects through dispatch to a gateway the
   * cluster can reach, rather than stay connected to one nobody can send to. False if it was already isolated.
   */
  public boolean isolate() {
    if (!isolated.compareAndSet(false, true)) {
      return false;
    }
    for (ClientConnection connection : connections.values()) {
      connection.context().runOnContext(v -> connection.closeWith(ByeReason.SHUTDOWN, null));
    }
    return true;
  }

  /** Back in the cluster: accepts clients again. False if it was not isolated. */
  public boolean rejoin() {
    return isolated.compareAndSet(true, false);
  }

  public boolean isIsolated() {
    return isolated.get();
  }

  /** Pushes a stored message to every connection of its recipient on this node. */
  public void deliver(String user, StoreService.InboxItem message) {
    Set<ClientConnection> targets = byUser.get(user);
    if (targets == null) {
      return;
    }
    ServerFrame frame = ServerFrame.msg(message.toJson());
    for (ClientConnection connection : targets) {
      counters.delivered();
      connection.context().runOnContext(v -> connection.push(frame));
    }
  }

  /** Pushes {@code NOTICE <text>} to every connection; returns how many were sent it. */
  public int notice(String text) {
    ServerFrame frame = ServerFrame.notice(text);
    int count = 0;
    for (ClientConnection connection : connections.values()) {
      connection.context().runOnContext(v -> connection.push(frame));
      count++;
    }
    return count;
  }

  /** Sends {@code BYE kicked} to every connection of {@code user} and closes them; returns how many. */
  public int kick(String user) {
    Set<ClientConnection> targets = byUser.get(user);
    if (targets == null) {
      return 0;
    }
    int count = 0;
    for (ClientConnection connection : targets) {
      connection.context().runOnContext(v -> connection.closeWith(ByeReason.KICKED, null));
      count++;
    }
    return count;
  }

  /** Stops accepting connections for good; false if it was already draining. */
  public boolean startDraining() {
    return draining.compareAndSet(false, true);
  }

  public boolean isDraining() {
    return draining.get();
  }

  public GatewayCounters counters() {
    return counters;
  }

  /** Closes the idle connections of one event loop; call on that loop's context. */
  public void closeIdle(Context context, long nowNanos) {
    Set<ClientConnection> ofContext = byContext.get(context);
    if (ofContext == null) {
      return;
    }
    for (ClientConnection connection : ofContext) {
      connection.checkIdle(nowNanos);
    }
  }

  /** The connections one event loop holds (what its idle sweep visits). */
  int sizeOf(Context context) {
    Set<ClientConnection> ofContext = byContext.get(context);
    return ofContext == null ? 0 : ofContext.size();
  }

  public ClientConnection get(String id) {
    return connections.get(id);
  }

  public int size() {
    return connections.size();
  }

  public Collection<ClientConnection> all() {
    return connections.values();
  }
}
