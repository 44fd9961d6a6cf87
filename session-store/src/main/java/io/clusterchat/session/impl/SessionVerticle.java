package io.clusterchat.session.impl;

import io.clusterchat.session.SessionStoreOptions;
import io.clusterchat.bus.SessionService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterView;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link SessionService#BIND}, {@link SessionService#UNBIND} and {@link SessionService#LOOKUP} from the
 * registry. Failures carry protocol error codes: 400 for a malformed request, 429 for a user at its session limit,
 * 503 for a gateway that is not a live cluster member or a registry fault.
 */
public class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final ClusterView view;
  private final SessionRegistry registry;
  private final SessionStoreOptions options;

  public SessionVerticle(ClusterView view, SessionRegistry registry, SessionStoreOptions options) {
    this.view = view;
    this.registry = registry;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        serve(SessionService.BIND, this::bind),
        serve(SessionService.UNBIND, this::unbind),
        serve(SessionService.LOOKUP, this::lookup),
        serve(SessionService.REASSERT, this::reassert));
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, message -> handle(message, handler));
    return consumer.completion();
  }

  private static void handle(Message<Object> message, Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> reply;
    try {
      reply = handler.apply(Requests.body(message.body()));
    } catch (RequestFailure e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(message::reply).onFailure(failure -> fail(message, failure));
  }

  private static void fail(Message<Object> message, Throwable failure) {
    if (failure instanceof RequestFailure) {
      message.fail(((RequestFailure) failure).code().code(), failure.getMessage());
    } else {
      LOG.warn("session request to {} failed", message.address(), failure);
      message.fail(ErrorCode.UNAVAILABLE.code(), "session registry unavailable: " + failure.getMessage());
    }
  }

  private Future<JsonObject> bind(JsonObject body) {
    SessionService.Bind request = Requests.read(() -> SessionService.Bind.fromJson(body));
    String user = Requests.field(request.user(), "user");
    String gateway = Requests.field(request.gateway(), "gateway");
    String connection = Requests.field(request.connection(), "connection");
    String region = Requests.field(request.region(), "region");
    ClusterMember member = liveGateway(gateway);
    if (member == null) {
      // Its sessions could never be dropped by a leave event: refuse rather than store a zombie.
      return Future.failedFuture(new RequestFailure(ErrorCode.UNAVAILABLE,
          "gateway " + gateway + " is not a live gateway of the cluster"));
    }
    Session session = new Session(gateway, connection, region, System.currentTimeMillis(), member.memberId(),
        request.round());
    return registry.bind(user, session, options.getMaxSessionsPerUser()).compose(bound -> bound
        ? Future.succeededFuture(new JsonObject())
        : Future.failedFuture(new RequestFailure(ErrorCode.TOO_MANY_REQUESTS,
            user + " already has " + options.getMaxSessionsPerUser() + " live sessions")));
  }

  private Future<JsonObject> unbind(JsonObject body) {
    SessionService.Unbind request = Requests.read(() -> SessionService.Unbind.fromJson(body));
    String user = Requests.field(request.user(), "user");
    String connection = Requests.field(request.connection(), "connection");
    return registry.unbind(user, connection).map(nothing -> new JsonObject());
  }

  /**
   * One page of a gateway's reassert: binds every session at the page's round (no session limit: these sessions are
   * live, the limit was checked when each was first bound); the last page then drops the gateway's sessions of
   * earlier rounds.
   */
  private Future<JsonObject> reassert(JsonObject body) {
    SessionService.Reassert request = Requests.read(() -> SessionService.Reassert.fromJson(body));
    String gateway = Requests.field(request.gateway(), "gateway");
    String region = Requests.field(request.region(), "region");
    ClusterMember member = liveGateway(gateway);
    if (member == null) {
      return Future.failedFuture(new RequestFailure(ErrorCode.UNAVAILABLE,
          "gateway " + gateway + " is not a live gateway of the cluster"));
    }
    long now = System.currentTimeMillis();
    List<Future<Boolean>> binds = new ArrayList<>(request.sessions().size());
    for (SessionService.Live live : request.sessions()) {
      Session session = new Session(gateway, Requests.field(live.connection(), "connection"), region, now,
          member.memberId(), request.round());
      binds.add(registry.bind(Requests.field(live.user(), "user"), session, Integer.MAX_VALUE));
    }
    Future<Integer> dropped = Future.all(binds).compose(bound -> request.last()
        ? registry.drop(DropProcessor.staleOf(member.memberId(), request.round()))
        : Future.succeededFuture(0));
    return dropped.map(count -> {
      if (count > 0) {
        LOG.info("dropped {} ended sessions of gateway {} (reassert round {})", count, gateway, request.round());
      }
      return new JsonObject();
    });
  }

  private Future<JsonObject> lookup(JsonObject body) {
    SessionService.Lookup request = Requests.read(() -> SessionService.Lookup.fromJson(body));
    return registry.lookup(Requests.field(request.user(), "user")).map(SessionVerticle::sessionsReply);
  }

  private static JsonObject sessionsReply(List<Session> sessions) {
    List<SessionService.Session> found = new ArrayList<>(sessions.size());
    sessions.forEach(session -> found.add(session.contract()));
    return new SessionService.Sessions(found).toJson();
  }

  /**
   * The gateway member with this node id. Should a restarted gateway briefly coexist with its dead former self
   * (same node id, another port), the newest member wins: the member list is in join order, and the live one is
   * the one binding.
   */
  private ClusterMember liveGateway(String nodeId) {
    ClusterMember found = null;
    for (ClusterMember member : view.members()) {
      if (member.role() == NodeRole.GATEWAY && nodeId.equals(member.nodeId())) {
        found = member;
      }
    }
    return found;
  }
}
