package io.clusterchat.gateway.impl;

import io.clusterchat.bus.AuthService;
import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.ResentRequests;
import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreRouter;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests to back-end nodes over the event bus, always with the gateway's request timeout: a node that is down
 * or slow fails the request (then {@code ERR 503} via {@link Failures}), never hangs it. Every request is timed
 * by address ({@code clusterchat_bus_request_seconds}), which also counts the gateway's stored SENDs.
 *
 * <p>A request that a node took just before it died gets no answer, and would only fail when the timeout ends,
 * seconds after Hazelcast has told everyone the node is gone. So a request that is safe to send twice (reads, and
 * writes that are idempotent: a session's bind or unbind, an ACK) is sent again at once when a node of a role that
 * serves it leaves the cluster, and the first answer of any of its sends is the answer. REGISTER is never sent
 * twice: its answer must say whether something was stored.
 *
 * <p>Appends go through a {@link StoreRouter} to the owner of the recipient's shard, and again to the next owner
 * when the shard moved or its owner died (then only with a client id, which the store deduplicates). Each carries a
 * wall-clock deadline {@value #APPEND_ANSWER_MARGIN_MILLIS} ms before the request timeout: the store commits
 * nothing past it, so an append still unanswered at the timeout was not stored, as {@code ERR 503} says.
 */
final class Backend {

  /** The requests sent again when a node of one of these roles leaves the cluster while they are in flight. */
  private static final Map<String, Set<NodeRole>> RESENT_ON_LOSS = resentOnLoss();
  /** Time kept between an append's store deadline and the gateway's timeout, for the reply's way back. */
  static final long APPEND_ANSWER_MARGIN_MILLIS = 1_000;

  private final Vertx vertx;
  private final long timeoutMillis;
  private final DeliveryOptions delivery;
  private final GatewayMeters meters;
  private final StoreRouter store;
  private final ResentRequests resent;

  Backend(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMillis);
    this.meters = GatewayMeters.of(vertx);
    this.store = new StoreRouter(vertx);
    this.resent = new ResentRequests(vertx, this::requestOnce);
  }

  /** Stores a message in its recipient's shard: the {@link StoreService.Appended} JSON, or the failure. */
  Future<JsonObject> append(String from, String to, String text, String clientId) {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + Math.max(0, timeoutMillis - APPEND_ANSWER_MARGIN_MILLIS);
    return store.append(new StoreService.Append(from, to, text, clientId, deadline), timeoutMillis)
        .onComplete(done -> meters.busRequest(StoreService.MESSAGE_APPEND, System.nanoTime() - start,
            done.succeeded()));
  }


  Future<JsonObject> request(String address, JsonObject body) {
    Set<NodeRole> servedBy = RESENT_ON_LOSS.get(address);
    return servedBy == null ? requestOnce(address, body) : resent.request(address, body, servedBy);
  }

  /**
   * A node left the cluster: the requests it may have taken along are sent again ({@link ResentRequests}), and
   * a persistence-node's shards are forgotten by the store router.
   */
  void nodeLeft(ClusterMember member) {
    if (member.role() == NodeRole.PERSISTENCE_NODE) {
      store.memberLeft(member.memberId());
    }
    resent.nodeLeft(member.role());
  }

  /**
   * A request that is never sent twice, waiting {@code timeoutMillis} for its answer instead of the gateway's
   * request timeout.
   */
  Future<JsonObject> requestWaiting(String address, JsonObject body, long timeoutMillis) {
    return requestOnce(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  private Future<JsonObject> requestOnce(String address, JsonObject body) {
    return requestOnce(address, body, delivery);
  }

  private Future<JsonObject> requestOnce(String address, JsonObject body, DeliveryOptions options) {
    long start = System.nanoTime();
    return vertx.eventBus().<JsonObject>request(address, body, options)
        .onComplete(done -> meters.busRequest(address, System.nanoTime() - start, done.succeeded()))
        .map(Message::body);
  }

  /** A request to another gateway node's own address, an action of {@link GatewayService}, never sent twice. */
  Future<JsonObject> requestGateway(String nodeId, String action, JsonObject body, long timeoutMillis) {
    long start = System.nanoTime();
    // Timed by action, not by node: the metric's tags stay the services' constants.
    String metric = GatewayService.ADDRESS_PREFIX + action;
    return vertx.eventBus().<JsonObject>request(GatewayService.address(nodeId), body,
            new DeliveryOptions().setSendTimeout(timeoutMillis).addHeader(GatewayService.ACTION, action))
        .onComplete(done -> meters.busRequest(metric, System.nanoTime() - start, done.succeeded()))
        .map(Message::body);
  }

  /** A message to another gateway node's own address, an action of {@link GatewayService}, without answer. */
  void sendGateway(String nodeId, String action, JsonObject body) {
    vertx.eventBus().send(GatewayService.address(nodeId), body, new DeliveryOptions().addHeader(GatewayService.ACTION,
        action));
  }

  /**
   * Writes to a group's log at its shard's owner ({@link StoreRouter#groupWrite}), with a commit deadline as for
   * appends: the {@link GroupService.GroupWritten} JSON, or the failure.
   */
  Future<JsonObject> groupWrite(GroupService.GroupWrite write) {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + Math.max(0, timeoutMillis - APPEND_ANSWER_MARGIN_MILLIS);
    return store.groupWrite(write.withDeadline(deadline), timeoutMillis)
        .onComplete(done -> meters.busRequest(GroupService.WRITE, System.nanoTime() - start, done.succeeded()));
  }

  void send(String address, JsonObject body, DeliveryOptions options) {
    vertx.eventBus().send(address, body, options);
  }

  private static Map<String, Set<NodeRole>> resentOnLoss() {
    // Sessions live in the data members' maps: the loss of any data member may hold up a session request.
    Set<NodeRole> sessions = EnumSet.of(NodeRole.SESSION_STORE, NodeRole.COORDINATOR);
    Set<NodeRole> auth = EnumSet.of(NodeRole.AUTH_NODE);
    Set<NodeRole> store = EnumSet.of(NodeRole.PERSISTENCE_NODE);
    Map<String, Set<NodeRole>> resent = new HashMap<>();
    for (String address : List.of(SessionService.BIND, SessionService.UNBIND, SessionService.LOOKUP,
        SessionService.REASSERT)) {
      resent.put(address, sessions);
    }
    resent.put(AuthService.LOGIN, auth);
    resent.put(AuthService.RESUME, auth);
    for (String address : List.of(StoreService.INBOX_CURSOR, StoreService.INBOX_SYNC, StoreService.INBOX_ACK,
        StoreService.HISTORY, StoreService.ACCOUNT_EXISTS, GroupService.SYNC, GroupService.ACK, GroupService.MEMBERS,
        GroupService.LIST, GroupService.HISTORY)) {
      resent.put(address, store);
    }
    return Map.copyOf(resent);
  }
}
