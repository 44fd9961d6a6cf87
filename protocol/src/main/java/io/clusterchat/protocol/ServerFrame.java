package io.clusterchat.protocol;

import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A frame the server sends: a final reply ({@code OK}, {@code PONG}, {@code ECHO}, {@code ERR}), a streamed item
 * ({@code MSG}, {@code HIST}) or a push ({@code NOTICE}, {@code RECONNECT}, {@code BYE}). It knows both of its
 * spellings and renders the one asked for; the JSON body is built only when needed.
 */
public final class ServerFrame {

  private final String text;
  private final String jsonOp;
  private final Supplier<JsonObject> jsonFields;
  private volatile String textLine;
  private volatile String jsonLine;

  private ServerFrame(String text, String jsonOp, Supplier<JsonObject> jsonFields) {
    this.text = text;
    this.jsonOp = jsonOp;
    this.jsonFields = jsonFields;
  }

  /** The protocol name and version a gateway announces in HELLO. */
  public static final String PROTOCOL_VERSION = "clusterchat/1";

  // ---- the greeting ----

  /**
   * The line sent on accept, before any request (so always in the text spelling):
   * {@code HELLO clusterchat/1 <region> <node-id>}.
   */
  public static ServerFrame hello(String region, String nodeId) {
    return new ServerFrame("HELLO " + PROTOCOL_VERSION + " " + region + " " + nodeId, "hello",
        () -> new JsonObject().put("version", PROTOCOL_VERSION).put("region", region).put("node", nodeId));
  }

  // ---- final replies ----

  public static ServerFrame pong(String data) {
    return new ServerFrame(data == null ? "PONG" : "PONG " + data, "pong",
        () -> data == null ? new JsonObject() : new JsonObject().put("data", data));
  }

  /** The reply to ECHO; {@code stamped} is {@code [<ctime>] <text>}. */
  public static ServerFrame echo(String stamped) {
    return new ServerFrame("ECHO " + stamped, "echo", () -> new JsonObject().put("text", stamped));
  }

  /**
   * An {@code OK} reply.
   *
   * @param command the command answered
   * @param textTail what follows {@code OK <COMMAND>} in the text spelling, or null
   * @param json the fields of the JSON spelling besides {@code op} and {@code id}
   */
  public static ServerFrame ok(Command command, String textTail, Supplier<JsonObject> json) {
    String text = textTail == null ? "OK " + command.name() : "OK " + command.name() + " " + textTail;
    return new ServerFrame(text, "ok", json);
  }

  public static ServerFrame error(ErrorCode code, String reason) {
    return new ServerFrame("ERR " + code.code() + " " + reason, "err",
        () -> new JsonObject().put("code", code.code()).put("error", reason));
  }

  public static ServerFrame error(ProtocolException failure) {
    return error(failure.code(), failure.reason());
  }

  // ---- streamed items and pushes ----

  /**
   * A message in the inbox: {@code MSG <seq> <msg-id> <from> <to> <ts> <text>}.
   *
   * @param message {@code {"seq":n,"msg":s,"from":s,"to":s,"ts":n,"text":s}} as the store gives it
   */
  public static ServerFrame msg(JsonObject message) {
    String text = "MSG " + message.getLong("seq") + " " + message.getString("msg") + " " + message.getString("from")
        + " " + message.getString("to") + " " + message.getLong("ts") + " " + oneLine(message.getString("text"));
    return new ServerFrame(text, "msg", () -> new JsonObject()
        .put("seq", message.getLong("seq"))
        .put("msg", message.getString("msg"))
        .put("from", message.getString("from"))
        .put("to", message.getString("to"))
        .put("ts", message.getLong("ts"))
        .put("text", message.getString("text")));
  }

  /**
   * A history item: {@code HIST <msg-id> <from> <to> <ts> <text>}.
   *
   * @param message {@code {"msg":s,"from":s,"to":s,"ts":n,"text":s}}
   */
  public static ServerFrame hist(JsonObject message) {
    String text = "HIST " + message.getString("msg") + " " + message.getString("from") + " "
        + message.getString("to") + " " + message.getLong("ts") + " " + oneLine(message.getString("text"));
    return new ServerFrame(text, "hist", () -> new JsonObject()
        .put("msg", message.getString("msg"))
        .put("from", message.getString("from"))
        .put("to", message.getString("to"))
        .put("ts", message.getLong("ts"))
        .put("text", message.getString("text")));
  }

  /**
   * What a user sent from another of its sessions: {@code SENT <msg-id> <to> <ts> <text>}.
   *
   * @param message {@code {"msg":s,"to":s,"ts":n,"text":s}} (other fields are ignored)
   */
  public static ServerFrame sent(JsonObject message) {
    String text = "SENT " + message.getString("msg") + " " + message.getString("to") + " " + message.getLong("ts")
        + " " + oneLine(message.getString("text"));
    return new ServerFrame(text, "sent", () -> new JsonObject()
        .put("msg", message.getString("msg"))
        .put("to", message.getString("to"))
        .put("ts", message.getLong("ts"))
        .put("text", message.getString("text")));
  }

  /** A group message: {@code GMSG <group> <seq> <msg-id> <from> <ts> <text>}. */
  public static ServerFrame gmsg(String group, long seq, String msg, String from, long ts, String body) {
    String text = "GMSG " + group + " " + seq + " " + msg + " " + from + " " + ts + " " + oneLine(body);
    return new ServerFrame(text, "gmsg", () -> new JsonObject().put("group", group).put("seq", seq).put("msg", msg)
        .put("from", from).put("ts", ts).put("text", body));
  }

  /** A membership change: {@code GEVENT <group> <seq> <ts> <event> <by> <user>}. */
  public static ServerFrame gevent(String group, long seq, long ts, String event, String by, String user) {
    String text = "GEVENT " + group + " " + seq + " " + ts + " " + event + " " + by + " " + user;
    return new ServerFrame(text, "gevent", () -> new JsonObject().put("group", group).put("seq", seq)
        .put("ts", ts).put("event", event).put("by", by).put("user", user));
  }

  /** One of the caller's groups, as GROUPS lists it: {@code GROUP <group> <latest> <read> <members>}. */
  public static ServerFrame group(String group, long latest, long read, long members) {
    return new ServerFrame("GROUP " + group + " " + latest + " " + read + " " + members, "group",
        () -> new JsonObject().put("group", group).put("latest", latest).put("read", read).put("members", members));
  }

  /** A member of a group, as MEMBERS lists them: {@code MEMBER <address> <owner|member>}. */
  public static ServerFrame member(String address, String role) {
    return new ServerFrame("MEMBER " + address + " " + role, "member",
        () -> new JsonObject().put("address", address).put("role", role));
  }

  public static ServerFrame notice(String text) {
    return new ServerFrame("NOTICE " + oneLine(text), "notice", () -> new JsonObject().put("text", text));
  }

  /** Go to another gateway, on the same transport: {@code RECONNECT <host> <port>}. */
  public static ServerFrame reconnect(String host, int port) {
    return new ServerFrame("RECONNECT " + host + " " + port, "reconnect",
        () -> new JsonObject().put("host", host).put("port", port));
  }

  /**
   * Go to another gateway's WebSocket endpoint (1.1): {@code RECONNECT <host> <port> <url>}; {@code url} is the
   * endpoint's {@code ws://} or {@code wss://} URL.
   */
  public static ServerFrame reconnect(String host, int port, String url) {
    return new ServerFrame("RECONNECT " + host + " " + port + " " + url, "reconnect",
        () -> new JsonObject().put("host", host).put("port", port).put("url", url));
  }

  public static ServerFrame bye(ByeReason reason) {
    return new ServerFrame("BYE " + reason.wireName(), "bye", () -> new JsonObject().put("reason", reason.wireName()));
  }

  /**
   * What kind of frame this is: the JSON {@code op} ({@code ok}, {@code err}, {@code msg}, {@code bye}, ...), the
   * same whatever the spelling; lets the gateway count frames by kind.
   */
  public String op() {
    return jsonOp;
  }

  /** The text spelling, without the LF. */
  public String text() {
    return text;
  }

  /** The JSON spelling; {@code id} (may be null) is put right after {@code op}. */
  public JsonObject json(String id) {
    JsonObject json = new JsonObject().put("op", jsonOp);
    if (id != null) {
      json.put("id", id);
    }
    return json.mergeIn(jsonFields.get());
  }

  /** The line to write, LF included, in {@code spelling}; {@code id} is the request's JSON id, or null. */
  public String encode(Spelling spelling, String id) {
    if (id != null && spelling == Spelling.JSON) {
      return json(id).encode() + "\n";
    }
    // A push goes to many connections (a group's members): each spelling's line is built once. A race builds twice.
    if (spelling == Spelling.JSON) {
      String line = jsonLine;
      if (line == null) {
        line = json(null).encode() + "\n";
        jsonLine = line;
      }
      return line;
    }
    String line = textLine;
    if (line == null) {
      line = text + "\n";
      textLine = line;
    }
    return line;
  }

  /** Text frames are lines: text that came in through JSON may hold line breaks, which would split the frame. */
  static String oneLine(String text) {
    return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
  }
}
