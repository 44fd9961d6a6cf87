package io.clusterchat.protocol;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The requests of PROTOCOL.md, with their arguments in order. A text request's arguments and a JSON request's
 * fields share the names given here, so a handler reads them the same way whatever the spelling.
 */
public enum Command {
  PING(false, Param.optionalRest("data")),
  ECHO(false, Param.rest("text")),
  REGISTER(false, Param.word("name"), Param.word("password")),
  LOGIN(false, Param.word("user"), Param.word("password")),
  RESUME(false, Param.word("token")),
  SEND(true, Param.word("to"), Param.rest("text")),
  SYNC(true, Param.optionalGroup("group"), Param.optionalNumber("after"), Param.optionalNumber("limit")),
  ACK(true, Param.optionalGroup("group"), Param.number("seq")),
  HISTORY(true, Param.word("peer"), Param.optionalNumber("limit")),
  WHO(true, Param.word("user")),
  QUIT(false),
  // ---- groups (1.1) ----
  CREATE(true, Param.word("group"), Param.optionalWord("mode")),
  JOIN(true, Param.word("group")),
  INVITE(true, Param.word("group"), Param.word("user")),
  LEAVE(true, Param.word("group")),
  REMOVE(true, Param.word("group"), Param.word("user")),
  MEMBERS(true, Param.word("group"), Param.optionalNumber("offset"), Param.optionalNumber("limit")),
  GROUPS(true);

  private static final Map<String, Command> BY_NAME = Stream.of(values())
      .collect(Collectors.toUnmodifiableMap(Command::jsonName, Function.identity()));

  private final boolean loginNeeded;
  private final List<Param> params;
  private final String usage;

  Command(boolean loginNeeded, Param... params) {
    this.loginNeeded = loginNeeded;
    this.params = List.of(params);
    this.usage = Stream.concat(Stream.of(name()), this.params.stream().map(Param::usage))
        .collect(Collectors.joining(" "));
  }

  /** The command for a command word or JSON {@code op}, in any case; null if there is none. */
  public static Command lookup(String word) {
    return BY_NAME.get(word.toLowerCase(Locale.ROOT));
  }

  /** The lower-case name used as the JSON {@code op}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean loginNeeded() {
    return loginNeeded;
  }

  public List<Param> params() {
    return params;
  }

  /** The text form, e.g. {@code SEND <to> <text>}. */
  public String usage() {
    return usage;
  }

  /** One argument of a request. */
  public record Param(String name, Kind kind, boolean required) {

    /** How an argument is written in a text request. */
    public enum Kind {
      /** One word: no spaces. */
      WORD,
      /** A non-negative whole number. */
      NUMBER,
      /** The whole rest of the line, spaces included. */
      REST,
      /**
       * An optional group address in front of the other arguments: in a text request a word starting with
       * {@code #} (any other word is the next argument); in JSON a string field.
       */
      GROUP
    }

    static Param word(String name) {
      return new Param(name, Kind.WORD, true);
    }

    static Param optionalWord(String name) {
      return new Param(name, Kind.WORD, false);
    }

    static Param optionalGroup(String name) {
      return new Param(name, Kind.GROUP, false);
    }

    static Param number(String name) {
      return new Param(name, Kind.NUMBER, true);
    }

    static Param optionalNumber(String name) {
      return new Param(name, Kind.NUMBER, false);
    }

    static Param rest(String name) {
      return new Param(name, Kind.REST, true);
    }

    static Param optionalRest(String name) {
      return new Param(name, Kind.REST, false);
    }

    String usage() {
      if (kind == Kind.GROUP) {
        return "[<" + name + ">]";
      }
      return required ? "<" + name + ">" : "[<" + name + ">]";
    }
  }
}
