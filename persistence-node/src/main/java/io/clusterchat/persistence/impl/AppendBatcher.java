package io.clusterchat.persistence.impl;

import io.clusterchat.persistence.PersistenceOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the writes of a lane's shards (inbox appends and group writes) queue up here and one writer thread
 * takes them in batches (up to the batch max size, or whatever arrived within the batch max delay of the first),
 * stores the appends of a batch in one transaction and its group writes in another, and answers them on the
 * verticle's context after the commit. The queue is bounded: beyond it writes fail 503.
 *
 * <p>The writer is a plain thread, never interrupted: H2 closes its database file when a thread doing I/O on it is
 * interrupted, so stopping is a flag the writer checks between batches.
 */
public final class AppendBatcher {

  private static final Logger LOG = LoggerFactory.getLogger(AppendBatcher.class);
  /** How often an idle writer looks at the stop flag. */
  private static final long IDLE_POLL_MILLIS = 100;

  private final AppendWriter writer;
  private final GroupWriter groupWriter;
  private final Context context;
  private final BlockingQueue<PendingWrite<?>> queue;
  private final int batchMaxSize;
  private final long batchMaxDelayNanos;
  private final long appendDeadlineNanos;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * A writer of {@code database}, one of {@code databases}, for this node ({@code owner}: its cluster member id),
   * its thread named after {@code name}.
   */
  public AppendBatcher(Database database, ShardDatabases databases, PersistenceOptions options, Context context,
                       String owner, String name) {
    this.writer = new AppendWriter(database, StoreMeters.of(context.owner()), owner);
    this.groupWriter = new GroupWriter(database, databases, options.getMaxGroupMembers(), owner);
    this.context = context;
    this.queue = new ArrayBlockingQueue<>(options.getMaxPendingAppends());
    this.batchMaxSize = options.getBatchMaxSize();
    this.batchMaxDelayNanos = TimeUnit.MILLISECONDS.toNanos(options.getBatchMaxDelayMillis());
    this.appendDeadlineNanos = TimeUnit.MILLISECONDS.toNanos(options.getAppendDeadlineMillis());
    this.thread = new Thread(this::run, "clusterchat-store-writer-" + name);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Queues a write; the future completes once its batch committed or failed. */
  public <R> Future<R> submit(PendingWrite<R> write) {
    if (!running) {
      // Nothing stored: the router sends it to the shard's next owner.
      write.refused();
      return Future.failedFuture(StoreFailure.moved(write.lease.shard));
    }
    if (!queue.offer(write)) {
      write.refused();
      return Future.failedFuture(StoreFailure.unavailable("store overloaded"));
    }
    return write.future();
  }

  /**
   * Lets the writer finish its batch, then fails what is still queued as moved (nothing stored). Blocks: call off
   * the event loop.
   */
  public void stop() throws InterruptedException {
    running = false;
    thread.join();
    List<PendingWrite<?>> left = new ArrayList<>();
    queue.drainTo(left);
    // Nothing of these was stored: the router sends them to the shards' next owners.
    left.forEach(write -> write.fail(StoreFailure.moved(write.lease.shard)));
    answer(left);
  }

  private void run() {
    while (running) {
      List<PendingWrite<?>> batch = withoutExpired(nextBatch());
      if (batch.isEmpty()) {
        continue;
      }
      List<PendingAppend> appends = new ArrayList<>(batch.size());
      List<PendingGroupWrite> groupWrites = new ArrayList<>();
      for (PendingWrite<?> write : batch) {
        if (write instanceof PendingGroupWrite groupWrite) {
          groupWrites.add(groupWrite);
        } else {
          appends.add((PendingAppend) write);
        }
      }
      try {
        if (!appends.isEmpty()) {
          writer.write(appends);
        }
        if (!groupWrites.isEmpty()) {
          groupWriter.write(groupWrites);
        }
      } catch (RuntimeException e) {
        LOG.error("shard writer failed on a batch of {}", batch.size(), e);
      }
      answer(batch);
    }
  }

  private List<PendingWrite<?>> nextBatch() {
    List<PendingWrite<?>> batch = new ArrayList<>();
    try {
      PendingWrite<?> first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (first == null) {
        return batch;
      }
      batch.add(first);
      queue.drainTo(batch, batchMaxSize - batch.size());
      long deadline = System.nanoTime() + batchMaxDelayNanos;
      while (batch.size() < batchMaxSize) {
        long left = deadline - System.nanoTime();
        PendingWrite<?> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
        if (next == null) {
          break;
        }
        batch.add(next);
        queue.drainTo(batch, batchMaxSize - batch.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
    return batch;
  }

  /**
   * Fails (503, nothing written) the appends that waited past the append deadline: their gateways are about to give
   * up on them, and a commit after that would store a message whose sender was told it was not stored.
   */
  private List<PendingWrite<?>> withoutExpired(List<PendingWrite<?>> batch) {
    long now = System.nanoTime();
    List<PendingWrite<?>> expired = new ArrayList<>();
    batch.removeIf(write -> {
      boolean late = write.expired(now, appendDeadlineNanos);
      if (late) {
        expired.add(write);
      }
      return late;
    });
    if (!expired.isEmpty()) {
      LOG.warn("store overloaded: {} writes waited over {} ms and fail 503 unwritten", expired.size(),
          TimeUnit.NANOSECONDS.toMillis(appendDeadlineNanos));
      StoreFailure overloaded = StoreFailure.unavailable("store overloaded: not written");
      expired.forEach(write -> write.fail(overloaded));
      answer(expired);
    }
    return batch;
  }

  /** One hop to the verticle's context per batch; writes still undecided fail 503. */
  private void answer(List<PendingWrite<?>> batch) {
    if (!batch.isEmpty()) {
      context.runOnContext(v -> batch.forEach(PendingWrite::complete));
    }
  }
}
