package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.GroupAddress;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.UserAddress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The group commands of PROTOCOL.md 1.1: CREATE, JOIN, INVITE, LEAVE, REMOVE, MEMBERS and GROUPS, and the group
 * forms of SEND, SYNC, ACK and HISTORY (which {@link MessageCommands} hands over when the target is a
 * {@code #group}). The persistence-node owning the group's shard decides and stores every change
 * ({@link GroupService}); {@link GroupDelivery} pushes what was stored. Whether the caller may do a thing (member,
 * owner, open or invite-only, full) is the store's to say: it alone sees the group's state as of the write.
 */
final class GroupCommands {

  private final GatewayOptions options;
  private final Backend backend;
  private final GroupDelivery delivery;
  private final Delivery sent;
  private final GatewayCounters counters;

  GroupCommands(GatewayOptions options, Backend backend, GroupDelivery delivery, Delivery sent,
                GatewayCounters counters) {
    this.options = options;
    this.backend = backend;
    this.delivery = delivery;
    this.sent = sent;
    this.counters = counters;
  }

  void register(Commands commands) {
    commands.with(Command.CREATE, this::create)
        .with(Command.JOIN, this::join)
        .with(Command.INVITE, this::invite)
        .with(Command.LEAVE, this::leave)
        .with(Command.REMOVE, this::remove)
        .with(Command.MEMBERS, this::members)
        .with(Command.GROUPS, this::groups);
  }

  private Future<ServerFrame> create(ClientConnection connection, Request request) {
    String group = groupOf(request);
    if (!GroupAddress.regionOf(group).equals(options.getRegion())) {
      throw ProtocolException.badRequest("a group is created in the region of the gateway: #name@"
          + options.getRegion());
    }
    String modeName = request.string("mode");
    GroupMode mode = modeName == null ? GroupMode.INVITE : GroupMode.of(modeName);
    if (mode == null) {
      throw ProtocolException.badRequest("mode must be open or invite");
    }
    return write(connection, GroupService.GroupWrite.create(group, connection.user(), mode))
        .map(written -> ServerFrame.ok(Command.CREATE, group, () -> new JsonObject().put("group", group)));
  }

  private Future<ServerFrame> join(ClientConnection connection, Request request) {
    String group = groupOf(request);
    return write(connection, GroupService.GroupWrite.join(group, connection.user()))
        .map(written -> {
          long latest = written.latest();
          return ServerFrame.ok(Command.JOIN, group + " " + latest,
              () -> new JsonObject().put("group", group).put("latest", latest));
        });
  }

  private Future<ServerFrame> invite(ClientConnection connection, Request request) {
    String group = groupOf(request);
    String user = UserAddress.parse(request.string("user"), options.getRegion());
    return write(connection, GroupService.GroupWrite.invite(group, connection.user(), user))
        .map(written -> ServerFrame.ok(Command.INVITE, group + " " + user,
            () -> new JsonObject().put("group", group).put("address", user)));
  }

  private Future<ServerFrame> leave(ClientConnection connection, Request request) {
    String group = groupOf(request);
    return write(connection, GroupService.GroupWrite.leave(group, connection.user()))
        .map(written -> ServerFrame.ok(Command.LEAVE, group, () -> new JsonObject().put("group", group)));
  }

  private Future<ServerFrame> remove(ClientConnection connection, Request request) {
    String group = groupOf(request);
    String user = UserAddress.parse(request.string("user"), options.getRegion());
    return write(connection, GroupService.GroupWrite.remove(group, connection.user(), user))
        .map(written -> ServerFrame.ok(Command.REMOVE, group + " " + user,
            () -> new JsonObject().put("group", group).put("address", user)));
  }

  private Future<ServerFrame> members(ClientConnection connection, Request request) {
    String group = groupOf(request);
    Long offset = request.number("offset");
    long limit = MessageCommands.capped(request.number("limit"), Limits.DEFAULT_MEMBERS_LIMIT,
        Limits.MAX_MEMBERS_LIMIT);
    GroupService.MembersQuery query = new GroupService.MembersQuery(group, connection.user(),
        offset == null ? 0 : offset, limit);
    return backend.request(GroupService.MEMBERS, query.toJson()).map(GroupService.MembersPage::fromJson)
        .compose(page -> connection.stream(request, page.items().stream()
                .map(member -> ServerFrame.member(member.address(), member.role())).iterator())
            .map(streamed -> {
              int count = page.items().size();
              long total = page.total();
              return ServerFrame.ok(Command.MEMBERS, count + " " + total,
                  () -> new JsonObject().put("count", count).put("total", total));
            }));
  }

  private Future<ServerFrame> groups(ClientConnection connection, Request request) {
    return backend.request(GroupService.LIST, new GroupService.UserGroups(connection.user()).toJson())
        .map(GroupService.GroupList::fromJson)
        .compose(list -> connection.stream(request, list.items().stream()
                .map(group -> ServerFrame.group(group.group(), group.latest(), group.read(), group.members()))
                .iterator())
            .map(streamed -> {
              int count = list.items().size();
              return ServerFrame.ok(Command.GROUPS, String.valueOf(count),
                  () -> new JsonObject().put("count", count));
            }));
  }

  /** SEND to a group: OK once stored, then the push to the members and SENT to the sender's other sessions. */
  Future<ServerFrame> send(ClientConnection connection, String group, String text, String clientId) {
    String user = connection.user();
    return write(connection, GroupService.GroupWrite.send(group, user, text, clientId)).map(written -> {
      counters.sent();
      GroupService.GroupEntry entry = written.entry();
      if (!written.duplicate()) {
        sent.sent(user, connection.id(), entry.msg(), group, entry.ts(), entry.text());
      }
      String msg = entry.msg();
      long ts = entry.ts();
      return ServerFrame.ok(Command.SEND, msg + " " + ts, () -> new JsonObject().put("msg", msg).put("ts", ts));
    });
  }

  /** SYNC of a group: GMSG and GEVENT items from the caller's read cursor (or {@code after}). */
  Future<ServerFrame> sync(ClientConnection connection, Request request) {
    String group = groupOf(request);
    GroupService.GroupSync query = new GroupService.GroupSync(group, connection.user(), request.number("after"),
        MessageCommands.capped(request.number("limit"), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT));
    return backend.request(GroupService.SYNC, query.toJson()).map(GroupService.GroupPage::fromJson)
        .compose(page -> connection.stream(request,
                page.items().stream().map(GroupDelivery::frameOf).iterator())
            .map(streamed -> {
              int count = page.items().size();
              long latest = page.latest();
              return ServerFrame.ok(Command.SYNC, count + " " + latest,
                  () -> new JsonObject().put("count", count).put("latest", latest));
            }));
  }

  /** ACK of a group: moves the caller's read cursor. */
  Future<ServerFrame> ack(ClientConnection connection, Request request) {
    String group = groupOf(request);
    long seq = request.number("seq");
    return backend.request(GroupService.ACK, new GroupService.GroupAck(group, connection.user(), seq).toJson())
        .map(reply -> ServerFrame.ok(Command.ACK, String.valueOf(seq), () -> new JsonObject().put("seq", seq)));
  }

  /** HISTORY of a group: its last messages the caller may see, {@code <to>} being the group. */
  Future<ServerFrame> history(ClientConnection connection, String group, Request request) {
    GroupService.GroupHistory query = new GroupService.GroupHistory(group, connection.user(),
        MessageCommands.capped(request.number("limit"), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT));
    return backend.request(GroupService.HISTORY, query.toJson()).map(StoreService.HistoryPage::fromJson)
        .compose(page -> connection.stream(request,
                page.items().stream().map(item -> ServerFrame.hist(item.toJson())).iterator())
            .map(streamed -> {
              int count = page.items().size();
              return ServerFrame.ok(Command.HISTORY, String.valueOf(count),
                  () -> new JsonObject().put("count", count));
            }));
  }

  /** Stores a write; pushes the entry it made (a repeated SEND's was pushed the first time). */
  private Future<GroupService.GroupWritten> write(ClientConnection connection, GroupService.GroupWrite write) {
    return backend.groupWrite(write).map(GroupService.GroupWritten::fromJson).compose(written -> {
      GroupService.GroupEntry entry = written.entry();
      if (entry == null || written.duplicate()) {
        return Future.succeededFuture(written);
      }
      return delivery.deliver(entry, connection).map(written);
    });
  }

  /** The {@code <group>} argument of a group command, the {@code #} optional there. */
  private String groupOf(Request request) {
    return GroupAddress.parseGroupArgument(request.string("group"), options.getRegion());
  }
}
