package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.GroupService;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a stored group entry to every live session of the group's members but the one that wrote it: to this
 * node's member sessions directly ({@link LocalGroups}), and one event-bus message to each other gateway that holds
 * a member session ({@link GroupInterest}), which pushes to its own; never one message per member.
 *
 * <p>A membership change (create, join, invite, leave, remove) also moves its subject's sessions into or out of the
 * group, wherever they are: its gateways (from the session cache, else the session-store) are asked, and the write
 * is answered only once they did it or {@value GroupInterest#ANNOUNCE_TIMEOUT_MILLIS} ms passed. So after
 * {@code OK JOIN} every session of the user gets the group's pushes, and after {@code OK LEAVE} none does.
 */
final class GroupDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(GroupDelivery.class);

  private final String nodeId;
  private final Backend backend;
  private final Delivery delivery;
  private final LocalGroups local;
  private final GroupInterest interest;
  private final ConnectionRegistry registry;

  GroupDelivery(String nodeId, Backend backend, Delivery delivery, LocalGroups local, GroupInterest interest,
                ConnectionRegistry registry) {
    this.nodeId = nodeId;
    this.backend = backend;
    this.delivery = delivery;
    this.local = local;
    this.interest = interest;
    this.registry = registry;
  }

  /** The user whose membership an entry changes, or null for a message. */
  static String subjectOf(GroupService.GroupEntry entry) {
    if (entry.isMessage()) {
      return null;
    }
    return entry.user() != null ? entry.user() : entry.from();
  }

  /** Whether an entry makes its subject a member (else it ends its membership). */
  static boolean joins(GroupService.GroupEntry entry) {
    GroupService.Op op = GroupService.Op.of(entry.event());
    return op == GroupService.Op.CREATE || op == GroupService.Op.JOIN || op == GroupService.Op.INVITE;
  }

  /** The push of an entry, in both spellings. */
  static ServerFrame frameOf(GroupService.GroupEntry entry) {
    return entry.isMessage()
        ? ServerFrame.gmsg(entry.group(), entry.seq(), entry.msg(), entry.from(), entry.ts(), entry.text())
        : ServerFrame.gevent(entry.group(), entry.seq(), entry.ts(), entry.event(), entry.from(), subjectOf(entry));
  }

  /**
   * Pushes a newly stored entry written from connection {@code origin}; completes once a membership change it makes
   * is in force on every gateway of its subject (at once for a message).
   */
  Future<Void> deliver(GroupService.GroupEntry entry, ClientConnection origin) {
    String skip = origin.id();
    String subject = subjectOf(entry);
    Set<String> others = new LinkedHashSet<>(interest.gatewaysOf(entry.group()));
    others.remove(nodeId);
    if (subject == null) {
      pushHere(entry, skip, null, false);
      JsonObject push = new GatewayService.GroupDeliver(entry, skip, null, false).toJson();
      others.forEach(gateway -> backend.sendGateway(gateway, GatewayService.GROUP_DELIVER, push));
      return Future.succeededFuture();
    }
    boolean joined = joins(entry);
    Future<Void> here = pushHere(entry, skip, subject, joined);
    return delivery.gatewaysOf(subject).recover(e -> {
      LOG.warn("no sessions found for {} ({}); its other gateways learn of its {} of {} at their next login",
          subject, e.toString(), entry.event(), entry.group());
      return Future.succeededFuture(List.of());
    }).compose(subjectGateways -> {
      List<Future<?>> confirmations = new ArrayList<>();
      confirmations.add(here);
      JsonObject plain = new GatewayService.GroupDeliver(entry, skip, null, false).toJson();
      JsonObject withMember = new GatewayService.GroupDeliver(entry, skip, subject, joined).toJson();
      Set<String> targets = new LinkedHashSet<>(others);
      targets.addAll(subjectGateways);
      targets.remove(nodeId);
      for (String gateway : targets) {
        if (subjectGateways.contains(gateway)) {
          confirmations.add(backend.requestGateway(gateway, GatewayService.GROUP_DELIVER, withMember,
              GroupInterest.ANNOUNCE_TIMEOUT_MILLIS));
        } else {
          backend.sendGateway(gateway, GatewayService.GROUP_DELIVER, plain);
        }
      }
      return Future.join(confirmations).transform(all -> {
        if (all.failed()) {
          LOG.warn("not every gateway of {} confirmed its {} of {}: {}", subject, entry.event(), entry.group(),
              all.cause().toString());
        }
        return Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * Pushes an entry to this node's member sessions but {@code skip}, moving {@code subject}'s sessions here into the
   * group first ({@code joined}) or out of it after; completes once a new interest in the group is confirmed.
   */
  Future<Void> pushHere(GroupService.GroupEntry entry, String skip, String subject, boolean joined) {
    String group = entry.group();
    Collection<ClientConnection> subjectConnections = subject == null ? List.of() : registry.connectionsOf(subject);
    if (subject != null) {
      local.userChanged(subject);
    }
    if (subject != null && joined) {
      subjectConnections.forEach(connection -> local.join(connection, List.of(group)));
    }
    ServerFrame frame = frameOf(entry);
    // One task per event loop, not one per member: a large group's members share a few loops.
    Map<Context, List<ClientConnection>> byLoop = new HashMap<>();
    for (ClientConnection connection : local.connectionsOf(group)) {
      if (!connection.id().equals(skip)) {
        byLoop.computeIfAbsent(connection.context(), key -> new ArrayList<>()).add(connection);
      }
    }
    byLoop.forEach((loop, connections) -> {
      registry.counters().delivered(connections.size());
      loop.runOnContext(v -> connections.forEach(connection -> connection.push(frame)));
    });
    if (subject != null && !joined) {
      subjectConnections.forEach(connection -> local.leave(connection, group));
    }
    return subject == null ? Future.succeededFuture() : interest.flush(List.of(group));
  }
}
