package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokensTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final long TTL = TimeUnit.HOURS.toMillis(1);
  private static final long NOW = 1_800_000_000_000L;
  private static final String ALICE = "alice@bj";

  private final Tokens tokens = new Tokens(SECRET, TTL);

  @Test
  void roundTrips() {
    String token = tokens.issue(ALICE, NOW);

    assertThat(tokens.verify(token, NOW)).contains(ALICE);
    assertThat(tokens.verify(token, NOW + TTL - 1)).contains(ALICE);
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
  }

  @Test
  void everyTokenIsNew() {
    assertThat(tokens.issue(ALICE, NOW)).isNotEqualTo(tokens.issue(ALICE, NOW));
  }

  @Test
  void rejectsATamperedMac() {
    String token = tokens.issue(ALICE, NOW);

    assertThat(tokens.verify(tamper(token), NOW)).isEmpty();
  }

  @Test
  void rejectsANonCanonicalSpellingOfAGoodToken() {
    String token = tokens.issue(ALICE, NOW);
    // 32 MAC bytes take 43 characters, the last of which carries 2 unused bits: setting one still decodes the same.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = token.length() - 1;
    char sibling = alphabet.charAt(alphabet.indexOf(token.charAt(last)) + 1);

    assertThat(tokens.verify(token.substring(0, last) + sibling, NOW)).isEmpty();
  }

  /** The token with the first character of its MAC changed. */
  static String tamper(String token) {
    int at = token.indexOf('.') + 1;
    return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
  }

  @Test
  void rejectsATamperedPayload() {
    String token = tokens.issue(ALICE, NOW);
    String mac = token.substring(token.indexOf('.'));
    String forged = tokens.issue("mallory@bj", NOW);
    String forgedPayload = forged.substring(0, forged.indexOf('.'));

    assertThat(tokens.verify(forgedPayload + mac, NOW)).isEmpty();
  }

  @Test
  void rejectsAnExpiredToken() {
    String token = tokens.issue(ALICE, NOW);

    assertThat(tokens.verify(token, NOW + TTL)).isEmpty();
    assertThat(tokens.verify(token, NOW + TTL + 1)).isEmpty();
  }

  @Test
  void rejectsATokenMadeWithAnotherSecret() {
    String token = new Tokens("another secret, also 32 chars long", TTL).issue(ALICE, NOW);

    assertThat(tokens.verify(token, NOW)).isEmpty();
  }

  @Test
  void rejectsGarbage() {
    assertThat(tokens.verify(null, NOW)).isEmpty();
    assertThat(tokens.verify("", NOW)).isEmpty();
    assertThat(tokens.verify(".", NOW)).isEmpty();
    assertThat(tokens.verify("not a token", NOW)).isEmpty();
    assertThat(tokens.verify("!!!.???", NOW)).isEmpty();
    assertThat(tokens.verify("a".repeat(10_000) + ".b", NOW)).isEmpty();
  }

  @Test
  void aTokenCarriesTheAccountsTokenGeneration() {
    String token = tokens.issue(ALICE, 7, NOW);
    assertThat(tokens.claims(token, NOW)).contains(new Tokens.Claims(ALICE, 7));
    assertThat(tokens.claims(tokens.issue(ALICE, NOW), NOW)).contains(new Tokens.Claims(ALICE, 0));
  }
}
