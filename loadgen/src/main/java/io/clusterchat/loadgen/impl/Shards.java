package io.clusterchat.loadgen.impl;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;

/**
 * The load generator's event loops, one context each: every connection and every pacer lives on one shard, so its
 * state needs no locks, and the shards spread the generator's own work over the cores.
 */
public final class Shards {

  /** The most sends one pacer tick makes. */
  public static final long MAX_SENDS_PER_TICK = 256;
  private static final long PACER_TICK_MILLIS = 1;

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

  /** One list per shard, for what lives there (connections, users); safe to fill from the shards' threads. */
  public <T> List<List<T>> perShard() {
    List<List<T>> lists = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      lists.add(new CopyOnWriteArrayList<>());
    }
    return lists;
  }

  /**
   * Starts a fixed-rate schedule on shard {@code shard}: every millisecond the sends that are due go to
   * {@code targets} round robin, each with its intended time, while {@code sending} holds. At most
   * {@link #MAX_SENDS_PER_TICK} a tick: when the server falls behind, the rest wait for the next tick (keeping their
   * intended times) so the event loop still reads replies. Completes with the timer id, or -1 with no targets.
   */
  public <T> Future<Long> paced(int shard, double perSecond, List<T> targets, BooleanSupplier sending,
                                ObjLongConsumer<T> send) {
    if (targets.isEmpty()) {
      return Future.succeededFuture(-1L);
    }
    Pacer pacer = new Pacer(perSecond, System.nanoTime());
    int[] next = {0};
    return periodic(shard, PACER_TICK_MILLIS, () -> {
      if (!sending.getAsBoolean()) {
        return;
      }
      for (long due = Math.min(pacer.due(System.nanoTime()), MAX_SENDS_PER_TICK); due > 0; due--) {
        send.accept(targets.get(next[0]++ % targets.size()), pacer.next());
      }
    });
  }

  /** Runs {@code task} every {@code millis} on shard {@code shard}; returns a future of the timer id. */
  public Future<Long> periodic(int shard, long millis, Runnable task) {
    return on(shard, () -> Future.succeededFuture(contexts.get(shard).owner().setPeriodic(millis, id -> task.run())));
  }
}
