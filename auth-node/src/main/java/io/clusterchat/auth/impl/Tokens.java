package io.clusterchat.auth.impl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RESUME tokens: {@code base64url(payload) "." base64url(HMAC-SHA256(secret, payload))} where the payload is
 * {@code <address>|<expiresAtMillis>|<token generation>|<base64url 128-bit nonce>}. Any auth-node with the same
 * secret can check the signature and expiry alone; the auth-node then compares the generation with the account's
 * (a kick raises it, revoking every token the account has). Tokens of the three-field form issued before
 * generations existed read as generation 0. Thread-safe.
 */
public final class Tokens {

  private static final String MAC_ALGORITHM = "HmacSHA256";
  private static final int NONCE_BYTES = 16;
  private static final int PAYLOAD_FIELDS = 4;
  private static final int LEGACY_PAYLOAD_FIELDS = 3;
  private static final int EXPIRES = 1;
  private static final int GENERATION = 2;
  private static final char SEPARATOR = '.';
  private static final String FIELD_SEPARATOR = "|";
  // Real tokens are about 150 characters; anything far longer is refused before it is decoded.
  private static final int MAX_TOKEN_LENGTH = 512;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecureRandom random = new SecureRandom();
  private final SecretKeySpec key;
  private final long ttlMillis;

  public Tokens(String secret, long ttlMillis) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), MAC_ALGORITHM);
    this.ttlMillis = ttlMillis;
  }

  /** What a valid token says: whose it is, and the account's token generation when it was issued. */
  public record Claims(String address, long generation) {
  }

  /** A new token for {@code address} at generation 0, good until {@code nowMillis} plus the ttl. */
  public String issue(String address, long nowMillis) {
    return issue(address, 0, nowMillis);
  }

  /** A new token for {@code address} at its account's {@code generation}, good until now plus the ttl. */
  public String issue(String address, long generation, long nowMillis) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    String payload = address + FIELD_SEPARATOR + (nowMillis + ttlMillis) + FIELD_SEPARATOR + generation
        + FIELD_SEPARATOR + ENCODER.encodeToString(nonce);
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + SEPARATOR + ENCODER.encodeToString(mac(bytes));
  }

  /** The address a token was issued for, if its MAC is right and it has not expired at {@code nowMillis}. */
  public Optional<String> verify(String token, long nowMillis) {
    return claims(token, nowMillis).map(Claims::address);
  }

  /** What the token says, if its MAC is right and it has not expired at {@code nowMillis}. */
  public Optional<Claims> claims(String token, long nowMillis) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    int dot = token.indexOf(SEPARATOR);
    if (dot < 0) {
      return Optional.empty();
    }
    try {
      String encodedPayload = token.substring(0, dot);
      String encodedTag = token.substring(dot + 1);
      byte[] payload = DECODER.decode(encodedPayload);
      byte[] tag = DECODER.decode(encodedTag);
      // The decoder ignores the unused low bits of the last character: without this, one token had many spellings.
      if (!canonical(encodedPayload, payload) || !canonical(encodedTag, tag)
          || !MessageDigest.isEqual(mac(payload), tag)) {
        return Optional.empty();
      }
      return unexpired(new String(payload, StandardCharsets.UTF_8), nowMillis);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean canonical(String encoded, byte[] decoded) {
    return ENCODER.encodeToString(decoded).equals(encoded);
  }

  private static Optional<Claims> unexpired(String payload, long nowMillis) {
    String[] fields = payload.split("\\" + FIELD_SEPARATOR, -1);
    boolean legacy = fields.length == LEGACY_PAYLOAD_FIELDS;
    if (!legacy && fields.length != PAYLOAD_FIELDS || fields[0].isEmpty()) {
      return Optional.empty();
    }
    long expiresAt = Long.parseLong(fields[EXPIRES]);
    long generation = legacy ? 0 : Long.parseLong(fields[GENERATION]);
    return nowMillis < expiresAt ? Optional.of(new Claims(fields[0], generation)) : Optional.empty();
  }

  private byte[] mac(byte[] payload) {
    try {
      // A Mac is not thread-safe and cheap to make: one per call.
      Mac mac = Mac.getInstance(MAC_ALGORITHM);
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
