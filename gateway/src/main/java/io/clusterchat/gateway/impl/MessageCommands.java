package io.clusterchat.gateway.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.GroupAddress;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * SEND, SYNC, ACK and HISTORY: the persistence-node stores and reads; {@link Delivery} pushes. Their group forms
 * (a {@code #group} target) are {@link GroupCommands}'.
 */
final class MessageCommands {

  private final GatewayOptions options;
  private final Backend backend;
  private final Delivery delivery;
  private final PresenceCommands presence;
  private final GatewayCounters counters;
  private final GroupCommands groups;

  MessageCommands(GatewayOptions options, Backend backend, Delivery delivery, PresenceCommands presence,
                  GatewayCounters counters, GroupCommands groups) {
    this.options = options;
    this.backend = backend;
    this.delivery = delivery;
    this.presence = presence;
    this.counters = counters;
    this.groups = groups;
  }

  void register(Commands commands) {
    commands.with(Command.SEND, this::send)
        .with(Command.SYNC, this::sync)
        .with(Command.ACK, this::ack)
        .with(Command.HISTORY, this::history);
  }

  /** Answers OK only once the store has committed the message; then pushes it to the recipient's sessions. */
  private Future<ServerFrame> send(ClientConnection connection, Request request) {
    String target = request.string("to");
    boolean toGroup = GroupAddress.isGroup(target);
    String to = toGroup ? GroupAddress.parse(target, options.getRegion()) : UserAddress.parse(target,
        options.getRegion());
    String text = request.string("text");
    if (!Limits.isTextLength(text)) {
      throw new ProtocolException(ErrorCode.TOO_LARGE, Limits.textLengthRule());
    }
    if (toGroup) {
      return groups.send(connection, to, text, request.id());
    }
    String user = connection.user();
    return backend.append(user, to, text, request.id()).map(StoreService.Appended::fromJson)
        .map(stored -> {
          counters.sent();
          if (!stored.duplicate()) {
            delivery.deliver(stored.item());
            delivery.sent(user, connection.id(), stored.msg(), to, stored.ts(), stored.text());
          }
          String msg = stored.msg();
          long ts = stored.ts();
          return ServerFrame.ok(Command.SEND, msg + " " + ts, () -> new JsonObject().put("msg", msg).put("ts", ts));
        });
  }

  private Future<ServerFrame> sync(ClientConnection connection, Request request) {
    if (request.string("group") != null) {
      return groups.sync(connection, request);
    }
    StoreService.InboxSync query = new StoreService.InboxSync(connection.user(), request.number("after"),
        capped(request.number("limit"), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT));
    return backend.request(StoreService.INBOX_SYNC, query.toJson()).map(StoreService.InboxPage::fromJson)
        .compose(page -> connection.stream(request,
                page.items().stream().map(item -> ServerFrame.msg(item.toJson())).iterator())
            .map(streamed -> {
              int count = page.items().size();
              long latest = page.latest();
              return ServerFrame.ok(Command.SYNC, count + " " + latest,
                  () -> new JsonObject().put("count", count).put("latest", latest));
            }));
  }

  private Future<ServerFrame> ack(ClientConnection connection, Request request) {
    if (request.string("group") != null) {
      return groups.ack(connection, request);
    }
    long seq = request.number("seq");
    return backend.request(StoreService.INBOX_ACK, new StoreService.InboxAck(connection.user(), seq).toJson())
        .map(reply -> ServerFrame.ok(Command.ACK, String.valueOf(seq), () -> new JsonObject().put("seq", seq)));
  }

  private Future<ServerFrame> history(ClientConnection connection, Request request) {
    if (GroupAddress.isGroup(request.string("peer"))) {
      return groups.history(connection, GroupAddress.parse(request.string("peer"), options.getRegion()), request);
    }
    String peer = UserAddress.parse(request.string("peer"), options.getRegion());
    StoreService.History query = new StoreService.History(connection.user(), peer,
        capped(request.number("limit"), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT));
    return backend.request(StoreService.HISTORY, query.toJson()).map(StoreService.HistoryPage::fromJson)
        .compose(page -> page.items().isEmpty()
            ? presence.requireAccount(peer).map(exists -> page)
            : Future.succeededFuture(page))
        .compose(page -> connection.stream(request,
                page.items().stream().map(item -> ServerFrame.hist(item.toJson())).iterator())
            .map(streamed -> {
              int count = page.items().size();
              return ServerFrame.ok(Command.HISTORY, String.valueOf(count),
                  () -> new JsonObject().put("count", count));
            }));
  }

  static long capped(Long requested, long defaultLimit, long max) {
    if (requested == null) {
      return defaultLimit;
    }
    if (requested < 1) {
      throw ProtocolException.badRequest("limit must be at least 1");
    }
    return Math.min(requested, max);
  }
}
