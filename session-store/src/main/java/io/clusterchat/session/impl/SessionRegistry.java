package io.clusterchat.session.impl;

import com.hazelcast.map.IMap;
import io.clusterchat.cluster.HazelcastFutures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The registry user -> live sessions on the Hazelcast IMap {@code ClusterNode.SESSIONS_MAP}. Every change is an
 * entry processor on the user's key, so concurrent binds and unbinds of one user from several gateways never lose
 * an update. Per-key calls are Hazelcast's async variants; partition-wide drops block, so they run on a worker.
 * Futures complete on the caller's context.
 */
public final class SessionRegistry {

  private final Vertx vertx;
  private final IMap<String, String> map;

  public SessionRegistry(Vertx vertx, IMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  /** True when bound; false when the user already holds {@code maxSessions} sessions. */
  public Future<Boolean> bind(String user, Session session, int maxSessions) {
    return adapt(map.submitToKey(user, new BindProcessor(session, maxSessions)));
  }

  public Future<Void> unbind(String user, String connection) {
    return adapt(map.submitToKey(user, new UnbindProcessor(connection)));
  }

  public Future<List<Session>> lookup(String user) {
    return adapt(map.getAsync(user)).map(Session::decode);
  }

  /** Drops the sessions of every user matching {@code processor}; the number dropped. Runs on a worker. */
  public Future<Integer> drop(DropProcessor processor) {
    return vertx.executeBlocking(() -> sum(map.executeOnEntries(processor)));
  }

  private <T> Future<T> adapt(CompletionStage<T> stage) {
    return HazelcastFutures.onContext(vertx, stage);
  }

  private static int sum(Map<String, Integer> droppedPerUser) {
    int total = 0;
    for (Integer dropped : droppedPerUser.values()) {
      total += dropped == null ? 0 : dropped;
    }
    return total;
  }
}
