package io.clusterchat.protocol;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every number and pattern of PROTOCOL.md, in one place: the gateway enforces them, the back-end nodes check them
 * again at their own door, and clients and tools read them from here. Nothing else in main code writes one of
 * these numbers or patterns down; options classes take their defaults from here and check against the bounds.
 *
 * <p>Lengths are counted as PROTOCOL.md says: names, regions and ids in characters (all ASCII or UTF-16 units of
 * a JSON string), message text in UTF-8 bytes, passwords in Unicode code points (so an emoji is one character).
 */
public final class Limits {

  // ---- addresses ----

  /** The longest user or group name. */
  public static final int MAX_NAME_LENGTH = 32;
  /** The longest region. */
  public static final int MAX_REGION_LENGTH = 16;
  /** {@code name@region} at its longest. */
  public static final int MAX_ADDRESS_LENGTH = MAX_NAME_LENGTH + 1 + MAX_REGION_LENGTH;
  /** A name, lower-case, as a regular expression (a constant, so annotations and help texts can use it). */
  public static final String NAME_PATTERN = "[a-z0-9_.-]{1," + MAX_NAME_LENGTH + "}";
  /** A region, lower-case, as a regular expression. */
  public static final String REGION_PATTERN = "[a-z0-9-]{1," + MAX_REGION_LENGTH + "}";
  /** A name, lower-case. */
  public static final Pattern NAME = Pattern.compile(NAME_PATTERN);
  /** A region, lower-case. */
  public static final Pattern REGION = Pattern.compile(REGION_PATTERN);
  /** A full user address, lower-case: {@code name@region}. */
  public static final Pattern ADDRESS = Pattern.compile(NAME.pattern() + "@" + REGION.pattern());

  // ---- frames ----

  /** The default longest frame in bytes, LF not counted; {@code max-line}. */
  public static final int DEFAULT_MAX_LINE = 8192;
  /** The longest JSON request {@code "id"}, in characters; also the longest idempotency key. */
  public static final int MAX_ID_LENGTH = 64;
  /** The longest message text, in UTF-8 bytes. */
  public static final int MAX_TEXT_BYTES = 4000;

  // ---- accounts ----

  /** The shortest password, in code points. */
  public static final int MIN_PASSWORD_LENGTH = 8;
  /** The longest password, in code points. */
  public static final int MAX_PASSWORD_LENGTH = 128;

  // ---- reads ----

  /** SYNC's {@code <limit>} when none is given. */
  public static final int DEFAULT_SYNC_LIMIT = 100;
  /** SYNC's largest {@code <limit>}. */
  public static final int MAX_SYNC_LIMIT = 1000;
  /** HISTORY's {@code <limit>} when none is given. */
  public static final int DEFAULT_HISTORY_LIMIT = 20;
  /** HISTORY's largest {@code <limit>}. */
  public static final int MAX_HISTORY_LIMIT = 200;

  // ---- connections ----

  /** A connection silent this long gets {@code ERR 408} and {@code BYE idle}; {@code idle-timeout}. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
  /** Frames per second a connection may send; {@code rate-limit}. */
  public static final int DEFAULT_RATE_LIMIT = 100;
  /** Frames a connection may send at once above the rate; {@code rate-burst}. */
  public static final int DEFAULT_RATE_BURST = 200;
  /** Bytes waiting to be written to a connection before it gets {@code BYE slow}; {@code max-outbound}. */
  public static final int DEFAULT_MAX_OUTBOUND = 1 << 20;
  /** The seed-compatible echo service's port, TCP and UDP. */
  public static final int DEFAULT_ECHO_PORT = 21567;

  // ---- transports (1.1) ----

  /** The WebSocket endpoint's path on a gateway's WebSocket port. */
  public static final String WEBSOCKET_PATH = "/ws";
  /** The TLS versions a gateway's TLS and wss ports speak; nothing older. */
  public static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  // ---- groups (1.1) ----

  /** Members a group may hold; {@code max-group-members}. */
  public static final int DEFAULT_MAX_GROUP_MEMBERS = 10_000;
  /** Groups a user may be in. */
  public static final int MAX_GROUPS_PER_USER = 1000;
  /** MEMBERS' {@code <limit>} when none is given. */
  public static final int DEFAULT_MEMBERS_LIMIT = 100;
  /** MEMBERS' largest {@code <limit>}. */
  public static final int MAX_MEMBERS_LIMIT = 1000;

  private static final char UTF8_TWO_BYTES_FROM = 0x80;
  private static final char UTF8_THREE_BYTES_FROM = 0x800;
  private static final int UTF8_THREE_BYTES = 3;
  /** A surrogate pair, one code point above U+FFFF. */
  private static final int UTF8_SUPPLEMENTARY_BYTES = 4;

  private Limits() {
  }

  /** True for a lower-case name of PROTOCOL.md. */
  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** True for a lower-case region of PROTOCOL.md. */
  public static boolean isRegion(String region) {
    return region != null && REGION.matcher(region).matches();
  }

  /** True for a lower-case full user address, {@code name@region}. */
  public static boolean isAddress(String address) {
    return address != null && address.length() <= MAX_ADDRESS_LENGTH && ADDRESS.matcher(address).matches();
  }

  /** True for a password of 8 to 128 code points. */
  public static boolean isPasswordLength(String password) {
    if (password == null) {
      return false;
    }
    int length = password.codePointCount(0, password.length());
    return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH;
  }

  /** The reason a password of the wrong length is refused. */
  public static String passwordLengthRule() {
    return "password must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters";
  }

  /** True for an id (JSON request id, idempotency key) of at most 64 characters. */
  public static boolean isIdLength(String id) {
    return id != null && id.length() <= MAX_ID_LENGTH;
  }

  /** True for message text of at most 4000 bytes of UTF-8. */
  public static boolean isTextLength(String text) {
    return text != null && utf8Length(text) <= MAX_TEXT_BYTES;
  }

  /** The reason a message text that is too long is refused. */
  public static String textLengthRule() {
    return "message too long: at most " + MAX_TEXT_BYTES + " bytes";
  }

  /**
   * The UTF-8 length of {@code text} without encoding it; an unpaired surrogate counts as the one byte Java's
   * encoder would replace it with ({@code ?}).
   */
  public static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < UTF8_TWO_BYTES_FROM) {
        bytes += 1;
      } else if (c < UTF8_THREE_BYTES_FROM) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += UTF8_SUPPLEMENTARY_BYTES;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += UTF8_THREE_BYTES;
      }
    }
    return bytes;
  }
}
