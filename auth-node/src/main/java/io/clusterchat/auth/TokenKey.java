package io.clusterchat.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One key tokens are signed or checked with: its id (the token header's {@code kid}) and its HMAC secret. The
 * constructor validates and throws {@link IllegalArgumentException} with a message fit for an operator, never
 * containing the secret; {@link #toString()} leaves the secret out too.
 *
 * @param id what tokens name the key by: {@value #ID_PATTERN}
 * @param secret the HMAC-SHA256 key, at least {@value #MIN_SECRET_LENGTH} characters
 */
public record TokenKey(String id, String secret) {

  /** Letters, digits, dot, dash, underscore: safe in a token header, a log line and a config value. */
  public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,31}";
  /** 32 characters is at least 256 bits, HS256's key size. */
  public static final int MIN_SECRET_LENGTH = 32;
  /** The id of the one key {@code --token-secret} gives. */
  public static final String DEFAULT_ID = "default";

  private static final Pattern ID = Pattern.compile(ID_PATTERN);

  public TokenKey {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("token key id must match " + ID_PATTERN + ", was "
          + (id == null ? "missing" : "'" + id + "'"));
    }
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      // The secret itself is never echoed: this message may end up in a log.
      int length = secret == null ? 0 : secret.length();
      throw new IllegalArgumentException("token secret" + of(id) + " must be at least " + MIN_SECRET_LENGTH
          + " characters, was " + length);
    }
    if (secret.isBlank()) {
      throw new IllegalArgumentException("token secret" + of(id) + " must not be blank");
    }
  }

  /** The single key of {@code --token-secret}: id {@value #DEFAULT_ID}. */
  public static TokenKey ofSecret(String secret) {
    return new TokenKey(DEFAULT_ID, secret);
  }

  /**
   * Reads {@code id=secret,id=secret,...} (the launcher's {@code --token-keys}); a secret may contain {@code =} but
   * not {@code ,}. Order is kept: the first key signs.
   */
  public static List<TokenKey> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("token keys must be id=secret pairs separated by commas, were empty");
    }
    List<TokenKey> keys = new ArrayList<>();
    int index = 0;
    for (String entry : spec.split(",", -1)) {
      index++;
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("token key " + index + " must be written id=secret");
      }
      keys.add(new TokenKey(entry.substring(0, eq).strip(), entry.substring(eq + 1)));
    }
    return keys;
  }

  private static String of(String id) {
    return DEFAULT_ID.equals(id) ? "" : " of key '" + id + "'";
  }

  @Override
  public String toString() {
    return "TokenKey[" + id + "]";
  }
}
