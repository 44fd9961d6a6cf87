package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.flag;
import static io.clusterchat.bus.BusFields.list;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The session-store's event-bus contract: who is connected where. One record per message (sent as its
 * {@code toJson()}); every address fails 400 for a malformed request.
 */
public final class SessionService {

  /**
   * Records a session: {@link Bind} to an empty reply. Fails 429 when the user has the most sessions allowed, 503
   * when the gateway is not a live cluster member (a session no leave event could remove is never stored).
   */
  public static final String BIND = "session.bind";

  /** Forgets a session: {@link Unbind} to an empty reply (also when there was no such session). */
  public static final String UNBIND = "session.unbind";

  /** A user's live sessions: {@link Lookup} to {@link Sessions}, empty when offline. */
  public static final String LOOKUP = "session.lookup";

  /**
   * A gateway tells the registry the whole truth about its sessions, in pages: {@link Reassert} to an empty reply.
   * Every page binds its sessions at the gateway's new round; the last page then drops the gateway's sessions of
   * earlier rounds (closed connections whose unbind was lost). Sent after a failed unbind, the loss of a data member
   * and a merge after a split, and retried until it succeeds, so the registry converges on the truth. Fails 503
   * when the gateway is not a live cluster member.
   */
  public static final String REASSERT = "session.reassert";

  private static final String USER = "user";
  private static final String GATEWAY = "gateway";
  private static final String CONNECTION = "connection";
  private static final String REGION = "region";
  private static final String SINCE = "since";
  private static final String SESSIONS = "sessions";
  private static final String ROUND = "round";
  private static final String LAST = "last";

  private SessionService() {
  }

  /**
   * A session to record: the user, the gateway's node id and region, the connection id (unique in the cluster), and
   * the gateway's current {@link Reassert} round (0 before its first).
   */
  public record Bind(String user, String gateway, String connection, String region, long round) {
    public Bind(String user, String gateway, String connection, String region) {
      this(user, gateway, connection, region, 0);
    }

    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(GATEWAY, gateway).put(CONNECTION, connection).put(REGION, region)
          .put(ROUND, round);
    }

    public static Bind fromJson(JsonObject json) {
      Long round = optionalNumber(json, ROUND);
      return new Bind(string(json, USER), string(json, GATEWAY), string(json, CONNECTION), string(json, REGION),
          round == null ? 0 : round);
    }
  }

  /** One of a gateway's live sessions in a {@link Reassert}. */
  public record Live(String user, String connection) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(CONNECTION, connection);
    }

    public static Live fromJson(JsonObject json) {
      return new Live(string(json, USER), string(json, CONNECTION));
    }
  }

  /** One page of a gateway's live sessions at {@code round}; the last page ends the round. */
  public record Reassert(String gateway, String region, long round, List<Live> sessions, boolean last) {
    public JsonObject toJson() {
      return new JsonObject().put(GATEWAY, gateway).put(REGION, region).put(ROUND, round)
          .put(SESSIONS, BusFields.array(sessions, Live::toJson)).put(LAST, last);
    }

    public static Reassert fromJson(JsonObject json) {
      return new Reassert(string(json, GATEWAY), string(json, REGION), number(json, ROUND),
          list(json, SESSIONS, Live::fromJson), flag(json, LAST));
    }
  }

  /** A session that ended. */
  public record Unbind(String user, String connection) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(CONNECTION, connection);
    }

    public static Unbind fromJson(JsonObject json) {
      return new Unbind(string(json, USER), string(json, CONNECTION));
    }
  }

  /** Whose sessions to list. */
  public record Lookup(String user) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user);
    }

    public static Lookup fromJson(JsonObject json) {
      return new Lookup(string(json, USER));
    }
  }

  /** One live session: the gateway's node id, the connection id, the gateway's region, the bind time (ms). */
  public record Session(String gateway, String connection, String region, long since) {
    public JsonObject toJson() {
      return new JsonObject().put(GATEWAY, gateway).put(CONNECTION, connection).put(REGION, region)
          .put(SINCE, since);
    }

    public static Session fromJson(JsonObject json) {
      return new Session(string(json, GATEWAY), string(json, CONNECTION), string(json, REGION),
          number(json, SINCE));
    }
  }

  /** A user's live sessions. */
  public record Sessions(List<Session> sessions) {
    public JsonObject toJson() {
      return new JsonObject().put(SESSIONS, BusFields.array(sessions, Session::toJson));
    }

    public static Sessions fromJson(JsonObject json) {
      return new Sessions(list(json, SESSIONS, Session::fromJson));
    }
  }
}
