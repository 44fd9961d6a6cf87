package io.clusterchat.client.impl;

import io.clusterchat.client.ChatEvent.GroupEntry;
import io.clusterchat.client.ChatEvent.GroupMessage;
import io.clusterchat.client.ChatEvent.MembershipChange;
import io.clusterchat.client.ChatEvent.MessageReceived;
import io.clusterchat.client.ChatEvent.SentElsewhere;
import io.clusterchat.client.GroupMember;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.GroupSyncResult;
import io.clusterchat.client.HistoryItem;
import io.clusterchat.client.Joined;
import io.clusterchat.client.MemberPage;
import io.clusterchat.client.Presence;
import io.clusterchat.client.Session;
import io.clusterchat.client.impl.Pending.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads the JSON replies and items of PROTOCOL.md into the client's records. */
final class Frames {

  private Frames() {
  }

  static Session session(JsonObject ok) {
    return new Session(ok.getString("address"), ok.getString("token"), ok.getLong("acked", 0L),
        ok.getLong("latest", 0L));
  }

  static MessageReceived message(JsonObject msg) {
    return new MessageReceived(msg.getLong("seq"), msg.getString("msg"), msg.getString("from"),
        msg.getString("to"), msg.getLong("ts"), msg.getString("text"));
  }

  /** {@code {"op":"gmsg","group":s,"seq":n,"msg":s,"from":s,"ts":n,"text":s}} */
  static GroupMessage groupMessage(JsonObject gmsg) {
    return new GroupMessage(gmsg.getString("group"), gmsg.getLong("seq"), gmsg.getString("msg"),
        gmsg.getString("from"), gmsg.getLong("ts"), gmsg.getString("text"));
  }

  /** {@code {"op":"gevent","group":s,"seq":n,"ts":n,"event":s,"by":s,"user":s}} */
  static MembershipChange membershipChange(JsonObject gevent) {
    return new MembershipChange(gevent.getString("group"), gevent.getLong("seq"), gevent.getLong("ts"),
        gevent.getString("event"), gevent.getString("by"), gevent.getString("user"));
  }

  /** A GMSG or GEVENT item, by its {@code op}. */
  static GroupEntry groupEntry(JsonObject entry) {
    return "gevent".equals(entry.getString("op")) ? membershipChange(entry) : groupMessage(entry);
  }

  /** {@code {"op":"sent","msg":s,"to":s,"ts":n,"text":s}} */
  static SentElsewhere sentElsewhere(JsonObject sent) {
    return new SentElsewhere(sent.getString("msg"), sent.getString("to"), sent.getLong("ts"),
        sent.getString("text"));
  }

  /** {@code {"op":"group","group":s,"latest":n,"read":n,"members":n}} */
  static GroupSummary groupSummary(JsonObject group) {
    return new GroupSummary(group.getString("group"), group.getLong("latest", 0L), group.getLong("read", 0L),
        group.getLong("members", 0L));
  }

  /** {@code {"op":"member","address":s,"role":s}} */
  static GroupMember member(JsonObject member) {
    return new GroupMember(member.getString("address"), member.getString("role"));
  }

  /** {@code {"op":"ok","group":s,"latest":n}} */
  static Joined joined(JsonObject ok) {
    return new Joined(ok.getString("group"), ok.getLong("latest", 0L));
  }

  /** MEMBER items, then {@code {"op":"ok","count":n,"total":n}}. */
  static MemberPage memberPage(Reply reply) {
    return new MemberPage(reply.items().stream().map(Frames::member).toList(), reply.frame().getLong("total", 0L));
  }

  /** A group's GMSG and GEVENT items, then {@code {"op":"ok","count":n,"latest":n}}. */
  static GroupSyncResult groupSync(Reply reply) {
    return new GroupSyncResult(reply.items().stream().map(Frames::groupEntry).toList(),
        reply.frame().getLong("latest", 0L));
  }

  static HistoryItem historyItem(JsonObject hist) {
    return new HistoryItem(hist.getString("msg"), hist.getString("from"), hist.getString("to"),
        hist.getLong("ts"), hist.getString("text"));
  }

  static Presence presence(JsonObject ok) {
    JsonArray regions = ok.getJsonArray("regions", new JsonArray());
    List<String> list = new ArrayList<>(regions.size());
    regions.forEach(region -> list.add(String.valueOf(region)));
    return new Presence(ok.getString("address"), ok.getBoolean("online", false), list);
  }

  /** The highest {@code seq} among MSG items, or {@code otherwise} if there is none. */
  static long highestSeq(List<JsonObject> items, long otherwise) {
    long highest = otherwise;
    for (JsonObject item : items) {
      highest = Math.max(highest, item.getLong("seq", 0L));
    }
    return highest;
  }
}
