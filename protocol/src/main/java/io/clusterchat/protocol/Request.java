package io.clusterchat.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One decoded request line. A line that could not be decoded is still a request: it carries the
 * {@link #failure()} to answer, in the spelling (and with the JSON {@code id}) the client used.
 *
 * @param command the command, or null when the line failed before its command was known
 * @param id the JSON {@code "id"}, or null (text requests never have one)
 * @param spelling the spelling the reply must use
 * @param args the arguments by {@link Command.Param} name: strings and longs
 * @param failure why the line is not a valid request, or null
 */
public record Request(Command command, String id, Spelling spelling, JsonObject args, ProtocolException failure) {

  public static Request of(Command command, String id, Spelling spelling, JsonObject args) {
    return new Request(command, id, spelling, args, null);
  }

  public static Request invalid(Spelling spelling, String id, ProtocolException failure) {
    return new Request(null, id, spelling, null, failure);
  }

  public boolean isValid() {
    return failure == null;
  }

  /** A string argument, or null when the optional argument is absent. */
  public String string(String name) {
    return args.getString(name);
  }

  /** A number argument, or null when the optional argument is absent. */
  public Long number(String name) {
    return args.getLong(name);
  }
}
