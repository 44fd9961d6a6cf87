package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin API does, over the event bus: the cluster overview, drain, notice and kick. Every request has a
 * timeout; a node that does not answer in time is shown as unreachable (overview) or skipped (kick).
 */
public final class ClusterAdmin {

  /** A node's {@code state} in the overview when it answered its status request (gateways show their own). */
  public static final String UP = "up";
  /** A node's {@code state} when it did not answer its status request in time. */
  public static final String UNREACHABLE = "unreachable";
  /** A gateway that answers but has not reported its load yet. */
  public static final String UNREPORTED = "unreported";

  /** Why a drain could not start, or that it did. */
  public sealed interface DrainStart {
  }

  /** Started: the gateway moves its clients to these targets (node ids). */
  public record Started(String node, List<String> targets) implements DrainStart {
  }

  /** No live gateway of this id. */
  public record UnknownGateway(String node) implements DrainStart {
  }

  /** The drain cannot start: already draining, or nowhere to send the clients. */
  public record Refused(String reason) implements DrainStart {
  }

  /** The leading coordinator did not answer (leadership moving): nothing was done. */
  public record Unavailable(String reason) implements DrainStart {
  }

  private static final Logger LOG = LoggerFactory.getLogger(ClusterAdmin.class);
  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;
  /** How many of the largest groups the overview lists. */
  private static final int LARGEST_GROUPS = 10;

  private final Vertx vertx;
  private final ClusterNode node;
  private final GatewayRegistry registry;
  private final StoreShards shards;
  private final CoordinatorOptions options;
  private final DeliveryOptions request;

  public ClusterAdmin(ClusterNode node, GatewayRegistry registry, StoreShards shards, CoordinatorOptions options) {
    this.vertx = node.vertx();
    this.node = node;
    this.registry = registry;
    this.shards = shards;
    this.options = options;
    this.request = new DeliveryOptions().setSendTimeout(options.getRequestTimeoutMillis());
  }

  /**
   * {@code {"nodes":[...],"regions":{...},"rates":{...},"store":{...},"groups":{...},"leader":id,"answeredBy":id}}:
   * every member of the cluster with its status (asked of each node, in parallel) and, for gateways, its latest load
   * report; the store's shard map ({@link StoreShards#toJson()}); the number of groups and the largest ones
   * ({@link GroupService.GroupStats}, null when no persistence-node answered); the leading coordinator, and the
   * coordinator that answered.
   */
  public Future<JsonObject> overview() {
    List<ClusterMember> members = new ArrayList<>(node.view().members());
    members.removeIf(member -> member.nodeId() == null);
    members.sort(Comparator.comparing((ClusterMember m) -> m.role() == null ? "" : m.role().wireName())
        .thenComparing(ClusterMember::nodeId));
    List<Future<JsonObject>> statuses = new ArrayList<>();
    for (ClusterMember member : members) {
      statuses.add(vertx.eventBus().<JsonObject>request(NodeStatusVerticle.address(member.nodeId()),
          new JsonObject(), request).map(Message::body).otherwise((JsonObject) null));
    }
    String leader = node.view().leader(NodeRole.COORDINATOR).map(ClusterMember::nodeId).orElse(null);
    // Groups are counted by a persistence-node; without one (or in time) the overview says nothing of them.
    Future<JsonObject> groups = vertx.eventBus().<JsonObject>request(GroupService.STATS,
            new GroupService.StatsQuery(LARGEST_GROUPS).toJson(), request)
        .map(Message::body).otherwise((JsonObject) null);
    statuses.add(groups);
    return Future.join(statuses).transform(done -> {
      JsonArray nodes = new JsonArray();
      for (int i = 0; i < members.size(); i++) {
        nodes.add(describe(members.get(i), statuses.get(i).result(), leader));
      }
      GatewayRegistry.Rates rates = registry.rates();
      return Future.succeededFuture(new JsonObject()
          .put("nodes", nodes)
          .put("regions", regions())
          .put("rates", new JsonObject()
              .put("sendsPerSecond", rates.sendsPerSecond())
              .put("deliveriesPerSecond", rates.deliveriesPerSecond()))
          .put("store", shards.toJson())
          .put("groups", groups.result())
          .put("leader", leader)
          .put("answeredBy", node.options().getNodeId()));
    });
  }

  private JsonObject describe(ClusterMember member, JsonObject status, String leader) {
    JsonObject described = new JsonObject()
        .put("node", member.nodeId())
        .put("role", member.role() == null ? null : member.role().wireName())
        .put("region", member.region())
        .put("address", member.address())
        .put("host", null)
        .put("port", null)
        .put("connections", null)
        .put("uptime", status == null ? null : status.getLong("uptime"))
        .put("state", status == null ? UNREACHABLE : UP);
    if (member.role() == NodeRole.COORDINATOR) {
      described.put("leader", member.nodeId().equals(leader));
    }
    if (member.role() == NodeRole.GATEWAY) {
      GatewayEntry gateway = registry.get(member.nodeId()).orElse(null);
      if (gateway != null) {
        described.put("host", gateway.host()).put("port", gateway.port()).put("connections", gateway.connections())
            .put("sendsPerSecond", gateway.sendsPerSecond())
            .put("deliveriesPerSecond", gateway.deliveriesPerSecond());
        if (status != null) {
          described.put("state", gateway.state());
        }
      } else if (status != null) {
        described.put("state", UNREPORTED);
      }
    }
    return described;
  }

  /** Per region: live gateways and their connections. Regions known but without a live gateway show zeros. */
  private JsonObject regions() {
    Map<String, int[]> counts = new TreeMap<>();
    registry.knownRegions().forEach(region -> counts.put(region, new int[2]));
    for (GatewayEntry gateway : registry.live()) {
      int[] count = counts.computeIfAbsent(gateway.region(), region -> new int[2]);
      count[0]++;
      count[1] += gateway.connections();
    }
    JsonObject regions = new JsonObject();
    counts.forEach((region, count) ->
        regions.put(region, new JsonObject().put("gateways", count[0]).put("connections", count[1])));
    return regions;
  }

  /**
   * Starts draining {@code gatewayNode}, on the leading coordinator: here if this node leads, else asked of the
   * leader, so two drains ordered through two coordinators at once are still checked one after the other (neither
   * can take away the other's last target). Completes once the drain has started; the drain runs on and its outcome
   * is logged by the leader.
   */
  public Future<DrainStart> drain(String gatewayNode) {
    ClusterMember leader = node.view().leader(NodeRole.COORDINATOR).orElse(null);
    if (leader == null || leader.memberId().equals(node.view().local().memberId())) {
      return Future.succeededFuture(drainHere(gatewayNode));
    }
    DeliveryOptions ask = new DeliveryOptions(request)
        .addHeader(CoordinatorService.ACTION, CoordinatorService.DRAIN);
    return vertx.eventBus().<JsonObject>request(CoordinatorService.address(leader.nodeId()),
            new CoordinatorService.DrainGateway(gatewayNode).toJson(), ask)
        .map(reply -> {
          CoordinatorService.DrainStarted started = CoordinatorService.DrainStarted.fromJson(reply.body());
          return (DrainStart) new Started(started.node(), started.targets());
        })
        .recover(e -> Future.succeededFuture(leaderRefused(leader, gatewayNode, e)));
  }

  private static DrainStart leaderRefused(ClusterMember leader, String gatewayNode, Throwable e) {
    if (e instanceof ReplyException reply && reply.failureCode() == NOT_FOUND) {
      return new UnknownGateway(gatewayNode);
    }
    if (e instanceof ReplyException reply && reply.failureCode() == CONFLICT) {
      return new Refused(reply.getMessage());
    }
    LOG.warn("drain of gateway {}: the leading coordinator {} did not take it: {}", gatewayNode, leader.nodeId(),
        e.toString());
    return new Unavailable("the leading coordinator " + leader.nodeId() + " did not take the drain ("
        + e.getMessage() + "); retry shortly");
  }

  /**
   * Starts draining {@code gatewayNode} from this coordinator, which must lead: its clients go to the other accepting
   * gateways of its region. Every coordinator hears at once that the gateway is out of dispatch. Synchronized: the
   * check and the mark are one step, whichever context asks.
   */
  public synchronized DrainStart drainHere(String gatewayNode) {
    GatewayEntry gateway = registry.get(gatewayNode).orElse(null);
    if (gateway == null) {
      return new UnknownGateway(gatewayNode);
    }
    if (!gateway.accepting()) {
      return new Refused("gateway " + gatewayNode + " is already draining");
    }
    List<GatewayEntry> targets = new ArrayList<>(registry.accepting(gateway.region()));
    targets.removeIf(target -> target.node().equals(gatewayNode));
    if (targets.isEmpty()) {
      return new Refused("gateway " + gatewayNode + " is the only accepting gateway of region " + gateway.region()
          + ": start another one first");
    }
    registry.markDraining(gatewayNode);
    vertx.eventBus().publish(CoordinatorService.DRAIN_MARK, new CoordinatorService.DrainMark(gatewayNode, true)
        .toJson());
    List<GatewayService.Target> to = new ArrayList<>();
    targets.forEach(target -> to.add(new GatewayService.Target(target.host(), target.port(), target.transports())));
    JsonObject body = new GatewayService.Drain(to, options.getDrainBatchSize(),
        options.getDrainBatchIntervalMillis()).toJson();
    DeliveryOptions drainRequest = new DeliveryOptions().setSendTimeout(options.getDrainTimeoutMillis())
        .addHeader(GatewayService.ACTION, GatewayService.DRAIN);
    LOG.info("draining gateway {} to {}", gatewayNode, to);
    vertx.eventBus().<JsonObject>request(GatewayService.address(gatewayNode), body, drainRequest)
        .onSuccess(reply -> LOG.info("gateway {} drained: {} clients moved", gatewayNode,
            GatewayService.Drained.fromJson(reply.body()).moved()))
        .onFailure(e -> {
          LOG.warn("drain of gateway {} failed: {}", gatewayNode, e.toString());
          if (!(e instanceof ReplyException reply && reply.failureCode() == CONFLICT)) {
            registry.unmarkDraining(gatewayNode);
            vertx.eventBus().publish(CoordinatorService.DRAIN_MARK,
                new CoordinatorService.DrainMark(gatewayNode, false).toJson());
          }
        });
    List<String> targetNodes = new ArrayList<>();
    targets.forEach(target -> targetNodes.add(target.node()));
    return new Started(gatewayNode, targetNodes);
  }

  /**
   * Pushes a NOTICE to every connection of every live gateway, or of one region's.
   *
   * @return the gateways told
   */
  public List<String> notice(String text, String region) {
    DeliveryOptions notice = new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.NOTICE);
    List<String> told = new ArrayList<>();
    for (GatewayEntry gateway : registry.live()) {
      if (region == null || region.equals(gateway.region())) {
        vertx.eventBus().send(GatewayService.address(gateway.node()), new GatewayService.Notice(text).toJson(),
            notice);
        told.add(gateway.node());
      }
    }
    return told;
  }

  /**
   * Revokes every token of {@code user} (so a kicked client cannot RESUME back in) and sends {@code BYE kicked} to
   * every session of it: the session-store says which gateways hold them, each closes its connections of the user.
   * Completes with {@code {"kicked":n,"gateways":[...],"tokensRevoked":b}}; a gateway that does not answer in time
   * counts zero.
   */
  public Future<JsonObject> kick(String user) {
    return vertx.eventBus().<JsonObject>request(StoreService.ACCOUNT_REVOKE_TOKENS,
            new StoreService.AccountGet(user).toJson(), request)
        .map(revoked -> true)
        .otherwise(e -> {
          LOG.warn("tokens of {} not revoked: {}", user, e.toString());
          return false;
        })
        .compose(revoked -> kickSessions(user).map(result -> result.put("tokensRevoked", revoked)));
  }

  private Future<JsonObject> kickSessions(String user) {
    DeliveryOptions kick = new DeliveryOptions(request).addHeader(GatewayService.ACTION, GatewayService.KICK);
    return vertx.eventBus().<JsonObject>request(SessionService.LOOKUP, new SessionService.Lookup(user).toJson(),
            request)
        .map(lookup -> SessionService.Sessions.fromJson(lookup.body()))
        .compose(found -> {
          Set<String> gateways = new LinkedHashSet<>();
          found.sessions().forEach(session -> gateways.add(session.gateway()));
          List<Future<Integer>> kicks = new ArrayList<>();
          for (String gateway : gateways) {
            kicks.add(vertx.eventBus().<JsonObject>request(GatewayService.address(gateway),
                    new GatewayService.Kick(user).toJson(), kick)
                .map(reply -> GatewayService.Kicked.fromJson(reply.body()).kicked())
                .otherwise(e -> {
                  LOG.warn("kick of {} on gateway {} failed: {}", user, gateway, e.toString());
                  return 0;
                }));
          }
          return Future.join(kicks).transform(done -> {
            int kicked = kicks.stream().mapToInt(Future::result).sum();
            LOG.info("kicked {}: {} connections on {}", user, kicked, gateways);
            return Future.succeededFuture(new JsonObject().put("kicked", kicked)
                .put("gateways", new JsonArray(new ArrayList<>(gateways))));
          });
        });
  }
}
