package io.clusterchat.persistence.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.BusMessages;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.bus.StoreService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every {@link StoreService} address. Requests are parsed on the event loop; database work runs on a
 * worker pool (reads, ACKs, accounts) or on the append writer (group commit), never on the event loop. Failures
 * carry the protocol error code.
 */
public class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);
  private static final String WORKER_POOL = "clusterchat-store-db";

  private final PersistenceOptions options;
  private final Database database;
  private WorkerExecutor workers;
  private AppendBatcher appends;

  public StoreVerticle(PersistenceOptions options, Database database) {
    this.options = options;
    this.database = database;
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
    appends = new AppendBatcher(database, options, context);
    appends.start();
    AccountQueries accounts = new AccountQueries(database);
    InboxQueries inboxes = new InboxQueries(database);
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
        vertx.eventBus().consumer(StoreService.MESSAGE_APPEND, this::append).completion()));
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      appends.stop();
      return null;
    }).eventually(() -> workers.close());
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
    appends.submit(append).map(StoreService.Appended::toJson).onComplete(result -> reply(message, result));
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
