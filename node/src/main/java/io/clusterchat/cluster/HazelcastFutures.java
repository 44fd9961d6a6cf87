package io.clusterchat.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/** Hazelcast's asynchronous results as Vert.x futures. */
public final class HazelcastFutures {

  private HazelcastFutures() {
  }

  /**
   * The stage as a future completed on the calling context. Hazelcast runs a stage's callbacks on its default async
   * executor, which on a machine whose common fork-join pool has a single thread (2 cores) starts a new thread per
   * callback: at a few thousand calls a second that alone stalls the node. So the callback is handed straight to
   * the context instead.
   */
  public static <T> Future<T> onContext(Vertx vertx, CompletionStage<T> stage) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure == null) {
        promise.complete(value);
      } else {
        promise.fail(failure);
      }
    }, task -> context.runOnContext(v -> task.run()));
    return promise.future();
  }
}
