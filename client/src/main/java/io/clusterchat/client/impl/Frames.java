package io.clusterchat.client.impl;

import io.clusterchat.client.ChatEvent.MessageReceived;
import io.clusterchat.client.HistoryItem;
import io.clusterchat.client.Presence;
import io.clusterchat.client.Session;
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
