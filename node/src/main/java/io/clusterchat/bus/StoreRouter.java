package io.clusterchat.bus;

import io.clusterchat.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends appends to the persistence-node that owns the recipient's shard, and again to the next owner when a shard
 * moves. The owner table comes from {@link StoreService#OWNERS} (asked when a shard's owner is unknown or turned
 * an append away) and from the {@link StoreService#OWNER_CHANGED} broadcasts; an entry is replaced only by one of
 * the same or a higher lease epoch.
 *
 * <p>An append is sent again only when it was certainly not stored: no node had the owner's address any more, the
 * node answered {@link StoreService#MOVED}, or nobody owned the shard; or, for an append with a client id (which
 * the store deduplicates), when its owner left the cluster while it was in flight, or when another node took the
 * shard's lease from it meanwhile (the old owner can no longer commit it: a frozen owner's appends would otherwise
 * wait out their whole deadline). Everything else fails with the
 * failure the send met, and an append still unplaced when its time is up fails 503: nothing was stored.
 */
public final class StoreRouter {

  private static final Logger LOG = LoggerFactory.getLogger(StoreRouter.class);
  /** Pause before sending again after the shard's owner was unknown or turned the append away. */
  private static final long RETRY_MILLIS = 50;
  /** Pause before sending an in-flight append again after its owner left: the new owner needs a moment. */
  private static final long RESEND_AFTER_LOSS_MILLIS = 300;
  private static final long OWNERS_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;
  private final MessageConsumer<Object> changes;
  private final Set<Attempt> inFlight = ConcurrentHashMap.newKeySet();
  /** The owner table: shard count (0 while unknown), owner member id and lease epoch per shard. */
  private int shards;
  private String[] owners = new String[0];
  private long[] epochs = new long[0];
  private Future<Void> refreshing;

  public StoreRouter(Vertx vertx) {
    this.vertx = vertx;
    this.changes = vertx.eventBus().consumer(StoreService.OWNER_CHANGED, this::ownerChanged);
  }

  /** Stops listening to owner changes. */
  public Future<Void> close() {
    return changes.unregister();
  }

  /**
   * Stores {@code append} in its shard: the reply is the {@link StoreService.Appended} JSON, or a failure as the
   * owner sent it; 503 when no owner took it within {@code timeoutMillis}.
   */
  public Future<JsonObject> append(StoreService.Append append, long timeoutMillis) {
    return start(new Attempt(append.to(), append.clientId(), StoreService::appendAddressOf, append.toJson(),
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)));
  }

  /**
   * Writes to a group's log at the owner of the group's shard, with the same sending again as {@link #append}
   * (a SEND with a client id is deduplicated by the store; any other write is sent again only when it was certainly
   * not stored): the reply is the {@link GroupService.GroupWritten} JSON, or the owner's failure.
   */
  public Future<JsonObject> groupWrite(GroupService.GroupWrite write, long timeoutMillis) {
    return start(new Attempt(write.group(), write.clientId(), GroupService::nodeWriteAddressOf, write.toJson(),
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)));
  }

  private Future<JsonObject> start(Attempt attempt) {
    inFlight.add(attempt);
    attempt.next();
    return attempt.answer.future().onComplete(done -> inFlight.remove(attempt));
  }

  /**
   * A cluster member left: shards it owned are forgotten, and appends with a client id that were in flight to it
   * are sent again, to the next owner, after a moment (the others take over its shards within seconds).
   */
  public void memberLeft(String memberId) {
    synchronized (this) {
      for (int shard = 0; shard < owners.length; shard++) {
        if (memberId.equals(owners[shard])) {
          owners[shard] = null;
        }
      }
    }
    for (Attempt attempt : inFlight) {
      if (attempt.clientId != null && memberId.equals(attempt.sentTo())) {
        vertx.setTimer(RESEND_AFTER_LOSS_MILLIS, id -> attempt.next());
      }
    }
  }

  /** The shard count as last heard, 0 while unknown. */
  public synchronized int shards() {
    return shards;
  }

  private void ownerChanged(Message<Object> message) {
    StoreService.OwnerChanged change;
    try {
      change = StoreService.OwnerChanged.fromJson(BusMessages.body(message));
    } catch (BusContractException e) {
      LOG.warn("ignored a bad {} message: {}", StoreService.OWNER_CHANGED, e.getMessage());
      return;
    }
    apply(change);
    if (change.owner() == null) {
      return;
    }
    // Appends with a client id still waiting on another node for this shard: that node lost the lease (fenced, it
    // cannot commit them now), so they go to the new owner at once; the store answers a repeat from its record.
    for (Attempt attempt : inFlight) {
      String sentTo = attempt.sentTo();
      if (attempt.clientId != null && sentTo != null && !sentTo.equals(change.owner())
          && attempt.shard() == change.shard()) {
        attempt.next();
      }
    }
  }

  private synchronized void apply(StoreService.OwnerChanged change) {
    int shard = change.shard();
    if (shard >= 0 && shard < owners.length && change.epoch() >= epochs[shard]) {
      owners[shard] = change.owner();
      epochs[shard] = change.epoch();
    }
  }

  private synchronized void apply(StoreService.Owners table) {
    if (table.shards() != shards) {
      shards = table.shards();
      owners = new String[shards];
      epochs = new long[shards];
      Arrays.fill(epochs, -1);
    }
    table.owners().forEach(this::apply);
  }

  private synchronized void forget(int shard, String owner) {
    if (shard < owners.length && owner.equals(owners[shard])) {
      owners[shard] = null;
    }
  }

  /** The owner of {@code address}'s shard, asking the store when unknown; null while the shard has none. */
  private Future<Route> route(String address) {
    Route known = knownRoute(address);
    if (known != null && known.owner() != null) {
      return Future.succeededFuture(known);
    }
    return refresh().map(v -> knownRoute(address));
  }

  private synchronized Route knownRoute(String address) {
    if (shards == 0) {
      return null;
    }
    int shard = StoreService.shardOf(address, shards);
    return new Route(shard, owners[shard]);
  }

  /** Asks any persistence-node for the owner table; concurrent callers share one request. */
  private synchronized Future<Void> refresh() {
    if (refreshing == null) {
      refreshing = vertx.eventBus().<Object>request(StoreService.OWNERS, new JsonObject(),
              new DeliveryOptions().setSendTimeout(OWNERS_TIMEOUT_MILLIS))
          .map(reply -> {
            apply(StoreService.Owners.fromJson(BusMessages.body(reply)));
            return (Void) null;
          })
          .onComplete(done -> {
            synchronized (this) {
              refreshing = null;
            }
          });
    }
    return refreshing;
  }

  /** A shard and its owner's member id (null: none now). */
  private record Route(int shard, String owner) {
  }

  /** One write on its way to its shard's owner, through moves and losses, until its time is up. */
  private final class Attempt {
    /** The address whose shard it goes to: the recipient of an append, the group of a group write. */
    private final String key;
    /** The idempotency key, or null: only a write with one may be sent again after its owner was lost. */
    private final String clientId;
    private final Function<String, String> ownerAddress;
    private final JsonObject body;
    private final long deadlineNanos;
    private final Promise<JsonObject> answer = Promise.promise();
    private volatile Throwable lastFailure;
    private String sentTo;
    private int sends;

    Attempt(String key, String clientId, Function<String, String> ownerAddress, JsonObject body,
            long deadlineNanos) {
      this.key = key;
      this.clientId = clientId;
      this.ownerAddress = ownerAddress;
      this.body = body;
      this.deadlineNanos = deadlineNanos;
    }

    synchronized String sentTo() {
      return sentTo;
    }

    /** The shard this write goes to (-1 while the shard count is unknown). */
    int shard() {
      int count = shards();
      return count == 0 ? -1 : StoreService.shardOf(key, count);
    }

    void next() {
      if (answer.future().isComplete()) {
        return;
      }
      long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (leftMillis <= 0) {
        answer.tryFail(lastFailure != null && !movable(lastFailure) ? lastFailure
            : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.UNAVAILABLE.code(),
            "no store node owns the shard"));
        return;
      }
      route(key).onComplete(routed -> {
        if (routed.failed() || routed.result() == null || routed.result().owner() == null) {
          lastFailure = routed.failed() ? routed.cause() : null;
          later();
          return;
        }
        send(routed.result(), leftMillis);
      });
    }

    private void send(Route route, long leftMillis) {
      int number;
      synchronized (this) {
        sentTo = route.owner();
        number = ++sends;
      }
      vertx.eventBus().<Object>request(ownerAddress.apply(route.owner()), body,
              new DeliveryOptions().setSendTimeout(leftMillis))
          .onComplete(result -> {
            if (result.succeeded()) {
              answer.tryComplete(BusMessages.body(result.result()));
              return;
            }
            Throwable failure = result.cause();
            if (movable(failure)) {
              forget(route.shard(), route.owner());
              lastFailure = failure;
              later();
            } else if (latest(number)) {
              // An earlier send's timeout is not the answer while a later send (after a loss) still runs.
              if (answer.tryFail(failure)) {
                LOG.warn("append to shard {} failed at owner {} (send {}): {}", route.shard(), route.owner(), number,
                    failure.toString());
              }
            }
          });
    }

    private synchronized boolean latest(int number) {
      return number == sends;
    }

    private void later() {
      vertx.setTimer(RETRY_MILLIS, id -> next());
    }
  }

  /** Whether a failure proves the append was not stored and another node may take it. */
  private static boolean movable(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return reply.failureType() == ReplyFailure.NO_HANDLERS
          || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == StoreService.MOVED;
    }
    return false;
  }
}
