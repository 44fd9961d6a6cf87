package io.clusterchat.session.impl;

import io.clusterchat.bus.SessionService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One live session as the registry stores it. {@code member} is the Hazelcast member UUID of the gateway when the
 * session was bound: a gateway that restarts under the same node id is a new member, so losing the old one drops
 * only the old one's sessions. {@code round} is the gateway's reassert round the session was last told in (see
 * {@code SessionService.REASSERT}). Both are kept out of the public JSON shape (see {@code SessionService}).
 *
 * <p>A user's sessions are stored as one JSON array text: readable on every member without a class, and small.
 */
public record Session(String gateway, String connection, String region, long since, String member, long round)
    implements Serializable {

  private static final String MEMBER = "member";
  private static final String ROUND = "round";

  /** The session as the contract shows it (without the member, which is the registry's own). */
  public SessionService.Session contract() {
    return new SessionService.Session(gateway, connection, region, since);
  }

  /** The stored form: the contract's shape plus the member. */
  private JsonObject toJson() {
    return contract().toJson().put(MEMBER, member).put(ROUND, round);
  }

  /** The stored value of a user holding {@code sessions}, or null (no entry) when there is none. */
  public static String encode(List<Session> sessions) {
    if (sessions.isEmpty()) {
      return null;
    }
    JsonArray array = new JsonArray();
    for (Session session : sessions) {
      array.add(session.toJson());
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
      SessionService.Session session = SessionService.Session.fromJson(json);
      sessions.add(new Session(session.gateway(), session.connection(), session.region(), session.since(),
          json.getString(MEMBER), json.getLong(ROUND, 0L)));
    }
    return sessions;
  }
}
