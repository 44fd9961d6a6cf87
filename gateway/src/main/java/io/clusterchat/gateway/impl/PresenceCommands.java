package io.clusterchat.gateway.impl;

import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/** WHO: the regions of the gateways where a user has live sessions, from the session-store. */
final class PresenceCommands {

  private final GatewayOptions options;
  private final Backend backend;

  PresenceCommands(GatewayOptions options, Backend backend) {
    this.options = options;
    this.backend = backend;
  }

  void register(Commands commands) {
    commands.with(Command.WHO, this::who);
  }

  private Future<ServerFrame> who(ClientConnection connection, Request request) {
    String user = UserAddress.parse(request.string("user"), options.getRegion());
    return backend.request(SessionService.LOOKUP, new SessionService.Lookup(user).toJson())
        .map(SessionService.Sessions::fromJson)
        .compose(found -> answer(user, found));
  }

  private Future<ServerFrame> answer(String user, SessionService.Sessions found) {
    TreeSet<String> regions = new TreeSet<>();
    found.sessions().forEach(session -> regions.add(session.region()));
    if (regions.isEmpty()) {
      // Offline or unknown: only the store can tell which (an online user surely exists).
      return requireAccount(user).map(exists -> ServerFrame.ok(Command.WHO, user + " offline",
          () -> new JsonObject().put("address", user).put("online", false).put("regions", new JsonArray())));
    }
    List<String> sorted = List.copyOf(regions);
    return Future.succeededFuture(ServerFrame.ok(Command.WHO, user + " online " + String.join(",", sorted),
        () -> new JsonObject().put("address", user).put("online", true).put("regions", new JsonArray(sorted))));
  }

  /** Succeeds if the account exists; fails 404 if not. Asks only whether it exists: no hash reaches a gateway. */
  Future<Void> requireAccount(String address) {
    return backend.request(StoreService.ACCOUNT_EXISTS, new StoreService.AccountGet(address).toJson())
        .map(StoreService.AccountExists::fromJson)
        .compose(found -> found.exists() ? Future.succeededFuture()
            : Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "no such user")));
  }
}
