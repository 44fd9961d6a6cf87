package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.CTime;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which handler answers which command: the gateway's whole request surface in one table. PING and ECHO are
 * answered here, and QUIT (its OK is the last frame of the connection); a command whose backend is not part of
 * this build answers {@code ERR 503}, so no request ever goes unanswered.
 */
public final class Commands {

  private final Map<Command, CommandHandler> handlers = new EnumMap<>(Command.class);

  public Commands() {
    handlers.put(Command.PING, (connection, request) ->
        Future.succeededFuture(ServerFrame.pong(request.string("data"))));
    handlers.put(Command.ECHO, (connection, request) ->
        Future.succeededFuture(ServerFrame.echo("[" + CTime.now() + "] " + request.string("text"))));
    handlers.put(Command.QUIT, (connection, request) -> {
      connection.closeAfterReply();
      return Future.succeededFuture(ServerFrame.ok(Command.QUIT, null, JsonObject::new));
    });
  }

  Commands with(Command command, CommandHandler handler) {
    handlers.put(command, handler);
    return this;
  }

  Future<ServerFrame> handle(ClientConnection connection, Request request) {
    Command command = request.command();
    if (command.loginNeeded() && !connection.loggedIn()) {
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAUTHORIZED, "not logged in"));
    }
    CommandHandler handler = handlers.get(command);
    if (handler == null) {
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
          command.name() + " is not available on this cluster yet"));
    }
    return handler.handle(connection, request);
  }
}
