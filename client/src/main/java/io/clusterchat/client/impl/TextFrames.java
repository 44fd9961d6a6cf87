package io.clusterchat.client.impl;

import io.vertx.core.json.JsonObject;

/**
 * Reads the few text-spelled frames this client can get: the gateway writes pushes in the spelling of the
 * connection's latest request, so those arriving before the first (JSON) request, such as {@code BYE shutdown},
 * are text (a gateway might also push GMSG, GEVENT or SENT before it). Each is turned into its JSON spelling so that
 * one handler serves both.
 */
final class TextFrames {

  private static final String HELLO = "HELLO ";
  /** Word positions: {@code HELLO <version> <region> <node-id>}. */
  private static final int HELLO_NODE = 3;
  /** Word positions: {@code MSG <seq> <msg-id> <from> <to> <ts> <text>}. */
  private static final int MSG_FROM = 3;
  private static final int MSG_TO = 4;
  private static final int MSG_TS = 5;
  private static final int MSG_TEXT = 6;
  private static final int HELLO_FIELDS = 4;
  private static final int ERR_FIELDS = 3;
  private static final int RECONNECT_FIELDS = 3;
  private static final int MSG_FIELDS = 7;
  /** {@code GMSG <group> <seq> <msg-id> <from> <ts> <text>}. */
  private static final int GMSG_FIELDS = 7;
  /** {@code GEVENT <group> <seq> <ts> <event> <by> <user>}. */
  private static final int GEVENT_FIELDS = 7;
  /** {@code SENT <msg-id> <to> <ts> <text>}. */
  private static final int SENT_FIELDS = 5;
  /** Word positions of the group frames and SENT, counting the frame's name as word 0. */
  private static final int WORD_3 = 3;
  private static final int WORD_4 = 4;
  private static final int WORD_5 = 5;
  private static final int WORD_6 = 6;

  private TextFrames() {
  }

  /** The {@code {"region":s,"node":s}} of a HELLO line, or null if {@code line} is not one. */
  static JsonObject hello(String line) {
    if (!line.startsWith(HELLO)) {
      return null;
    }
    String[] words = line.split(" ", HELLO_FIELDS);
    return words.length < HELLO_FIELDS ? null
        : new JsonObject().put("version", words[1]).put("region", words[2]).put("node", words[HELLO_NODE]);
  }

  /** The JSON spelling of a text push or error, or null for anything else. */
  static JsonObject toJson(String line) {
    int space = line.indexOf(' ');
    String word = space < 0 ? line : line.substring(0, space);
    String rest = space < 0 ? "" : line.substring(space + 1);
    try {
      switch (word) {
        case "NOTICE":
          return new JsonObject().put("op", "notice").put("text", rest);
        case "BYE":
          return new JsonObject().put("op", "bye").put("reason", rest);
        case "ERR":
          return error(line);
        case "RECONNECT":
          return reconnect(line);
        case "MSG":
          return msg(line);
        case "GMSG":
          return gmsg(line);
        case "GEVENT":
          return gevent(line);
        case "SENT":
          return sent(line);
        default:
          return null;
      }
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static JsonObject error(String line) {
    String[] words = line.split(" ", ERR_FIELDS);
    return words.length < ERR_FIELDS ? null
        : new JsonObject().put("op", "err").put("code", Integer.parseInt(words[1])).put("error", words[2]);
  }

  /** {@code RECONNECT <host> <port>}, and on WebSocket {@code <url>} after them. */
  private static JsonObject reconnect(String line) {
    String[] words = line.split(" ", RECONNECT_FIELDS + 1);
    if (words.length < RECONNECT_FIELDS) {
      return null;
    }
    JsonObject json = new JsonObject().put("op", "reconnect").put("host", words[1])
        .put("port", Integer.parseInt(words[2]));
    return words.length > RECONNECT_FIELDS ? json.put("url", words[RECONNECT_FIELDS]) : json;
  }

  private static JsonObject msg(String line) {
    String[] words = line.split(" ", MSG_FIELDS);
    if (words.length < MSG_FIELDS) {
      return null;
    }
    return new JsonObject().put("op", "msg").put("seq", Long.parseLong(words[1])).put("msg", words[2])
        .put("from", words[MSG_FROM]).put("to", words[MSG_TO]).put("ts", Long.parseLong(words[MSG_TS]))
        .put("text", words[MSG_TEXT]);
  }

  private static JsonObject gmsg(String line) {
    String[] words = line.split(" ", GMSG_FIELDS);
    if (words.length < GMSG_FIELDS) {
      return null;
    }
    return new JsonObject().put("op", "gmsg").put("group", words[1]).put("seq", Long.parseLong(words[2]))
        .put("msg", words[WORD_3]).put("from", words[WORD_4]).put("ts", Long.parseLong(words[WORD_5]))
        .put("text", words[WORD_6]);
  }

  private static JsonObject gevent(String line) {
    String[] words = line.split(" ");
    if (words.length != GEVENT_FIELDS) {
      return null;
    }
    return new JsonObject().put("op", "gevent").put("group", words[1]).put("seq", Long.parseLong(words[2]))
        .put("ts", Long.parseLong(words[WORD_3])).put("event", words[WORD_4]).put("by", words[WORD_5])
        .put("user", words[WORD_6]);
  }

  private static JsonObject sent(String line) {
    String[] words = line.split(" ", SENT_FIELDS);
    if (words.length < SENT_FIELDS) {
      return null;
    }
    return new JsonObject().put("op", "sent").put("msg", words[1]).put("to", words[2])
        .put("ts", Long.parseLong(words[WORD_3])).put("text", words[WORD_4]);
  }
}
