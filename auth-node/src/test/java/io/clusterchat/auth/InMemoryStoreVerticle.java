package io.clusterchat.auth;

import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * A stand-in for the persistence-node's account addresses ({@link StoreService#ACCOUNT_CREATE} and
 * {@link StoreService#ACCOUNT_GET}, as that contract describes them), for as long as the real persistence-node
 * cannot run in this module's tests. Swap it for {@code PersistenceNode.deploy} in {@link AuthServiceTest#startStore}.
 */
class InMemoryStoreVerticle extends VerticleBase {

  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;

  private final Map<String, JsonObject> accounts = new HashMap<>();

  @Override
  public Future<?> start() {
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(StoreService.ACCOUNT_CREATE, this::create).completion(),
        vertx.eventBus().<JsonObject>consumer(StoreService.ACCOUNT_GET, this::get).completion());
  }

  private void create(Message<JsonObject> message) {
    String address = message.body().getString("address");
    if (accounts.containsKey(address)) {
      message.fail(CONFLICT, "address taken");
      return;
    }
    accounts.put(address, new JsonObject().put("address", address).put("hash", message.body().getString("hash"))
        .put("created", System.currentTimeMillis()));
    message.reply(new JsonObject().put("address", address));
  }

  private void get(Message<JsonObject> message) {
    JsonObject account = accounts.get(message.body().getString("address"));
    if (account == null) {
      message.fail(NOT_FOUND, "no such account");
      return;
    }
    message.reply(account.copy());
  }
}
