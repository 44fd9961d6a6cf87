package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.clusterchat.auth.TokenKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Tokens as JWS HS256 with key ids. Forged tokens are built here by hand (header and payload JSON, HMAC over them),
 * not with the library's signer, so a test can write what the library would refuse to write.
 */
class TokensTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final TokenKey KEY = new TokenKey("2026-06", SECRET);
  private static final TokenKey NEW_KEY = new TokenKey("2026-12", "a newer secret, 0123456789abcdef0123");
  private static final long TTL = TimeUnit.HOURS.toMillis(1);
  /** A whole second: JWT times are in seconds. */
  private static final long NOW = 1_800_000_000_000L;
  private static final String ALICE = "alice@bj";

  private final Tokens tokens = new Tokens(List.of(KEY), TTL);

  @Test
  void roundTrips() throws Exception {
    String token = tokens.issue(ALICE, 7, NOW);

    assertThat(tokens.claims(token, NOW)).contains(new Tokens.Claims(ALICE, 7));
    assertThat(tokens.claims(token, NOW + TTL - 1)).contains(new Tokens.Claims(ALICE, 7));
    assertThat(tokens.verify(token, NOW)).contains(ALICE);
    assertThat(tokens.claims(tokens.issue(ALICE, NOW), NOW)).contains(new Tokens.Claims(ALICE, 0));
    // No spaces (PROTOCOL.md lines carry it), and a sane length.
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}").hasSizeLessThan(300);
  }

  @Test
  void isAnHs256JwtWithTheKeyIdAndTheClaims() throws Exception {
    SignedJWT jwt = SignedJWT.parse(tokens.issue(ALICE, 7, NOW));

    assertThat(jwt.getHeader().toJSONObject()).isEqualTo(Map.of("alg", "HS256", "kid", "2026-06"));
    Map<String, Object> claims = jwt.getJWTClaimsSet().toJSONObject();
    assertThat(claims).containsOnlyKeys("sub", "exp", "iat", "jti", "gen")
        .containsEntry("sub", ALICE)
        .containsEntry("exp", (NOW + TTL) / 1000)
        .containsEntry("iat", NOW / 1000)
        .containsEntry("gen", 7L);
    // 128 random bits.
    assertThat(Base64URL.from((String) claims.get("jti")).decode()).hasSize(16);
  }

  @Test
  void everyTokenIsNew() {
    assertThat(tokens.issue(ALICE, NOW)).isNotEqualTo(tokens.issue(ALICE, NOW));
  }

  @Test
  void theFirstKeySignsAndEveryListedKeyVerifies() throws Exception {
    String old = tokens.issue(ALICE, 3, NOW);
    Tokens rotated = new Tokens(List.of(NEW_KEY, KEY), TTL);
    Tokens retired = new Tokens(List.of(NEW_KEY), TTL);

    String fresh = rotated.issue(ALICE, 3, NOW);
    assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo("2026-12");
    assertThat(rotated.claims(old, NOW)).contains(new Tokens.Claims(ALICE, 3));
    assertThat(rotated.claims(fresh, NOW)).contains(new Tokens.Claims(ALICE, 3));
    assertThat(retired.claims(fresh, NOW)).contains(new Tokens.Claims(ALICE, 3));
    assertThat(retired.claims(old, NOW)).isEmpty();
    // A node not yet given the new key refuses its tokens: why the new key goes on every node before it signs.
    assertThat(tokens.claims(fresh, NOW)).isEmpty();
  }

  @Test
  void acceptsAHandMadeTokenOfTheRightShape() {
    // The baseline of the forgeries below: it passes, so each of them fails for its one change only.
    assertThat(tokens.claims(sign(header("2026-06"), payload(Map.of()), SECRET), NOW))
        .contains(new Tokens.Claims(ALICE, 7));
  }

  @Test
  void rejectsAlgNone() {
    String unsigned = encode("{\"alg\":\"none\",\"kid\":\"2026-06\"}") + "." + encode(payload(Map.of()));

    assertThat(tokens.claims(unsigned + ".", NOW)).isEmpty();
    assertThat(tokens.claims(unsigned, NOW)).isEmpty();
  }

  @Test
  void rejectsOtherAlgorithms() {
    String payload = payload(Map.of());
    String hs512 = "{\"alg\":\"HS512\",\"kid\":\"2026-06\"}";
    String hs384 = "{\"alg\":\"HS384\",\"kid\":\"2026-06\"}";
    // RS256 with the secret as an HMAC key: the classic algorithm confusion.
    String rs256 = "{\"alg\":\"RS256\",\"kid\":\"2026-06\"}";

    assertThat(tokens.claims(sign(hs512, payload, SECRET, "HmacSHA512"), NOW)).isEmpty();
    assertThat(tokens.claims(sign(hs384, payload, SECRET, "HmacSHA384"), NOW)).isEmpty();
    assertThat(tokens.claims(sign(rs256, payload, SECRET), NOW)).isEmpty();
  }

  @Test
  void rejectsAWrongKeyAnUnknownKidAndAMissingKid() {
    String payload = payload(Map.of());

    assertThat(tokens.claims(sign(header("2026-06"), payload, NEW_KEY.secret()), NOW)).isEmpty();
    assertThat(tokens.claims(sign(header("2026-12"), payload, SECRET), NOW)).isEmpty();
    assertThat(tokens.claims(sign("{\"alg\":\"HS256\"}", payload, SECRET), NOW)).isEmpty();
    assertThat(tokens.claims(new Tokens(List.of(new TokenKey("2026-06", NEW_KEY.secret())), TTL)
        .issue(ALICE, NOW), NOW)).isEmpty();
  }

  @Test
  void rejectsHeadersBeyondAlgAndKid() {
    String payload = payload(Map.of());
    List<String> headers = List.of(
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"crit\":[\"exp\"]}",
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"crit\":[\"x-unknown\"],\"x-unknown\":1}",
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"jku\":\"https://attacker.example/keys\"}",
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"jwk\":{\"kty\":\"oct\",\"k\":\"" + encode(SECRET) + "\"}}",
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"b64\":false,\"crit\":[\"b64\"]}",
        "{\"alg\":\"HS256\",\"kid\":\"2026-06\",\"zip\":\"DEF\"}");

    for (String header : headers) {
      assertThat(tokens.claims(sign(header, payload, SECRET), NOW)).as(header).isEmpty();
    }
  }

  @Test
  void rejectsAModifiedPayload() {
    String token = tokens.issue(ALICE, 7, NOW);
    String signature = token.substring(token.lastIndexOf('.'));
    String head = token.substring(0, token.indexOf('.') + 1);

    assertThat(tokens.claims(head + encode(payload(Map.of("sub", "mallory@bj"))) + signature, NOW)).isEmpty();
    assertThat(tokens.claims(head + encode(payload(Map.of("gen", 8L))) + signature, NOW)).isEmpty();
    assertThat(tokens.claims(tamper(token), NOW)).isEmpty();
  }

  @Test
  void rejectsAnExpiredToken() {
    String token = tokens.issue(ALICE, NOW);

    assertThat(tokens.claims(token, NOW + TTL)).isEmpty();
    assertThat(tokens.claims(token, NOW + TTL + 1)).isEmpty();
    assertThat(tokens.claims(sign(header("2026-06"), payload(Map.of("exp", NOW / 1000)), SECRET), NOW)).isEmpty();
  }

  @Test
  void rejectsNonCanonicalSpellingsAndTrailingGarbage() {
    String token = tokens.issue(ALICE, NOW);
    // 32 MAC bytes take 43 characters, the last of which carries 2 unused bits: setting one still decodes the same.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = token.length() - 1;
    char sibling = alphabet.charAt(alphabet.indexOf(token.charAt(last)) + 1);

    assertThat(tokens.claims(token.substring(0, last) + sibling, NOW)).isEmpty();
    assertThat(tokens.claims(token + "A", NOW)).isEmpty();
    assertThat(tokens.claims(token + "=", NOW)).isEmpty();
    assertThat(tokens.claims(token + ".", NOW)).isEmpty();
    assertThat(tokens.claims(token + ".AAAA", NOW)).isEmpty();
    assertThat(tokens.claims(token + " ", NOW)).isEmpty();
    assertThat(tokens.claims(" " + token, NOW)).isEmpty();
    // The standard alphabet's characters, which a lenient decoder might take for the url alphabet's.
    assertThat(tokens.claims(token.substring(0, 1) + "+" + token.substring(2), NOW)).isEmpty();
    assertThat(tokens.claims(token.substring(0, 1) + "/" + token.substring(2), NOW)).isEmpty();
  }

  @Test
  void rejectsAnOverlongTokenBeforeParsingIt() {
    String padded = sign(header("2026-06"), payload(Map.of("pad", "x".repeat(600))), SECRET);

    assertThat(tokens.claims(padded, NOW)).isEmpty();
    assertThat(tokens.claims("a".repeat(10_000) + ".b.c", NOW)).isEmpty();
  }

  @Test
  void rejectsMissingClaims() {
    for (String claim : List.of("sub", "exp", "iat", "jti", "gen")) {
      Map<String, Object> without = new LinkedHashMap<>();
      without.put(claim, null);
      assertThat(tokens.claims(sign(header("2026-06"), payload(without), SECRET), NOW)).as(claim).isEmpty();
    }
  }

  @Test
  void rejectsABadSubjectOrGeneration() {
    List<Map<String, Object>> bad = List.of(
        Map.of("gen", -1L), Map.of("gen", 1.5), Map.of("gen", "7"), Map.of("gen", 1e30), Map.of("gen", true),
        Map.of("sub", "Alice!@bj"), Map.of("sub", "alice"), Map.of("sub", ""), Map.of("sub", 42L),
        Map.of("exp", "soon"), Map.of("jti", ""));

    for (Map<String, Object> change : bad) {
      assertThat(tokens.claims(sign(header("2026-06"), payload(change), SECRET), NOW)).as(change.toString())
          .isEmpty();
    }
  }

  @Test
  void rejectsGarbage() {
    assertThat(tokens.claims(null, NOW)).isEmpty();
    assertThat(tokens.claims("", NOW)).isEmpty();
    assertThat(tokens.claims(".", NOW)).isEmpty();
    assertThat(tokens.claims("..", NOW)).isEmpty();
    assertThat(tokens.claims("not a token", NOW)).isEmpty();
    assertThat(tokens.claims("!!!.???.***", NOW)).isEmpty();
    assertThat(tokens.claims(encode("[]") + "." + encode("{}") + ".AAAA", NOW)).isEmpty();
  }

  /** The token with the first character of its signature changed. */
  static String tamper(String token) {
    int at = token.lastIndexOf('.') + 1;
    return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
  }

  private static String header(String kid) {
    return "{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}";
  }

  /** Good claims for alice at generation 7, good for an hour from NOW, with {@code changes}: null removes. */
  private static String payload(Map<String, Object> changes) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", ALICE);
    claims.put("exp", (NOW + TTL) / 1000);
    claims.put("iat", NOW / 1000);
    claims.put("jti", "AAAAAAAAAAAAAAAAAAAAAA");
    claims.put("gen", 7L);
    changes.forEach((name, value) -> {
      if (value == null) {
        claims.remove(name);
      } else {
        claims.put(name, value);
      }
    });
    return JSONObjectUtils.toJSONString(claims);
  }

  private static String sign(String header, String payload, String secret) {
    return sign(header, payload, secret, "HmacSHA256");
  }

  private static String sign(String header, String payload, String secret, String algorithm) {
    String input = encode(header) + "." + encode(payload);
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static String encode(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
