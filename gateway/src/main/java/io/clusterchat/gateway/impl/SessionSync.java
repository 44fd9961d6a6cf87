package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.SessionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the session registry true to this gateway's connections; every bind and unbind goes through here. An
 * unbind that fails (the session-store down, a request lost with a dying member) is not left for a sweep that may
 * never come: the gateway reasserts, telling the registry the whole truth about its sessions
 * ({@link SessionService#REASSERT}) in pages at a new round, and the last page drops whatever of this gateway's
 * sessions the round did not name. A reassert is also started when a data member leaves (requests routed to it in
 * its last seconds may be lost) and after a merge (the cluster dropped this gateway's sessions while it was split
 * off). One runs at a time and is retried with a growing pause until it succeeds; asking for another while one
 * runs makes it run once more afterwards, on fresh state.
 */
final class SessionSync {

  /** Sessions per reassert page: a page is one bus message of some tens of KB. */
  static final int PAGE_SIZE = 500;
  private static final long FIRST_RETRY_MILLIS = 500;
  private static final long MAX_RETRY_MILLIS = 5_000;
  /** How long a bind waits at most for another gateway to confirm it dropped the user's cached sessions. */
  static final long ANNOUNCE_TIMEOUT_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(SessionSync.class);

  private final Vertx vertx;
  private final Backend backend;
  private final SessionCache cache;
  /** The other gateway nodes of the cluster, told of each bind; none for a gateway alone. */
  private volatile Supplier<Collection<String>> otherGateways = List::of;
  private final String nodeId;
  private final String region;
  /** Sessions bound or being bound, user by connection id: what a reassert tells. */
  private final Map<String, String> bound = new ConcurrentHashMap<>();
  /** The current reassert round; binds carry it, so a round in progress never drops them. */
  private final AtomicLong round = new AtomicLong();
  private final AtomicLong reasserted = new AtomicLong();
  // The reassert's state, guarded by this.
  private boolean running;
  private boolean again;
  private long retryMillis = FIRST_RETRY_MILLIS;
  private long retryTimer = -1;

  SessionSync(Vertx vertx, Backend backend, SessionCache cache, String nodeId, String region) {
    this.vertx = vertx;
    this.backend = backend;
    this.cache = cache;
    this.nodeId = nodeId;
    this.region = region;
  }

  /** Where the other gateway nodes are found: each is told of every bind (see {@link SessionCache}). */
  void otherGateways(Supplier<Collection<String>> gateways) {
    this.otherGateways = gateways;
  }

  /**
   * Records the session in the registry, then tells every gateway that the user's sessions changed and waits for
   * their answers (a gateway that gives none within {@value #ANNOUNCE_TIMEOUT_MILLIS} ms is not waited for): from
   * then on no gateway pushes to this user from a cached list that lacks the new session.
   */
  Future<JsonObject> bind(String connectionId, String user) {
    bound.put(connectionId, user);
    return backend.request(SessionService.BIND,
            new SessionService.Bind(user, nodeId, connectionId, region, round.get()).toJson())
        .compose(reply -> announce(user).map(reply));
  }

  /** Tells the registry a session ended; if it cannot be told now, the gateway reasserts until it can. */
  void unbind(String connectionId, String user) {
    bound.remove(connectionId, user);
    backend.request(SessionService.UNBIND, new SessionService.Unbind(user, connectionId).toJson())
        // Other gateways are not told: an ended session they still cache costs a push the gateway ignores, until
        // the entry expires or the user binds again.
        .onSuccess(reply -> cache.changed(user))
        .onFailure(e -> {
          LOG.warn("session {} of {} not unbound ({}); reasserting this gateway's sessions", connectionId, user,
              e.toString());
          reassert("an unbind failed");
        });
  }

  /**
   * Drops {@code user} (null: everyone) from this gateway's session cache and every other gateway's; completes once
   * all answered.
   */
  private Future<Void> announce(String user) {
    if (user == null) {
      cache.clear();
    } else {
      cache.changed(user);
    }
    Collection<String> gateways = otherGateways.get();
    if (gateways.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject changed = new GatewayService.SessionsChanged(user).toJson();
    List<Future<JsonObject>> answers = new ArrayList<>(gateways.size());
    for (String gateway : gateways) {
      answers.add(backend.requestGateway(gateway, GatewayService.SESSIONS_CHANGED, changed,
          ANNOUNCE_TIMEOUT_MILLIS));
    }
    return Future.join(answers).transform(all -> {
      if (all.failed()) {
        // A gateway that cannot be reached is dying or cut off: its cache expires, or is cleared when it leaves.
        LOG.warn("not every gateway confirmed that {}'s sessions changed: {}", user == null ? "anyone" : user,
            all.cause().toString());
      }
      return Future.succeededFuture();
    });
  }

  /** Starts a reassert, or makes the running one go once more (at once, if it is pausing before a retry). */
  void reassert(String why) {
    synchronized (this) {
      if (running) {
        again = true;
        if (retryTimer >= 0 && vertx.cancelTimer(retryTimer)) {
          retryTimer = -1;
          again = false;
          vertx.runOnContext(v -> runRound());
        }
        return;
      }
      running = true;
    }
    LOG.info("reasserting this gateway's {} sessions: {}", bound.size(), why);
    runRound();
  }

  /** Reasserts that completed since the gateway started. */
  long reasserted() {
    return reasserted.get();
  }

  int bound() {
    return bound.size();
  }

  private void runRound() {
    long thisRound = round.incrementAndGet();
    Map<String, String> told = new HashMap<>(bound);
    List<SessionService.Live> live = new ArrayList<>(told.size());
    told.forEach((connection, user) -> live.add(new SessionService.Live(user, connection)));
    sendPages(live, 0, thisRound).onComplete(done -> {
      if (done.succeeded()) {
        finished(told);
      } else {
        retry(done.cause());
      }
    });
  }

  private Future<Void> sendPages(List<SessionService.Live> live, int from, long thisRound) {
    int to = Math.min(from + PAGE_SIZE, live.size());
    boolean last = to == live.size();
    SessionService.Reassert page = new SessionService.Reassert(nodeId, region, thisRound, live.subList(from, to),
        last);
    return backend.request(SessionService.REASSERT, page.toJson())
        .compose(reply -> last ? Future.succeededFuture() : sendPages(live, to, thisRound));
  }

  private void finished(Map<String, String> told) {
    boolean more;
    synchronized (this) {
      retryMillis = FIRST_RETRY_MILLIS;
      more = again;
      again = false;
      running = more;
    }
    reasserted.incrementAndGet();
    LOG.info("reasserted {} sessions (round {})", told.size(), round.get());
    // The registry may hold sessions again that other gateways cached as gone (while this one was cut off, say).
    announce(null);
    // A session that ended while the round ran may have been told again after its unbind: unbind it once more.
    told.forEach((connection, user) -> {
      if (!user.equals(bound.get(connection))) {
        unbind(connection, user);
      }
    });
    if (more) {
      runRound();
    }
  }

  private void retry(Throwable failure) {
    long pause;
    synchronized (this) {
      pause = retryMillis;
      retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      // The retry tells the state of its own moment: whatever asked meanwhile is covered.
      again = false;
      retryTimer = vertx.setTimer(pause, id -> {
        synchronized (this) {
          retryTimer = -1;
        }
        runRound();
      });
    }
    LOG.warn("reassert of this gateway's sessions failed ({}); again in {} ms", failure.toString(), pause);
  }
}
