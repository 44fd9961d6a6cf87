package io.clusterchat.persistence.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.BusMessages;
import io.clusterchat.metrics.NodeMetrics;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.bus.StoreRouter;
import io.clusterchat.bus.StoreService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every {@link StoreService} address. Requests are parsed on the event loop; database work runs on a
 * worker pool (reads, ACKs, accounts) or on the append writers (group commit), never on the event loop. Failures
 * carry the protocol error code.
 *
 * <p>Appends: this node takes, on its own append address, those of the shards whose lease its {@link ShardKeeper}
 * holds, each on the writer of its database and shard ({@code shard % writers}); any other is {@code MOVED}. The
 * shared {@link StoreService#MESSAGE_APPEND} address is forwarded to the owner by a {@link StoreRouter}.
 */
public class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);
  private static final String WORKER_POOL = "clusterchat-store-db";

  private final PersistenceOptions options;
  private final ShardDatabases databases;
  private final StorePeers peers;
  private WorkerExecutor workers;
  private final Map<Database, List<AppendBatcher>> writers = new HashMap<>();
  private ShardKeeper keeper;
  private ShardMeters shardMeters;
  private StoreRouter router;

  public StoreVerticle(PersistenceOptions options, ShardDatabases databases, StorePeers peers) {
    this.options = options;
    this.databases = databases;
    this.peers = peers;
  }

  /** The keeper of this node's shards (for the node's metrics and tests). */
  public ShardKeeper keeper() {
    return keeper;
  }

  /** A store request answered from a worker thread. */
  @FunctionalInterface
  /** A database read or write taking a request record to a reply record. Blocking: runs on a worker. */
  private interface BlockingQuery<Q, R> {
    R run(Q request) throws Exception;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor(WORKER_POOL, options.getPoolSize());
    for (Database database : databases.databases()) {
      List<AppendBatcher> lanes = new ArrayList<>();
      for (int lane = 0; lane < options.getWriters(); lane++) {
        AppendBatcher writer = new AppendBatcher(database, options, context, peers.self(),
            writers.size() + "-" + lane);
        writer.start();
        lanes.add(writer);
      }
      writers.put(database, lanes);
    }
    keeper = new ShardKeeper(vertx, databases, peers);
    shardMeters = new ShardMeters(NodeMetrics.of(vertx).registry(), keeper, databases.shards());
    router = new StoreRouter(vertx);
    AccountQueries accounts = new AccountQueries(databases);
    InboxQueries inboxes = new InboxQueries(databases);
    return Future.all(List.of(
        serve(StoreService.ACCOUNT_CREATE, json -> AccountQueries.Create.of(
            StoreService.AccountCreate.fromJson(json)), accounts::create,
            StoreService.AccountCreated::toJson),
        serve(StoreService.ACCOUNT_GET, StoreService.AccountGet::fromJson, accounts::get,
            StoreService.Account::toJson),
        serve(StoreService.ACCOUNT_EXISTS, StoreService.AccountGet::fromJson, accounts::exists,
            StoreService.AccountExists::toJson),
        serve(StoreService.ACCOUNT_REVOKE_TOKENS, StoreService.AccountGet::fromJson, accounts::revokeTokens,
            StoreService.AccountExists::toJson),
        serve(StoreService.INBOX_SYNC, StoreService.InboxSync::fromJson, inboxes::sync,
            StoreService.InboxPage::toJson),
        serve(StoreService.INBOX_ACK, StoreService.InboxAck::fromJson, inboxes::ack, StoreService.Acked::toJson),
        serve(StoreService.INBOX_CURSOR, StoreService.InboxCursor::fromJson, inboxes::cursor,
            StoreService.Cursor::toJson),
        serve(StoreService.HISTORY, StoreService.History::fromJson, inboxes::history,
            StoreService.HistoryPage::toJson),
        vertx.eventBus().consumer(StoreService.appendAddressOf(peers.self()), this::append).completion(),
        vertx.eventBus().consumer(StoreService.MESSAGE_APPEND, this::forward).completion(),
        vertx.eventBus().consumer(StoreService.OWNERS, message -> message.reply(keeper.owners().toJson()))
            .completion()))
        .compose(ready -> keeper.start());
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      for (List<AppendBatcher> lanes : writers.values()) {
        for (AppendBatcher writer : lanes) {
          writer.stop();
        }
      }
      keeper.close();
      shardMeters.close();
      return null;
    }).eventually(() -> router.close()).eventually(() -> workers.close());
  }

  private <Q, R> Future<Void> serve(String address, Function<JsonObject, Q> decode, BlockingQuery<Q, R> query,
                                    Function<R, JsonObject> encode) {
    return vertx.eventBus().consumer(address, (Message<Object> message) -> {
      Q request = requestOf(message, decode);
      if (request != null) {
        workers.executeBlocking(() -> encode.apply(query.run(request)), false)
            .onComplete(result -> reply(message, result));
      }
    }).completion();
  }

  /** An append for a shard this node should own: written by the shard's writer, or {@code MOVED}. */
  private void append(Message<Object> message) {
    StoreService.Append request = requestOf(message, StoreService.Append::fromJson);
    if (request == null) {
      return;
    }
    PendingAppend append;
    try {
      append = PendingAppend.of(request);
    } catch (StoreFailure e) {
      fail(message, e);
      return;
    }
    int shard = databases.shardOf(append.to);
    ShardLease lease = keeper.lease(shard);
    if (lease == null || !lease.admit()) {
      fail(message, StoreFailure.moved(shard));
      return;
    }
    append.lease = lease;
    List<AppendBatcher> lanes = writers.get(lease.database);
    lanes.get(shard % lanes.size()).submit(append).map(StoreService.Appended::toJson)
        .onComplete(result -> reply(message, result));
  }

  /** An append sent to any node: checked here, stored by its shard's owner (perhaps this node). */
  private void forward(Message<Object> message) {
    StoreService.Append request = requestOf(message, StoreService.Append::fromJson);
    if (request == null) {
      return;
    }
    try {
      PendingAppend.of(request);
    } catch (StoreFailure e) {
      fail(message, e);
      return;
    }
    router.append(request, options.getAppendDeadlineMillis()).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof ReplyException failure
          && failure.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        message.fail(failure.failureCode() == StoreService.MOVED ? ErrorCode.UNAVAILABLE.code()
            : failure.failureCode(), failure.getMessage());
      } else {
        fail(message, StoreFailure.unavailable("no store node took the append in time"));
      }
    });
  }

  /** The request's record, or {@code null} after failing the message when it is not of its contract's shape. */
  private static <Q> Q requestOf(Message<Object> message, Function<JsonObject, Q> decode) {
    try {
      return decode.apply(BusMessages.body(message));
    } catch (BusContractException e) {
      fail(message, StoreFailure.badRequest(e.getMessage()));
      return null;
    }
  }

  private static void reply(Message<Object> message, AsyncResult<JsonObject> result) {
    if (result.succeeded()) {
      message.reply(result.result());
      return;
    }
    Throwable cause = result.cause();
    if (!(cause instanceof StoreFailure)) {
      LOG.warn("{} failed: {}", message.address(), cause.toString());
    }
    fail(message, StoreFailure.of(cause));
  }

  private static void fail(Message<Object> message, StoreFailure failure) {
    message.fail(failure.failureCode(), failure.getMessage());
  }
}
