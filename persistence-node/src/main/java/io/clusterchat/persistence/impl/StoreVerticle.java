package io.clusterchat.persistence.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.BusMessages;
import io.clusterchat.bus.GroupService;
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
 * shared {@link StoreService#MESSAGE_APPEND} address is forwarded to the owner by a {@link StoreRouter}. Group
 * writes ({@link GroupService}) go the same way, on the writer of the group's shard; group reads are served by
 * any node.
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
        AppendBatcher writer = new AppendBatcher(database, databases, options, context, peers.self(),
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
        serveAccountsAndInboxes(accounts, inboxes),
        serveGroups(new GroupQueries(databases)),
        vertx.eventBus().consumer(StoreService.appendAddressOf(peers.self()), this::append).completion(),
        vertx.eventBus().consumer(StoreService.MESSAGE_APPEND, this::forward).completion(),
        vertx.eventBus().consumer(StoreService.OWNERS, message -> message.reply(keeper.owners().toJson()))
            .completion()))
        .compose(ready -> keeper.start());
  }

  private Future<?> serveAccountsAndInboxes(AccountQueries accounts, InboxQueries inboxes) {
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
            StoreService.HistoryPage::toJson)));
  }

  /** Group reads on the worker pool of any node; group writes on the writer of the group's shard. */
  private Future<?> serveGroups(GroupQueries groups) {
    return Future.all(List.of(
        serve(GroupService.SYNC, GroupService.GroupSync::fromJson, groups::sync, GroupService.GroupPage::toJson),
        serve(GroupService.ACK, GroupService.GroupAck::fromJson, groups::ack, GroupService.GroupAcked::toJson),
        serve(GroupService.MEMBERS, GroupService.MembersQuery::fromJson, groups::members,
            GroupService.MembersPage::toJson),
        serve(GroupService.LIST, GroupService.UserGroups::fromJson, groups::list, GroupService.GroupList::toJson),
        serve(GroupService.STATS, GroupService.StatsQuery::fromJson, groups::stats, GroupService.GroupStats::toJson),
        serve(GroupService.HISTORY, GroupService.GroupHistory::fromJson, groups::history,
            StoreService.HistoryPage::toJson),
        vertx.eventBus().consumer(GroupService.nodeWriteAddressOf(peers.self()), this::groupWrite).completion(),
        vertx.eventBus().consumer(GroupService.WRITE, this::forwardGroupWrite).completion()));
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
    Future<StoreService.Appended> written = submit(append, databases.shardOf(append.to));
    written.map(StoreService.Appended::toJson).onComplete(result -> reply(message, result));
  }

  /** A group write for a shard this node should own: written by the shard's writer, or {@code MOVED}. */
  private void groupWrite(Message<Object> message) {
    GroupService.GroupWrite request = requestOf(message, GroupService.GroupWrite::fromJson);
    if (request == null) {
      return;
    }
    PendingGroupWrite write;
    try {
      write = PendingGroupWrite.of(request);
    } catch (StoreFailure e) {
      fail(message, e);
      return;
    }
    Future<GroupService.GroupWritten> written = submit(write, databases.shardOf(write.group));
    written.map(GroupService.GroupWritten::toJson).onComplete(result -> reply(message, result));
  }

  /**
   * Queues a write on its shard's writer ({@code shard % writers} of the shard's database), the one lane that
   * writes everything of that shard; {@code MOVED} unless this node holds the shard's lease.
   */
  private <R> Future<R> submit(PendingWrite<R> write, int shard) {
    ShardLease lease = keeper.lease(shard);
    if (lease == null || !lease.admit()) {
      return Future.failedFuture(StoreFailure.moved(shard));
    }
    write.lease = lease;
    List<AppendBatcher> lanes = writers.get(lease.database);
    return lanes.get(shard % lanes.size()).submit(write);
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
    router.append(request, options.getAppendDeadlineMillis())
        .onComplete(result -> replyForwarded(message, result, "append"));
  }

  /** A group write sent to any node: checked here, written by the owner of the group's shard. */
  private void forwardGroupWrite(Message<Object> message) {
    GroupService.GroupWrite request = requestOf(message, GroupService.GroupWrite::fromJson);
    if (request == null) {
      return;
    }
    try {
      PendingGroupWrite.of(request);
    } catch (StoreFailure e) {
      fail(message, e);
      return;
    }
    router.groupWrite(request, options.getAppendDeadlineMillis())
        .onComplete(result -> replyForwarded(message, result, "group write"));
  }

  /** The owner's answer to a forwarded write; {@code MOVED} (never for a client) reads as 503 here. */
  private static void replyForwarded(Message<Object> message, AsyncResult<JsonObject> result, String what) {
    if (result.succeeded()) {
      message.reply(result.result());
    } else if (result.cause() instanceof ReplyException failure
        && failure.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      message.fail(failure.failureCode() == StoreService.MOVED ? ErrorCode.UNAVAILABLE.code()
          : failure.failureCode(), failure.getMessage());
    } else {
      fail(message, StoreFailure.unavailable("no store node took the " + what + " in time"));
    }
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
