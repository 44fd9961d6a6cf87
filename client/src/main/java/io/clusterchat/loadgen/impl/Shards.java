package io.clusterchat.loadgen.impl;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The load generator's event loops, one context each: every connection and every pacer lives on one shard, so its
 * state needs no locks, and the shards spread the generator's own work over the cores.
 */
public final class Shards {

  private final List<Context> contexts;

  private Shards(List<Context> contexts) {
    this.contexts = List.copyOf(contexts);
  }

  /** One shard per instance of an empty verticle: Vert.x gives each instance its own event-loop context. */
  public static Future<Shards> start(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)).map(id -> new Shards(contexts));
  }

  public int size() {
    return contexts.size();
  }

  /** The shard of item {@code index} (round robin). */
  public int shardOf(int index) {
    return index % contexts.size();
  }

  /** Runs {@code work} on shard {@code shard}; the future completes with its result. */
  public <T> Future<T> on(int shard, Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    contexts.get(shard).runOnContext(v -> {
      try {
        work.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return result.future();
  }

  /** Runs {@code task} every {@code millis} on shard {@code shard}; returns a future of the timer id. */
  public Future<Long> periodic(int shard, long millis, Runnable task) {
    return on(shard, () -> Future.succeededFuture(contexts.get(shard).owner().setPeriodic(millis, id -> task.run())));
  }
}
