package io.clusterchat.session;

import io.clusterchat.session.impl.SessionVerticle;
import io.clusterchat.session.impl.SessionSweepVerticle;
import com.hazelcast.map.IMap;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.session.impl.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A session-store node's part: the session registry (user -> live sessions) in the Hazelcast IMap
 * {@link ClusterNode#SESSIONS_MAP}, served on the {@code SessionService} addresses ({@link SessionVerticle}) and
 * kept free of dead gateways' sessions ({@link SessionSweepVerticle}).
 *
 * <p>Runs on a data member only: the registry lives in the data members' partitions with one synchronous backup.
 * Any number of session-store nodes may run; they share the one map.
 */
public final class SessionStore {

  private final SessionStoreOptions options;

  private SessionStore(SessionStoreOptions options) {
    this.options = options;
  }

  /** Deploys the session-store's verticles on the node; fails at once on a lite member. */
  public static Future<SessionStore> deploy(ClusterNode node, SessionStoreOptions options) {
    if (!node.options().getRole().dataMember()) {
      return Future.failedFuture(new IllegalArgumentException("the session store must run on a data member "
          + "(session-store or coordinator), not on " + node.options().describe()));
    }
    SessionStoreOptions config = new SessionStoreOptions(options);
    Vertx vertx = node.vertx();
    // Getting a map proxy may wait for the cluster: not on an event loop.
    Future<IMap<String, String>> map = vertx.executeBlocking(() ->
        node.clusterManager().getHazelcastInstance().getMap(ClusterNode.SESSIONS_MAP));
    return map.compose(sessions -> {
      SessionRegistry registry = new SessionRegistry(vertx, sessions);
      return vertx.deployVerticle(new SessionVerticle(node.view(), registry, config))
          .compose(id -> vertx.deployVerticle(new SessionSweepVerticle(node.view(), registry, config)));
    }).map(id -> new SessionStore(config));
  }

  public SessionStoreOptions options() {
    return options;
  }
}
