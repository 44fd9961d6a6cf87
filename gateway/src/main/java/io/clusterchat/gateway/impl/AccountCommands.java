package io.clusterchat.gateway.impl;

import io.clusterchat.bus.AuthService;
import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** REGISTER, LOGIN and RESUME: auth-node for the account, session-store for the binding, store for the cursor. */
final class AccountCommands {

  /**
   * How long past its own deadline the gateway waits for a REGISTER's answer: the auth-node and the store write
   * nothing past the deadline (less a margin), so by the end of this wait a missing answer means nothing was stored.
   */
  static final long REGISTER_ANSWER_GRACE_MILLIS = 5_000;

  /** How often a login reads its groups at most while membership changes of the user keep arriving. */
  private static final int GROUP_LIST_READS = 3;

  private final GatewayOptions options;
  private final Backend backend;
  private final ConnectionRegistry registry;

  AccountCommands(GatewayOptions options, Backend backend, ConnectionRegistry registry) {
    this.options = options;
    this.backend = backend;
    this.registry = registry;
  }

  void register(Commands commands) {
    commands.with(Command.REGISTER, this::registerUser)
        .with(Command.LOGIN, this::login)
        .with(Command.RESUME, this::resume);
  }

  private Future<ServerFrame> registerUser(ClientConnection connection, Request request) {
    String name = UserAddress.name(request.string("name"));
    String password = checkPassword(request.string("password"));
    // Nothing may be stored past the deadline. The answer may take a while longer to come back (a reply over a
    // connection still being set up), so the gateway waits past the deadline for it: its own 503, when that wait
    // ends too, is the truth as well.
    AuthService.Register register = new AuthService.Register(name, options.getRegion(), password,
        connection.remoteHost(), System.currentTimeMillis() + options.getRequestTimeoutMillis());
    return backend.requestWaiting(AuthService.REGISTER, register.toJson(),
            options.getRequestTimeoutMillis() + REGISTER_ANSWER_GRACE_MILLIS)
        .map(AuthService.Registered::fromJson)
        .map(registered -> {
          String address = registered.address();
          return ServerFrame.ok(Command.REGISTER, address, () -> new JsonObject().put("address", address));
        });
  }

  private Future<ServerFrame> login(ClientConnection connection, Request request) {
    refuseIfLoggedIn(connection);
    String user = UserAddress.parse(request.string("user"), options.getRegion());
    String password = checkPassword(request.string("password"));
    AuthService.Login login = new AuthService.Login(user, password, connection.remoteHost());
    return backend.request(AuthService.LOGIN, login.toJson()).map(AuthService.Granted::fromJson)
        .compose(granted -> bind(connection, Command.LOGIN, granted));
  }

  private Future<ServerFrame> resume(ClientConnection connection, Request request) {
    refuseIfLoggedIn(connection);
    return backend.request(AuthService.RESUME, new AuthService.Resume(request.string("token")).toJson())
        .map(AuthService.Granted::fromJson)
        .compose(granted -> bind(connection, Command.RESUME, granted));
  }

  /**
   * Records the session, reads the inbox cursor and the user's groups, and only then marks the connection logged in
   * and a member session of its groups here (announced to the other gateways before the reply, so every push of
   * those groups from then on reaches it).
   */
  private Future<ServerFrame> bind(ClientConnection connection, Command command, AuthService.Granted granted) {
    String address = granted.address();
    String token = granted.token();
    return registry.sessions().bind(connection.id(), address)
        .compose(bound -> {
          long changes = registry.localGroups().loginStarts(address);
          Future<StoreService.Cursor> cursor = backend.request(StoreService.INBOX_CURSOR,
              new StoreService.InboxCursor(address).toJson()).map(StoreService.Cursor::fromJson);
          Future<List<String>> groups = groupsOf(address);
          return Future.all(cursor, groups).compose(both -> {
            registry.loggedIn(connection, address);
            return joinGroups(connection, address, groups.result(), changes, GROUP_LIST_READS);
          }).map(joined -> cursor.result());
        })
        .map(cursor -> {
          long acked = cursor.acked();
          long latest = cursor.latest();
          return ServerFrame.ok(command, address + " " + token + " " + acked + " " + latest, () -> new JsonObject()
              .put("address", address).put("token", token).put("acked", acked).put("latest", latest));
        })
        .onFailure(e -> {
          registry.unbind(connection.id(), address);
          if (registry.connectionsOf(address).isEmpty()) {
            // A login that failed after it began counting the user's membership changes: nothing of it stays.
            registry.localGroups().forgetUser(address);
          }
        });
  }

  /**
   * Makes the connection a member session of exactly {@code groups}. A membership change of the user seen here
   * since the list was read ({@code changes} counts them) may be missing from it: the list is read again.
   */
  private Future<Void> joinGroups(ClientConnection connection, String user, List<String> groups, long changes,
                                  int readsLeft) {
    LocalGroups local = registry.localGroups();
    local.reconcile(connection, groups);
    long now = local.changesOf(user);
    if (now != changes && readsLeft > 1) {
      // A failed read keeps the list it has: the change's own notice moved this connection already.
      return groupsOf(user).recover(e -> Future.succeededFuture(groups))
          .compose(fresh -> joinGroups(connection, user, fresh, now, readsLeft - 1));
    }
    return registry.groupInterest().flush(groups);
  }

  private Future<List<String>> groupsOf(String user) {
    return backend.request(GroupService.LIST, new GroupService.UserGroups(user).toJson())
        .map(GroupService.GroupList::fromJson)
        .map(list -> list.items().stream().map(GroupService.GroupSummary::group).toList());
  }

  private static void refuseIfLoggedIn(ClientConnection connection) {
    if (connection.loggedIn()) {
      throw ProtocolException.badRequest("already logged in as " + connection.user());
    }
  }

  private static String checkPassword(String password) {
    if (!Limits.isPasswordLength(password)) {
      throw ProtocolException.badRequest(Limits.passwordLengthRule());
    }
    return password;
  }
}
