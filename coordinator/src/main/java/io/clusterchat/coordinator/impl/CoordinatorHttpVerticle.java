package io.clusterchat.coordinator.impl;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.http.HttpHardening;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's HTTP API:
 *
 * <ul>
 *   <li>{@code GET /health}: readiness (joined the cluster);</li>
 *   <li>{@code GET /api/dispatch?region=r}: the least-loaded live accepting gateway of the region (PROTOCOL.md),
 *       with its {@code tlsPort} and {@code wsUrl} when it offers them;</li>
 *   <li>behind {@code Authorization: Bearer <admin token>}: {@code GET /api/cluster},
 *       {@code POST /api/gateways/{node}/drain}, {@code POST /api/notice}, {@code POST /api/users/{address}/kick};</li>
 *   <li>{@code /chat/}: the browser chat client, which talks to the gateways over WebSocket (dispatch names them);</li>
 *   <li>everything else: the dashboard's static files from the classpath's {@code webroot/}.</li>
 * </ul>
 */
public class CoordinatorHttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorHttpVerticle.class);
  private static final int OK = 200;
  private static final int ACCEPTED = 202;
  private static final long DASHBOARD_MAX_AGE_SECONDS = 60;
  private static final int BAD_REQUEST = 400;
  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;
  private static final int UNAVAILABLE = 503;
  private static final long MAX_BODY_BYTES = 16 * 1024;

  private final ClusterNode node;
  private final CoordinatorOptions options;
  private final GatewayRegistry registry;
  private final ClusterAdmin admin;
  private HttpServer server;

  public CoordinatorHttpVerticle(ClusterNode node, CoordinatorOptions options, GatewayRegistry registry,
                                 ClusterAdmin admin) {
    this.node = node;
    this.options = options;
    this.registry = registry;
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // First of all: no ambiguous framing, and the browser headers on every answer (API and dashboard alike).
    router.route().handler(routing -> {
      if (!HttpHardening.refuseAmbiguousFraming(routing.request())) {
        HttpHardening.securityHeaders(routing.response());
        routing.next();
      }
    });
    router.get("/health").handler(this::health);
    router.get("/api/dispatch").handler(this::dispatch);
    // Every other /api route is the admin API.
    router.route("/api/*").handler(new AdminAuth(options.getAdminToken()));
    router.get("/api/cluster").handler(this::cluster);
    router.post("/api/gateways/:node/drain").handler(this::drain);
    router.post("/api/notice").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES)).handler(this::notice);
    router.post("/api/users/:address/kick").handler(this::kick);
    router.route("/api/*").handler(routing -> json(routing, NOT_FOUND, error("no such API route")));
    // The chat client (webroot/chat): its pages may open WebSockets to the gateways, on their own origins.
    // The router takes "/chat" for "/chat/" as well: only the bare path is sent on (relative links need the slash).
    router.getWithRegex("/chat$").handler(routing -> routing.redirect("/chat/"));
    router.route("/chat/*").handler(routing -> {
      routing.response().putHeader("Content-Security-Policy", HttpHardening.CHAT_CONTENT_SECURITY_POLICY);
      routing.next();
    });
    // The dashboard (its files are the dashboard's own, under src/main/resources/webroot).
    // Short cache: after an upgrade browsers pick up the new dashboard within a minute.
    router.route("/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(DASHBOARD_MAX_AGE_SECONDS));
    server = vertx.createHttpServer();
    return server.requestHandler(router)
        .listen(options.getHttpPort(), options.getHttpHost())
        .onSuccess(s -> LOG.info("coordinator HTTP API on {}:{}", options.getHttpHost(), s.actualPort()));
  }

  /** Ready when this node is an active cluster member. */
  private void health(RoutingContext routing) {
    boolean joined = node.clusterManager().isActive();
    JsonObject body = new JsonObject()
        .put("status", joined ? "UP" : "DOWN")
        .put("node", node.options().getNodeId())
        .put("role", node.options().getRole().wireName())
        .put("members", joined ? node.view().members().size() : 0);
    json(routing, joined ? OK : UNAVAILABLE, body);
  }

  /** 200 with the gateway; 404 for a region no gateway has reported from; 503 when none of it is live. */
  private void dispatch(RoutingContext routing) {
    String region = routing.request().getParam("region");
    if (!Limits.isRegion(region)) {
      json(routing, BAD_REQUEST, error("region must match " + Limits.REGION));
      return;
    }
    GatewayRegistry.Dispatch found = registry.dispatch(region);
    if (found instanceof GatewayRegistry.Found hit) {
      GatewayEntry gateway = hit.gateway();
      json(routing, OK, new JsonObject().put("region", region).put("node", gateway.node())
          .mergeIn(gateway.endpoints()));
    } else if (found instanceof GatewayRegistry.UnknownRegion) {
      json(routing, NOT_FOUND, error("no gateway serves region " + region));
    } else {
      json(routing, UNAVAILABLE, error("no gateway of region " + region + " is live now; retry shortly"));
    }
  }

  private void cluster(RoutingContext routing) {
    admin.overview().onComplete(done -> {
      if (done.succeeded()) {
        json(routing, OK, done.result());
      } else {
        json(routing, UNAVAILABLE, error(done.cause().getMessage()));
      }
    });
  }

  /** Run by the leading coordinator, whichever coordinator the request came to. */
  private void drain(RoutingContext routing) {
    admin.drain(routing.pathParam("node")).onSuccess(start -> {
      if (start instanceof ClusterAdmin.Started started) {
        json(routing, ACCEPTED, new JsonObject().put("node", started.node()).put("state", GatewayEntry.DRAINING)
            .put("targets", new JsonArray(started.targets())));
      } else if (start instanceof ClusterAdmin.UnknownGateway unknown) {
        json(routing, NOT_FOUND, error("no live gateway " + unknown.node()));
      } else if (start instanceof ClusterAdmin.Unavailable unavailable) {
        json(routing, UNAVAILABLE, error(unavailable.reason()));
      } else {
        json(routing, CONFLICT, error(((ClusterAdmin.Refused) start).reason()));
      }
    });
  }

  /** Body {@code {"text":s,"region":s?}}: to every gateway, or those of one region. */
  private void notice(RoutingContext routing) {
    JsonObject body;
    try {
      body = routing.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    Object text = body == null ? null : body.getValue("text");
    Object region = body == null ? null : body.getValue("region");
    if (!(text instanceof String) || ((String) text).isBlank() || ((String) text).indexOf('\n') >= 0
        || ((String) text).indexOf('\r') >= 0
        || !Limits.isTextLength((String) text)) {
      // A NOTICE is one protocol line: the same limit as a message's text.
      json(routing, BAD_REQUEST, error("body must be {\"text\":s,\"region\":s?}: text of one line, at most "
          + Limits.MAX_TEXT_BYTES + " bytes"));
      return;
    }
    if (region != null && !(region instanceof String && Limits.isRegion((String) region))) {
      json(routing, BAD_REQUEST, error("region must match " + Limits.REGION));
      return;
    }
    if (region != null && !registry.knownRegions().contains(region)) {
      json(routing, NOT_FOUND, error("no gateway serves region " + region));
      return;
    }
    List<String> told = admin.notice((String) text, (String) region);
    json(routing, OK, new JsonObject().put("gateways", new JsonArray(told)));
  }

  private void kick(RoutingContext routing) {
    String raw = routing.pathParam("address");
    String user;
    try {
      if (raw == null || raw.indexOf('@') < 0) {
        throw new IllegalArgumentException();
      }
      user = UserAddress.parse(raw, null);
    } catch (RuntimeException e) {
      json(routing, BAD_REQUEST, error("a user address is name@region"));
      return;
    }
    admin.kick(user).onComplete(done -> {
      if (done.succeeded()) {
        json(routing, OK, done.result());
      } else {
        json(routing, UNAVAILABLE, error("session-store did not answer: " + done.cause().getMessage()));
      }
    });
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  private static void json(RoutingContext routing, int status, JsonObject body) {
    routing.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body.encode());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
