package io.clusterchat.gateway.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** SEND, SYNC, ACK and HISTORY: the persistence-node stores and reads; {@link Delivery} pushes. */
final class MessageCommands {

  private final GatewayOptions options;
  private final Backend backend;
  private final Delivery delivery;
  private final PresenceCommands presence;
  private final GatewayCounters counters;

  MessageCommands(GatewayOptions options, Backend backend, Delivery delivery, PresenceCommands presence,
                  GatewayCounters counters) {
    this.options = options;
    this.backend = backend;
    this.delivery = delivery;
    this.presence = presence;
    this.counters = counters;
  }

  void register(Commands commands) {
    commands.with(Command.SEND, this::send)
        .with(Command.SYNC, this::sync)
        .with(Command.ACK, this::ack)
        .with(Command.HISTORY, this::history);
  }

  /** Answers OK only once the store has committed the message; then pushes it to the recipient's sessions. */
  private Future<ServerFrame> send(ClientConnection connection, Request request) {
    String to = UserAddress.parse(request.string("to"), options.getRegion());
    String text = request.string("text");
    if (!Limits.isTextLength(text)) {
      throw new ProtocolException(ErrorCode.TOO_LARGE, Limits.textLengthRule());
    }
    JsonObject append = new JsonObject().put("from", connection.user()).put("to", to).put("text", text);
    if (request.id() != null) {
      append.put("clientId", request.id());
    }
    return backend.request(StoreService.MESSAGE_APPEND, append).map(stored -> {
      counters.sent();
      if (!stored.getBoolean("duplicate", false)) {
        delivery.deliver(stored);
      }
      String msg = stored.getString("msg");
      long ts = stored.getLong("ts");
      return ServerFrame.ok(Command.SEND, msg + " " + ts, () -> new JsonObject().put("msg", msg).put("ts", ts));
    });
  }

  private Future<ServerFrame> sync(ClientConnection connection, Request request) {
    JsonObject query = new JsonObject().put("user", connection.user())
        .put("limit", capped(request.number("limit"), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT));
    if (request.number("after") != null) {
      query.put("after", request.number("after"));
    }
    return backend.request(StoreService.INBOX_SYNC, query).map(reply -> {
      JsonArray items = reply.getJsonArray("items");
      items.forEach(item -> connection.stream(request, ServerFrame.msg((JsonObject) item)));
      long latest = reply.getLong("latest");
      return ServerFrame.ok(Command.SYNC, items.size() + " " + latest,
          () -> new JsonObject().put("count", items.size()).put("latest", latest));
    });
  }

  private Future<ServerFrame> ack(ClientConnection connection, Request request) {
    long seq = request.number("seq");
    return backend.request(StoreService.INBOX_ACK, new JsonObject().put("user", connection.user()).put("seq", seq))
        .map(reply -> ServerFrame.ok(Command.ACK, String.valueOf(seq), () -> new JsonObject().put("seq", seq)));
  }

  private Future<ServerFrame> history(ClientConnection connection, Request request) {
    String peer = UserAddress.parse(request.string("peer"), options.getRegion());
    JsonObject query = new JsonObject().put("user", connection.user()).put("peer", peer)
        .put("limit", capped(request.number("limit"), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT));
    return backend.request(StoreService.HISTORY, query)
        .compose(reply -> reply.getJsonArray("items").isEmpty()
            ? presence.requireAccount(peer).map(exists -> reply)
            : Future.succeededFuture(reply))
        .map(reply -> {
          JsonArray items = reply.getJsonArray("items");
          items.forEach(item -> connection.stream(request, ServerFrame.hist((JsonObject) item)));
          return ServerFrame.ok(Command.HISTORY, String.valueOf(items.size()),
              () -> new JsonObject().put("count", items.size()));
        });
  }

  private static long capped(Long requested, long defaultLimit, long max) {
    if (requested == null) {
      return defaultLimit;
    }
    if (requested < 1) {
      throw ProtocolException.badRequest("limit must be at least 1");
    }
    return Math.min(requested, max);
  }
}
