package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateways hold sessions of which groups' members, so that a group entry costs one event-bus message per
 * gateway that has a member online, not one per member and not one per gateway of the cluster.
 *
 * <p>Each gateway announces the groups its {@link LocalGroups} gained ({@link GatewayService#GROUP_INTEREST},
 * requested, so a login or JOIN can wait until every gateway knows) and lost (sent), and keeps what the others
 * announced. A new gateway asks each other one for its whole interest ({@link GatewayService#GROUP_INTEREST_SNAPSHOT})
 * and is told of changes from then on; every gateway asks again every {@value #REFRESH_MILLIS} ms, which heals a
 * change lost with a connection. What this node announced, and what it learns, changes only on one context (the
 * bus verticle's), so announcements leave in the order they were decided, and a snapshot's reply reaches the
 * asker before any change made after it.
 *
 * <p>An interest announced too widely costs a message that the gateway drops; one missing costs live pushes (the
 * members catch up with SYNC), which is why additions are confirmed before a login or JOIN is answered.
 */
final class GroupInterest {

  /** How long a login or JOIN waits at most for the other gateways to confirm a new interest. */
  static final long ANNOUNCE_TIMEOUT_MILLIS = 2_000;
  /** How often every gateway asks the others for their whole interest again. */
  static final long REFRESH_MILLIS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(GroupInterest.class);

  private final Vertx vertx;
  private final Backend backend;
  private final String nodeId;
  private volatile Context context;
  private LocalGroups local;
  private volatile Supplier<Collection<String>> otherGateways = List::of;
  /** Gateways that asked for this one's interest before this one saw them join: told of changes too. */
  private final Set<String> askers = ConcurrentHashMap.newKeySet();
  /** Groups whose local member set changed since the last announcement. */
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  /** Context only: the groups the other gateways were told this one holds. */
  private final Set<String> announced = new HashSet<>();
  /** Context only: additions still waiting for the other gateways' answers. */
  private final Map<String, Future<Void>> adding = new HashMap<>();
  /** Other gateways by group: where a group's entries go. Written on the context, read anywhere. */
  private final Map<String, Set<String>> gatewaysByGroup = new ConcurrentHashMap<>();
  /** Context only: each other gateway's groups. */
  private final Map<String, Set<String>> groupsByGateway = new HashMap<>();

  GroupInterest(Vertx vertx, Backend backend, String nodeId) {
    this.vertx = vertx;
    this.backend = backend;
    this.nodeId = nodeId;
  }

  void localGroups(LocalGroups groups) {
    this.local = groups;
  }

  /** Where the cluster's other gateways are found. */
  void otherGateways(Supplier<Collection<String>> gateways) {
    this.otherGateways = gateways;
  }

  /** Runs on {@code busContext} from now on (the gateway's bus verticle's), refreshing now and then. */
  void start(Context busContext) {
    this.context = busContext;
    busContext.owner().setPeriodic(REFRESH_MILLIS, id -> refreshAll());
  }

  /** The other gateways holding sessions of {@code group}'s members. */
  Set<String> gatewaysOf(String group) {
    Set<String> gateways = gatewaysByGroup.get(group);
    return gateways == null ? Set.of() : gateways;
  }

  /** Groups some other gateway is interested in. */
  int remoteGroups() {
    return gatewaysByGroup.size();
  }

  /** The local member set of {@code group} went from empty to not or back; announced at the next flush. */
  void changed(String group) {
    dirty.add(group);
  }

  /**
   * Announces every change so far; completes once the other gateways confirmed the additions among
   * {@code waitFor} (or did not within {@value #ANNOUNCE_TIMEOUT_MILLIS} ms). Any thread.
   */
  Future<Void> flush(Collection<String> waitFor) {
    Context busContext = context;
    if (busContext == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    busContext.runOnContext(v -> flushHere(waitFor).onComplete(done));
    return done.future();
  }

  private Future<Void> flushHere(Collection<String> waitFor) {
    List<String> add = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (String group : new ArrayList<>(dirty)) {
      dirty.remove(group);
      boolean holds = local.holds(group);
      if (holds && announced.add(group)) {
        add.add(group);
      } else if (!holds && announced.remove(group)) {
        remove.add(group);
      }
    }
    if (!add.isEmpty() || !remove.isEmpty()) {
      announce(add, remove);
    }
    List<Future<Void>> waits = new ArrayList<>();
    for (String group : waitFor) {
      Future<Void> pending = adding.get(group);
      if (pending != null) {
        waits.add(pending);
      }
    }
    return waits.isEmpty() ? Future.succeededFuture() : Future.join(waits).mapEmpty();
  }

  private void announce(List<String> add, List<String> remove) {
    Set<String> targets = new LinkedHashSet<>(otherGateways.get());
    targets.addAll(askers);
    targets.remove(nodeId);
    if (targets.isEmpty()) {
      return;
    }
    JsonObject change = new GatewayService.GroupInterest(nodeId, add, remove).toJson();
    if (add.isEmpty()) {
      targets.forEach(gateway -> backend.sendGateway(gateway, GatewayService.GROUP_INTEREST, change));
      return;
    }
    List<Future<JsonObject>> answers = new ArrayList<>(targets.size());
    for (String gateway : targets) {
      answers.add(backend.requestGateway(gateway, GatewayService.GROUP_INTEREST, change, ANNOUNCE_TIMEOUT_MILLIS));
    }
    Future<Void> confirmed = Future.join(answers).transform(all -> {
      if (all.failed()) {
        LOG.warn("not every gateway confirmed this gateway's interest in {} groups: {}", add.size(),
            all.cause().toString());
      }
      return Future.<Void>succeededFuture();
    });
    add.forEach(group -> adding.put(group, confirmed));
    confirmed.onComplete(done -> add.forEach(group -> adding.remove(group, confirmed)));
  }

  /** Another gateway's change of interest; call on the context. */
  void changedAt(GatewayService.GroupInterest change) {
    String gateway = change.node();
    if (gateway.equals(nodeId)) {
      return;
    }
    Set<String> groups = groupsByGateway.computeIfAbsent(gateway, key -> new HashSet<>());
    for (String group : change.add()) {
      groups.add(group);
      gatewaysByGroup.computeIfAbsent(group, key -> ConcurrentHashMap.newKeySet()).add(gateway);
    }
    for (String group : change.remove()) {
      groups.remove(group);
      dropGateway(group, gateway);
    }
  }

  /** Another gateway asks for this one's whole interest; call on the context. */
  GatewayService.GroupInterest snapshotFor(String asker) {
    if (!asker.equals(nodeId)) {
      askers.add(asker);
    }
    return new GatewayService.GroupInterest(nodeId, List.copyOf(announced), List.of());
  }

  /** Asks every other gateway for its whole interest. Any thread. */
  void refreshAll() {
    Context busContext = context;
    if (busContext == null) {
      return;
    }
    busContext.runOnContext(v -> {
      for (String gateway : otherGateways.get()) {
        if (!gateway.equals(nodeId)) {
          refresh(gateway);
        }
      }
    });
  }

  private void refresh(String gateway) {
    backend.requestGateway(gateway, GatewayService.GROUP_INTEREST_SNAPSHOT,
            new GatewayService.GroupInterestAsk(nodeId).toJson(), ANNOUNCE_TIMEOUT_MILLIS)
        .map(GatewayService.GroupInterest::fromJson)
        .onSuccess(snapshot -> replace(gateway, new HashSet<>(snapshot.add())))
        .onFailure(e -> LOG.debug("no group interest from {} now: {}", gateway, e.toString()));
  }

  /** Replaces what is known of one gateway's interest; on the context (reply handlers run there). */
  private void replace(String gateway, Set<String> groups) {
    Set<String> before = groupsByGateway.put(gateway, groups);
    if (before != null) {
      for (String group : before) {
        if (!groups.contains(group)) {
          dropGateway(group, gateway);
        }
      }
    }
    for (String group : groups) {
      gatewaysByGroup.computeIfAbsent(group, key -> ConcurrentHashMap.newKeySet()).add(gateway);
    }
  }

  /** A gateway left the cluster: none of its interest holds. Any thread. */
  void gatewayLeft(String gateway) {
    Context busContext = context;
    if (busContext == null) {
      return;
    }
    busContext.runOnContext(v -> {
      askers.remove(gateway);
      Set<String> groups = groupsByGateway.remove(gateway);
      if (groups != null) {
        groups.forEach(group -> dropGateway(group, gateway));
      }
    });
  }

  private void dropGateway(String group, String gateway) {
    gatewaysByGroup.computeIfPresent(group, (key, gateways) -> {
      gateways.remove(gateway);
      return gateways.isEmpty() ? null : gateways;
    });
  }
}
