package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.ByeReason;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves every client of a draining gateway elsewhere: in batches, each connection is pushed
 * {@code RECONNECT <host> <port>} of a target (round robin over the targets), then {@code BYE drain}, and closed.
 * Batches keep a region's other gateways from taking every reconnect, RESUME and SYNC in the same instant.
 *
 * <p>Runs on the context that calls {@link #run()}; completes with the number of connections moved once the node
 * has none left (connections accepted in the instant draining began are moved too).
 */
public final class Drain {

  /** Where a moved client is sent. */
  public record Target(String host, int port) {
  }

  private final Vertx vertx;
  private final ConnectionRegistry registry;
  private final List<Target> targets;
  private final int batchSize;
  private final long batchIntervalMillis;
  private final Set<String> told = new HashSet<>();
  private final Promise<Integer> done = Promise.promise();

  public Drain(Vertx vertx, ConnectionRegistry registry, List<Target> targets, int batchSize,
               long batchIntervalMillis) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("a drain needs at least one target");
    }
    if (batchSize < 1 || batchIntervalMillis < 1) {
      throw new IllegalArgumentException("batch size and interval must be positive");
    }
    this.vertx = vertx;
    this.registry = registry;
    this.targets = List.copyOf(targets);
    this.batchSize = batchSize;
    this.batchIntervalMillis = batchIntervalMillis;
  }

  /** Starts the first batch now; the registry must already refuse new connections. */
  public Future<Integer> run() {
    batch();
    return done.future();
  }

  private void batch() {
    int sent = 0;
    for (ClientConnection connection : registry.all()) {
      if (sent == batchSize) {
        break;
      }
      if (told.add(connection.id())) {
        Target target = targets.get((told.size() - 1) % targets.size());
        ServerFrame reconnect = ServerFrame.reconnect(target.host(), target.port());
        connection.context().runOnContext(v -> connection.closeWith(ByeReason.DRAIN, reconnect));
        sent++;
      }
    }
    if (sent == 0 && registry.size() == 0) {
      done.complete(told.size());
    } else {
      vertx.setTimer(batchIntervalMillis, id -> batch());
    }
  }
}
