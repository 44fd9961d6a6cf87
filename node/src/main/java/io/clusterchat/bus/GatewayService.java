package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.child;
import static io.clusterchat.bus.BusFields.integer;
import static io.clusterchat.bus.BusFields.list;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.optionalString;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway node's own event-bus address, {@code gateway.<node-id>}: one consumer per node, never one per user.
 * The header {@link #ACTION} says what a message is; its body is the record of that action.
 */
public final class GatewayService {

  /** Followed by the node id: {@code gateway.gw-bj-1}. */
  public static final String ADDRESS_PREFIX = "gateway.";

  /** Header {@code action} of a message to a gateway. */
  public static final String ACTION = "action";

  /** Push a stored message to every live connection of its recipient on this gateway (sent): {@link Deliver}. */
  public static final String DELIVER = "deliver";

  /**
   * Stop accepting clients and move the connected ones elsewhere (requested; the reply comes once every client
   * is gone): {@link Drain} to {@link Drained}. Clients are sent {@code RECONNECT <host> <port>} of a target (spread
   * over the targets; on TLS and WebSocket the target's port of that transport), then {@code BYE drain}, then
   * closed, in batches.
   */
  public static final String DRAIN = "drain";

  /** Push {@code NOTICE <text>} to every connection of this gateway (sent): {@link Notice}. */
  public static final String NOTICE = "notice";

  /** {@code BYE kicked} to every connection of a user on this gateway (requested): {@link Kick} to {@link Kicked}. */
  public static final String KICK = "kick";

  /**
   * A user's sessions changed (a gateway bound one), or anyone's (a gateway reasserted its sessions): forget the
   * gateways cached for pushes to that user, or all of them (requested; the empty reply comes once forgotten):
   * {@link SessionsChanged}.
   */
  public static final String SESSIONS_CHANGED = "sessions-changed";

  /**
   * Push a group's log entry to this gateway's sessions of the group's members, except the session that wrote it:
   * {@link GroupDeliver}. Sent, or requested when it also carries a membership change of a user with sessions here
   * (the empty reply comes once those sessions joined or left the group here, and the gateway's interest in the
   * group was announced).
   */
  public static final String GROUP_DELIVER = "group-deliver";

  /**
   * The groups this gateway started or stopped holding member sessions of: {@link GroupInterest}. Requested when it
   * adds groups (the empty reply comes once recorded), sent when it only removes. Every gateway keeps the others'
   * interests, and sends a group's entries only to the gateways interested in it.
   */
  public static final String GROUP_INTEREST = "group-interest";

  /**
   * Every group a gateway holds member sessions of (requested): {@link GroupInterestAsk} to {@link GroupInterest}
   * with everything in {@code add}; a new gateway asks each other one, and all ask again now and then.
   */
  public static final String GROUP_INTEREST_SNAPSHOT = "group-interest-snapshot";

  /** Push {@code SENT} to a user's sessions here other than the one that sent it (sent): {@link SentPush}. */
  public static final String SENT = "sent";

  private static final String USER = "user";
  private static final String MESSAGE = "message";
  private static final String TARGETS = "targets";
  private static final String HOST = "host";
  private static final String PORT = "port";
  private static final String BATCH_SIZE = "batchSize";
  private static final String BATCH_INTERVAL_MILLIS = "batchIntervalMillis";
  private static final String MOVED = "moved";
  private static final String TEXT = "text";
  private static final String KICKED = "kicked";

  private GatewayService() {
  }

  public static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }

  /** A stored message for {@code user}'s connections on this gateway. */
  public record Deliver(String user, StoreService.InboxItem message) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(MESSAGE, message.toJson());
    }

    public static Deliver fromJson(JsonObject json) {
      return new Deliver(string(json, USER), StoreService.InboxItem.fromJson(child(json, MESSAGE)));
    }
  }

  /**
   * A group entry for this gateway's member sessions, skipping connection {@code skip} (null: none). With
   * {@code member} set, the entry changed that user's membership ({@code joined}: now a member, else not): its
   * sessions here join the group before the push, or leave it after.
   */
  public record GroupDeliver(GroupService.GroupEntry entry, String skip, String member, boolean joined) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("entry", entry.toJson()).put("joined", joined);
      BusFields.putIfPresent(json, "skip", skip);
      return BusFields.putIfPresent(json, "member", member);
    }

    public static GroupDeliver fromJson(JsonObject json) {
      return new GroupDeliver(GroupService.GroupEntry.fromJson(child(json, "entry")), optionalString(json, "skip"),
          optionalString(json, "member"), BusFields.flag(json, "joined"));
    }
  }

  /** Groups gateway {@code node} now holds member sessions of ({@code add}) and no longer does ({@code remove}). */
  public record GroupInterest(String node, List<String> add, List<String> remove) {
    public JsonObject toJson() {
      return new JsonObject().put("node", node).put("add", new JsonArray(add)).put("remove", new JsonArray(remove));
    }

    public static GroupInterest fromJson(JsonObject json) {
      return new GroupInterest(string(json, "node"), strings(json, "add"), strings(json, "remove"));
    }
  }

  /** Gateway {@code node} asks for another's whole interest (and is told of its changes from then on). */
  public record GroupInterestAsk(String node) {
    public JsonObject toJson() {
      return new JsonObject().put("node", node);
    }

    public static GroupInterestAsk fromJson(JsonObject json) {
      return new GroupInterestAsk(string(json, "node"));
    }
  }

  /**
   * What {@code user} sent from connection {@code skip}: {@code message} is {@code {"msg","to","ts","text"}} for
   * the {@code SENT} push to its other sessions.
   */
  public record SentPush(String user, String skip, String msg, String to, long ts, String text) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put("skip", skip).put("msg", msg).put("to", to).put("ts", ts)
          .put(TEXT, text);
    }

    public static SentPush fromJson(JsonObject json) {
      return new SentPush(string(json, USER), string(json, "skip"), string(json, "msg"), string(json, "to"),
          number(json, "ts"), string(json, TEXT));
    }

    /** The fields of the SENT frame. */
    public JsonObject frameFields() {
      return new JsonObject().put("msg", msg).put("to", to).put("ts", ts).put(TEXT, text);
    }
  }

  private static List<String> strings(JsonObject json, String field) {
    JsonArray array = json.getJsonArray(field);
    if (array == null) {
      throw new BusContractException("missing " + field);
    }
    List<String> values = new ArrayList<>(array.size());
    for (Object value : array) {
      if (!(value instanceof String)) {
        throw new BusContractException(field + " must hold strings");
      }
      values.add((String) value);
    }
    return values;
  }

  /**
   * Where drained clients go: the target's TCP {@code host} and {@code port}, and its other transports, so a client
   * on TLS or WebSocket is sent to the same transport there.
   */
  public record Target(String host, int port, Transports transports) {

    public Target {
      transports = transports == null ? Transports.NONE : transports;
    }

    /** A target that offers TCP only. */
    public Target(String host, int port) {
      this(host, port, Transports.NONE);
    }

    public JsonObject toJson() {
      return transports.putInto(new JsonObject().put(HOST, host).put(PORT, port));
    }

    public static Target fromJson(JsonObject json) {
      return new Target(string(json, HOST), integer(json, PORT), Transports.fromJson(json));
    }
  }

  /** A drain: the targets, and the batch size and pause (null: the gateway's defaults). */
  public record Drain(List<Target> targets, Integer batchSize, Long batchIntervalMillis) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put(TARGETS, BusFields.array(targets, Target::toJson));
      BusFields.putIfPresent(json, BATCH_SIZE, batchSize);
      return BusFields.putIfPresent(json, BATCH_INTERVAL_MILLIS, batchIntervalMillis);
    }

    public static Drain fromJson(JsonObject json) {
      Long size = optionalNumber(json, BATCH_SIZE);
      return new Drain(list(json, TARGETS, Target::fromJson), size == null ? null : integer(json, BATCH_SIZE),
          optionalNumber(json, BATCH_INTERVAL_MILLIS));
    }
  }

  /** How many clients a drain moved. */
  public record Drained(int moved) {
    public JsonObject toJson() {
      return new JsonObject().put(MOVED, moved);
    }

    public static Drained fromJson(JsonObject json) {
      return new Drained(integer(json, MOVED));
    }
  }

  /** An operator's notice for every connection. */
  public record Notice(String text) {
    public JsonObject toJson() {
      return new JsonObject().put(TEXT, text);
    }

    public static Notice fromJson(JsonObject json) {
      return new Notice(string(json, TEXT));
    }
  }

  /** Whose connections to close with {@code BYE kicked}. */
  public record Kick(String user) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user);
    }

    public static Kick fromJson(JsonObject json) {
      return new Kick(string(json, USER));
    }
  }

  /** Whose sessions changed: one user, or (null) anyone's, after a gateway reasserted its sessions. */
  public record SessionsChanged(String user) {
    public JsonObject toJson() {
      return BusFields.putIfPresent(new JsonObject(), USER, user);
    }

    public static SessionsChanged fromJson(JsonObject json) {
      return new SessionsChanged(optionalString(json, USER));
    }
  }

  /** How many connections a kick closed. */
  public record Kicked(int kicked) {
    public JsonObject toJson() {
      return new JsonObject().put(KICKED, kicked);
    }

    public static Kicked fromJson(JsonObject json) {
      return new Kicked((int) number(json, KICKED));
    }
  }
}
