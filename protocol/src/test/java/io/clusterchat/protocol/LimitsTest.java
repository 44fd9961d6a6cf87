package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each rule of {@link Limits} at its edges: the one place PROTOCOL.md's numbers and patterns live. */
class LimitsTest {

  /** U+1F600, one code point, two UTF-16 units, four UTF-8 bytes. */
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void regionIsOneToSixteenOfLowerCaseLettersDigitsAndDashes() {
    assertThat(Limits.isRegion("bj")).isTrue();
    assertThat(Limits.isRegion("a")).isTrue();
    assertThat(Limits.isRegion("r".repeat(16))).isTrue();
    assertThat(Limits.isRegion("cn-north-1")).isTrue();
    assertThat(Limits.isRegion("r".repeat(17))).isFalse();
    assertThat(Limits.isRegion("")).isFalse();
    assertThat(Limits.isRegion(null)).isFalse();
    assertThat(Limits.isRegion("BJ")).isFalse();
    assertThat(Limits.isRegion("b_j")).isFalse();
    assertThat(Limits.isRegion("b.j")).isFalse();
  }

  @Test
  void nameIsOneToThirtyTwoOfLowerCaseLettersDigitsUnderscoresDotsAndDashes() {
    assertThat(Limits.isName("a")).isTrue();
    assertThat(Limits.isName("n".repeat(32))).isTrue();
    assertThat(Limits.isName("al.ice_2-b")).isTrue();
    assertThat(Limits.isName("n".repeat(33))).isFalse();
    assertThat(Limits.isName("")).isFalse();
    assertThat(Limits.isName("Alice")).isFalse();
    assertThat(Limits.isName("al ice")).isFalse();
    assertThat(Limits.isName("al@ice")).isFalse();
  }

  @Test
  void addressIsNameAtRegion() {
    assertThat(Limits.isAddress("alice@bj")).isTrue();
    assertThat(Limits.isAddress("n".repeat(32) + "@" + "r".repeat(16))).isTrue();
    assertThat(Limits.MAX_ADDRESS_LENGTH).isEqualTo(49);
    assertThat(Limits.isAddress("alice")).isFalse();
    assertThat(Limits.isAddress("alice@")).isFalse();
    assertThat(Limits.isAddress("@bj")).isFalse();
    assertThat(Limits.isAddress("alice@bj@sh")).isFalse();
    assertThat(Limits.isAddress("alice@b j")).isFalse();
    assertThat(Limits.isAddress(null)).isFalse();
  }

  @Test
  void textIsAtMost4000BytesOfUtf8() {
    assertThat(Limits.isTextLength("t".repeat(4000))).isTrue();
    assertThat(Limits.isTextLength("t".repeat(4001))).isFalse();
    // 1000 emoji: 2000 chars, 4000 bytes; one more byte is too many.
    assertThat(Limits.isTextLength(EMOJI.repeat(1000))).isTrue();
    assertThat(Limits.isTextLength(EMOJI.repeat(1000) + "t")).isFalse();
    // 2000 two-byte characters: 2000 chars, 4000 bytes.
    assertThat(Limits.isTextLength("\u00e9".repeat(2000))).isTrue();
    assertThat(Limits.isTextLength("\u00e9".repeat(2001))).isFalse();
  }

  @Test
  void utf8LengthIsWhatJavasEncoderWrites() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        // Every kind of char, lone surrogates included (the encoder writes '?' for those).
        text.append((char) random.nextInt(Character.MAX_VALUE + 1));
      }
      String s = text.toString();
      assertThat(Limits.utf8Length(s)).as("utf-8 length of %s", s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void idIsAtMost64Characters() {
    assertThat(Limits.isIdLength("i".repeat(64))).isTrue();
    assertThat(Limits.isIdLength("i".repeat(65))).isFalse();
    assertThat(Limits.isIdLength("")).isTrue();
    assertThat(Limits.isIdLength(null)).isFalse();
  }

  @Test
  void passwordIsEightTo128CodePoints() {
    assertThat(Limits.isPasswordLength("p".repeat(8))).isTrue();
    assertThat(Limits.isPasswordLength("p".repeat(7))).isFalse();
    assertThat(Limits.isPasswordLength("p".repeat(128))).isTrue();
    assertThat(Limits.isPasswordLength("p".repeat(129))).isFalse();
    assertThat(Limits.isPasswordLength(null)).isFalse();
  }

  @Test
  void anEmojiIsOnePasswordCharacter() {
    // 8 emoji are 16 UTF-16 units: eight characters, not sixteen.
    assertThat(Limits.isPasswordLength(EMOJI.repeat(8))).isTrue();
    // 4 emoji are 8 UTF-16 units but only four characters.
    assertThat(Limits.isPasswordLength(EMOJI.repeat(4))).isFalse();
    // 128 emoji are 256 UTF-16 units and still 128 characters.
    assertThat(Limits.isPasswordLength(EMOJI.repeat(128))).isTrue();
    assertThat(Limits.isPasswordLength(EMOJI.repeat(129))).isFalse();
  }

  @Test
  void rulesAreWorded() {
    assertThat(Limits.passwordLengthRule()).isEqualTo("password must be 8 to 128 characters");
    assertThat(Limits.textLengthRule()).isEqualTo("message too long: at most 4000 bytes");
  }
}
