package io.clusterchat.persistence.impl;

import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.bus.StoreService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
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
  private interface BlockingQuery {
    JsonObject run(JsonObject request) throws Exception;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor(WORKER_POOL, options.getPoolSize());
    appends = new AppendBatcher(database, options, context);
    appends.start();
    AccountQueries accounts = new AccountQueries(database);
    InboxQueries inboxes = new InboxQueries(database);
    return Future.all(List.of(
        serve(StoreService.ACCOUNT_CREATE, accounts::create),
        serve(StoreService.ACCOUNT_GET, accounts::get),
        serve(StoreService.INBOX_SYNC, inboxes::sync),
        serve(StoreService.INBOX_ACK, inboxes::ack),
        serve(StoreService.INBOX_CURSOR, inboxes::cursor),
        serve(StoreService.HISTORY, inboxes::history),
        vertx.eventBus().consumer(StoreService.MESSAGE_APPEND, this::append).completion()));
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      appends.stop();
      return null;
    }).eventually(() -> workers.close());
  }

  private Future<Void> serve(String address, BlockingQuery query) {
    return vertx.eventBus().consumer(address, (Message<Object> message) -> {
      JsonObject request = requestOf(message);
      if (request != null) {
        workers.executeBlocking(() -> query.run(request), false)
            .onComplete(result -> reply(message, result));
      }
    }).completion();
  }

  private void append(Message<Object> message) {
    JsonObject request = requestOf(message);
    if (request == null) {
      return;
    }
    PendingAppend append;
    try {
      append = PendingAppend.parse(request);
    } catch (StoreFailure e) {
      fail(message, e);
      return;
    }
    appends.submit(append).onComplete(result -> reply(message, result));
  }

  /** The request's JSON body, or {@code null} after failing the message when it has none. */
  private static JsonObject requestOf(Message<Object> message) {
    if (message.body() instanceof JsonObject) {
      return (JsonObject) message.body();
    }
    fail(message, StoreFailure.badRequest("request body must be a JSON object"));
    return null;
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
