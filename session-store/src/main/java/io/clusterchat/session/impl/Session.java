package io.clusterchat.session.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One live session as the registry stores it. {@code member} is the Hazelcast member UUID of the gateway when the
 * session was bound: a gateway that restarts under the same node id is a new member, so losing the old one drops
 * only the old one's sessions. It is kept out of the public JSON shape (see {@code SessionService}).
 *
 * <p>A user's sessions are stored as one JSON array text: readable on every member without a class, and small.
 */
public record Session(String gateway, String connection, String region, long since, String member)
    implements Serializable {

  private static final String GATEWAY = "gateway";
  private static final String CONNECTION = "connection";
  private static final String REGION = "region";
  private static final String SINCE = "since";
  private static final String MEMBER = "member";

  /** The contract's shape: {@code {"gateway","connection","region","since"}}. */
  public JsonObject toJson() {
    return new JsonObject().put(GATEWAY, gateway).put(CONNECTION, connection).put(REGION, region).put(SINCE, since);
  }

  /** The stored value of a user holding {@code sessions}, or null (no entry) when there is none. */
  public static String encode(List<Session> sessions) {
    if (sessions.isEmpty()) {
      return null;
    }
    JsonArray array = new JsonArray();
    for (Session session : sessions) {
      array.add(session.toJson().put(MEMBER, session.member));
    }
    return array.encode();
  }

  /** The sessions of a stored value; empty for null (no entry). */
  public static List<Session> decode(String stored) {
    List<Session> sessions = new ArrayList<>();
    if (stored == null) {
      return sessions;
    }
    for (Object item : new JsonArray(stored)) {
      JsonObject json = (JsonObject) item;
      sessions.add(new Session(json.getString(GATEWAY), json.getString(CONNECTION), json.getString(REGION),
          json.getLong(SINCE), json.getString(MEMBER)));
    }
    return sessions;
  }
}
