package io.clusterchat.metrics;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * A node's readiness: named checks that the parts of the node register (the cluster join, the role, a role's
 * dependencies such as the persistence-node's database), each a future that succeeds when that part is fine.
 * The node is UP when every check succeeds in time. Like {@link NodeMetrics} it is found from the node's
 * {@link Vertx}, so a role registers its checks without knowing who serves {@code /health}.
 */
public final class NodeHealth implements Shareable {

  /**
   * A check slower than this counts as failed: a probe must get an answer. Longer than the persistence-node's
   * database connect timeout (2 s), so that a database that went away is reported with its own reason.
   */
  public static final long DEFAULT_CHECK_TIMEOUT_MILLIS = 5_000;

  private static final String LOCAL_MAP = "clusterchat.node";
  private static final String KEY = "health";

  private final Vertx vertx;
  /** Sorted by name so the report reads the same on every call. */
  private final Map<String, Supplier<Future<?>>> checks = new ConcurrentSkipListMap<>();
  private volatile JsonObject identity = new JsonObject();
  private volatile String downReason;

  private NodeHealth(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The node's health, made on first use. */
  public static NodeHealth of(Vertx vertx) {
    LocalMap<String, NodeHealth> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    NodeHealth health = map.get(KEY);
    if (health != null) {
      return health;
    }
    NodeHealth fresh = new NodeHealth(vertx);
    NodeHealth raced = map.putIfAbsent(KEY, fresh);
    return raced == null ? fresh : raced;
  }

  /** Who the node is ({@code node}, {@code role}, {@code region}), put in every report. */
  public NodeHealth identity(JsonObject identity) {
    this.identity = identity.copy();
    return this;
  }

  /**
   * Adds (or replaces) a check. It is called on an event loop for every probe and must not block: a check that
   * needs I/O runs it on a worker and returns the future.
   */
  public NodeHealth register(String name, Supplier<Future<?>> check) {
    checks.put(name, check);
    return this;
  }

  public NodeHealth unregister(String name) {
    checks.remove(name);
    return this;
  }

  /** Reports DOWN with {@code reason} from now on, whatever the checks say (the node is shutting down). */
  public void markDown(String reason) {
    this.downReason = reason;
  }

  /**
   * Runs every check; the report is {@code {"status":"UP"|"DOWN", node, role, region, "checks":{name:"UP"|
   * reason}}} plus {@code "reason"} (the first failure) when DOWN. Never fails.
   */
  public Future<JsonObject> check() {
    List<String> names = new ArrayList<>(checks.keySet());
    List<Future<String>> results = new ArrayList<>(names.size());
    for (String name : names) {
      results.add(run(checks.get(name)));
    }
    return Future.join(results).transform(done -> Future.succeededFuture(report(names, results)));
  }

  private JsonObject report(List<String> names, List<Future<String>> results) {
    JsonObject detail = new JsonObject();
    String reason = downReason;
    for (int i = 0; i < names.size(); i++) {
      String failure = results.get(i).result();
      detail.put(names.get(i), failure == null ? "UP" : failure);
      if (failure != null && reason == null) {
        reason = names.get(i) + ": " + failure;
      }
    }
    JsonObject report = new JsonObject().put("status", reason == null ? "UP" : "DOWN");
    if (reason != null) {
      report.put("reason", reason);
    }
    return report.mergeIn(identity).put("checks", detail);
  }

  /** A check's outcome as a future of null (fine) or the reason it is not; never failed. */
  private Future<String> run(Supplier<Future<?>> check) {
    if (check == null) {
      return Future.succeededFuture();
    }
    Promise<String> outcome = Promise.promise();
    long timer = vertx.setTimer(DEFAULT_CHECK_TIMEOUT_MILLIS, id -> outcome.tryComplete("timed out"));
    Future<?> result;
    try {
      result = check.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      vertx.cancelTimer(timer);
      outcome.tryComplete(done.succeeded() ? null : reasonOf(done.cause()));
    });
    return outcome.future();
  }

  private static String reasonOf(Throwable failure) {
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}
