package io.clusterchat.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Turns one frame (a line, without its LF) into a {@link Request}, in either spelling. Stateless.
 *
 * <p>A line whose first non-blank character is {@code {} is a JSON frame; every other line is a text frame: a
 * command word (any case), then arguments separated by single spaces, the last {@code REST} argument taking the
 * whole rest of the line.
 */
public final class RequestDecoder {

  /** Any 18 digits fit a long: no overflow check needed. */
  private static final int MAX_NUMBER_DIGITS = 18;

  private RequestDecoder() {
  }

  public static Request decode(String line) {
    int first = firstNonBlank(line);
    if (first < line.length() && line.charAt(first) == '{') {
      return decodeJson(line);
    }
    return decodeText(first == 0 ? line : line.substring(first));
  }

  private static int firstNonBlank(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  // ---- text ----

  private static Request decodeText(String line) {
    int space = line.indexOf(' ');
    String word = space < 0 ? line : line.substring(0, space);
    Command command = Command.lookup(word);
    if (command == null) {
      return Request.invalid(Spelling.TEXT, null, ProtocolException.badRequest("unknown command"));
    }
    String rest = space < 0 ? null : line.substring(space + 1);
    JsonObject args = new JsonObject();
    for (Command.Param param : command.params()) {
      if (rest == null) {
        if (param.required()) {
          return usage(command);
        }
        continue;
      }
      if (param.kind() == Command.Param.Kind.REST) {
        args.put(param.name(), rest);
        rest = null;
        continue;
      }
      int end = rest.indexOf(' ');
      String token = end < 0 ? rest : rest.substring(0, end);
      if (param.kind() == Command.Param.Kind.GROUP && !GroupAddress.isGroup(token)) {
        continue;
      }
      rest = end < 0 ? null : rest.substring(end + 1);
      if (token.isEmpty()) {
        return usage(command);
      }
      if (param.kind() == Command.Param.Kind.NUMBER) {
        Long number = parseNumber(token);
        if (number == null) {
          return usage(command);
        }
        args.put(param.name(), number);
      } else {
        args.put(param.name(), token);
      }
    }
    if (rest != null || missingRest(command, args)) {
      return usage(command);
    }
    return Request.of(command, null, Spelling.TEXT, args);
  }

  /** A required REST argument must not be empty ({@code "SEND bob "} has no text). */
  private static boolean missingRest(Command command, JsonObject args) {
    for (Command.Param param : command.params()) {
      if (param.kind() == Command.Param.Kind.REST && param.required() && args.getString(param.name()).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static Request usage(Command command) {
    return Request.invalid(Spelling.TEXT, null, ProtocolException.badRequest("usage: " + command.usage()));
  }

  private static Long parseNumber(String token) {
    if (token.length() > MAX_NUMBER_DIGITS) {
      return null;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(token);
  }

  // ---- JSON ----

  private static Request decodeJson(String line) {
    JsonObject frame;
    try {
      frame = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      return Request.invalid(Spelling.JSON, null, ProtocolException.badRequest("invalid json"));
    }
    Object rawId = frame.getValue("id");
    if (rawId != null && (!(rawId instanceof String) || !Limits.isIdLength((String) rawId))) {
      return Request.invalid(Spelling.JSON, null,
          ProtocolException.badRequest("id must be a string of at most " + Limits.MAX_ID_LENGTH + " characters"));
    }
    String id = (String) rawId;
    Object op = frame.getValue("op");
    Command command = op instanceof String ? Command.lookup((String) op) : null;
    if (command == null) {
      return Request.invalid(Spelling.JSON, id, ProtocolException.badRequest("unknown command"));
    }
    JsonObject args = new JsonObject();
    for (Command.Param param : command.params()) {
      Object value = frame.getValue(param.name());
      if (value == null) {
        if (param.required()) {
          return Request.invalid(Spelling.JSON, id, ProtocolException.badRequest("missing " + param.name()));
        }
        continue;
      }
      Object checked = checkJsonValue(param, value);
      if (checked == null) {
        return Request.invalid(Spelling.JSON, id, ProtocolException.badRequest("bad " + param.name()));
      }
      args.put(param.name(), checked);
    }
    return Request.of(command, id, Spelling.JSON, args);
  }

  private static Object checkJsonValue(Command.Param param, Object value) {
    if (param.kind() == Command.Param.Kind.NUMBER) {
      if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0) {
        return ((Number) value).longValue();
      }
      return null;
    }
    if (!(value instanceof String)) {
      return null;
    }
    String text = (String) value;
    if ((param.kind() == Command.Param.Kind.WORD || param.kind() == Command.Param.Kind.GROUP)
        && (text.isEmpty() || text.indexOf(' ') >= 0)) {
      return null;
    }
    if (param.kind() == Command.Param.Kind.REST && param.required() && text.isEmpty()) {
      return null;
    }
    return text;
  }
}
