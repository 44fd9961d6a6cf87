package io.clusterchat.gateway.impl;

import io.clusterchat.bus.AuthService;
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

/** REGISTER, LOGIN and RESUME: auth-node for the account, session-store for the binding, store for the cursor. */
final class AccountCommands {

  /**
   * How long past its own deadline the gateway waits for a REGISTER's answer: the auth-node and the store write
   * nothing past the deadline (less a margin), so by the end of this wait a missing answer means nothing was stored.
   */
  static final long REGISTER_ANSWER_GRACE_MILLIS = 5_000;

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

  /** Records the session, reads the inbox cursor, and only then marks the connection logged in. */
  private Future<ServerFrame> bind(ClientConnection connection, Command command, AuthService.Granted granted) {
    String address = granted.address();
    String token = granted.token();
    return registry.sessions().bind(connection.id(), address)
        .compose(bound -> backend.request(StoreService.INBOX_CURSOR, new StoreService.InboxCursor(address).toJson()))
        .map(StoreService.Cursor::fromJson)
        .map(cursor -> {
          registry.loggedIn(connection, address);
          long acked = cursor.acked();
          long latest = cursor.latest();
          return ServerFrame.ok(command, address + " " + token + " " + acked + " " + latest, () -> new JsonObject()
              .put("address", address).put("token", token).put("acked", acked).put("latest", latest));
        })
        .onFailure(e -> registry.unbind(connection.id(), address));
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
