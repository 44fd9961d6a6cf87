package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FrameParser: the framing rules of PROTOCOL.md "Transport and framing", one spec case per test, then every input of
 * a fixed corpus fed whole, split in two at every position, in every chunk size and in random splits, as vert.x's
 * {@code RecordParserTest} does. Events are recorded as {@code line:<text>} and {@code err:<code>}.
 */
class FrameParserTest {

  /** A small limit keeps the boundary cases short; {@link FrameParser#DEFAULT_MAX_LINE} has its own tests. */
  private static final int MAX_LINE = 16;
  private static final int TOO_LARGE = ErrorCode.TOO_LARGE.code();
  private static final int BAD_REQUEST = ErrorCode.BAD_REQUEST.code();
  private static final String ERR_TOO_LARGE = "err:" + TOO_LARGE;
  private static final String ERR_BAD_REQUEST = "err:" + BAD_REQUEST;
  private static final String LINE_PING = "line:PING";
  private static final long RANDOM_SEED = 0x5eed_c1a7L;
  private static final int RANDOM_SPLITS = 200;
  private static final int HUGE_FACTOR = 10;

  private static final String CHINESE = "你好，世界";
  private static final String EMOJI = "\uD83D\uDE00\uD83D\uDC4D";
  private static final byte[] LONE_FF = {(byte) 0xFF};
  private static final byte[] TRUNCATED_MULTIBYTE = {(byte) 0xE4, (byte) 0xBD};
  private static final byte[] OVERLONG_NUL = {(byte) 0xC0, (byte) 0x80};
  private static final byte[] ENCODED_SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};

  private final List<String> events = new ArrayList<>();
  private final List<ProtocolException> errors = new ArrayList<>();

  private FrameParser parser(int maxLine) {
    return new FrameParser(maxLine, line -> events.add("line:" + line), error -> {
      errors.add(error);
      events.add("err:" + error.code().code());
    });
  }

  // ---- spec cases ----

  @Test
  void singleLine() {
    parser(MAX_LINE).handle(buffer("PING\n"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void crBeforeLfIsDropped() {
    parser(MAX_LINE).handle(buffer("PING\r\n"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void onlyOneCrBeforeLfIsDropped() {
    parser(MAX_LINE).handle(buffer("PING\r\r\n"));

    assertThat(events).containsExactly("line:PING\r");
  }

  @Test
  void loneCrInsideLineIsKept() {
    parser(MAX_LINE).handle(buffer("ECHO a\rb\n"));

    assertThat(events).containsExactly("line:ECHO a\rb");
  }

  @Test
  void crWithoutLfDoesNotEndLine() {
    parser(MAX_LINE).handle(buffer("PING\rQUIT\r"));

    assertThat(events).isEmpty();
  }

  @Test
  void emptyLinesAreIgnored() {
    parser(MAX_LINE).handle(buffer("\n\n\nPING\n\n"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void crlfAloneIsIgnored() {
    parser(MAX_LINE).handle(buffer("\r\n\r\nPING\r\n\r\n"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void blankLineIsPassedOn() {
    parser(MAX_LINE).handle(buffer("  \n"));

    assertThat(events).containsExactly("line:  ");
  }

  @Test
  void severalFramesInOneBuffer() {
    parser(MAX_LINE).handle(buffer("PING\r\nECHO hi there\nQUIT\n"));

    assertThat(events).containsExactly(LINE_PING, "line:ECHO hi there", "line:QUIT");
  }

  @Test
  void oneFrameOverManyBuffers() {
    FrameParser parser = parser(MAX_LINE);
    for (String piece : List.of("SE", "ND b", "ob ", "h", "i", "\r", "\n")) {
      parser.handle(buffer(piece));
    }

    assertThat(events).containsExactly("line:SEND bob hi");
  }

  @Test
  void unfinishedLineIsNotEmitted() {
    parser(MAX_LINE).handle(buffer("PING\nQUI"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void emptyBufferDoesNothing() {
    FrameParser parser = parser(MAX_LINE);
    parser.handle(Buffer.buffer());
    parser.handle(buffer("PI"));
    parser.handle(Buffer.buffer());
    parser.handle(buffer("NG\n"));

    assertThat(events).containsExactly(LINE_PING);
  }

  @Test
  void lineOfExactlyMaxLineBytesIsAccepted() {
    String line = "a".repeat(MAX_LINE);
    parser(MAX_LINE).handle(buffer(line + "\n"));

    assertThat(events).containsExactly("line:" + line);
  }

  @Test
  void lineOfMaxLineBytesPlusCrIsAccepted() {
    String line = "a".repeat(MAX_LINE);
    parser(MAX_LINE).handle(buffer(line + "\r\n"));

    assertThat(events).containsExactly("line:" + line);
  }

  @Test
  void lineOfMaxLineBytesPlusCrIsAcceptedWhenLfComesLater() {
    String line = "a".repeat(MAX_LINE);
    FrameParser parser = parser(MAX_LINE);
    parser.handle(buffer(line + "\r"));
    parser.handle(buffer("\n"));

    assertThat(events).containsExactly("line:" + line);
  }

  @Test
  void lineOfMaxLinePlusOneBytesIsRejectedAndNextLineIsParsed() {
    parser(MAX_LINE).handle(buffer("a".repeat(MAX_LINE + 1) + "\nPING\n"));

    assertThat(events).containsExactly(ERR_TOO_LARGE, LINE_PING);
    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(error.reason()).isEqualTo("line too long");
    });
  }

  @Test
  void lineOfMaxLinePlusOneBytesEndingInTwoCrsIsRejected() {
    parser(MAX_LINE).handle(buffer("a".repeat(MAX_LINE) + "\r\r\nPING\n"));

    assertThat(events).containsExactly(ERR_TOO_LARGE, LINE_PING);
  }

  @Test
  void multibyteCharactersCountAsBytes() {
    // Five 3-byte characters and two ASCII ones are 17 bytes: over the limit although only 7 characters.
    parser(MAX_LINE).handle(buffer(CHINESE + "!!\n" + "一二三四五\n"));

    assertThat(events).containsExactly(ERR_TOO_LARGE, "line:一二三四五");
  }

  @Test
  void hugeLineOverManyChunksGivesOneErrorAndHoldsAtMostMaxLinePlusOne() {
    FrameParser parser = parser(MAX_LINE);
    byte[] huge = bytes("x".repeat(HUGE_FACTOR * MAX_LINE));
    int maxHeld = 0;
    for (byte b : huge) {
      parser.handle(Buffer.buffer(new byte[] {b}));
      maxHeld = Math.max(maxHeld, heldBytes(parser));
    }
    assertThat(events).isEmpty();
    parser.handle(buffer("\nPING\n"));

    assertThat(events).containsExactly(ERR_TOO_LARGE, LINE_PING);
    assertThat(maxHeld).isLessThanOrEqualTo(MAX_LINE + 1);
    assertThat(heldBytes(parser)).isZero();
  }

  @Test
  void hugeLineWithDefaultMaxLineGivesOneErrorAndHoldsAtMostMaxLinePlusOne() {
    int maxLine = FrameParser.DEFAULT_MAX_LINE;
    int chunk = 1000;
    FrameParser parser = parser(maxLine);
    byte[] huge = bytes("y".repeat(HUGE_FACTOR * maxLine));
    int maxHeld = 0;
    for (int from = 0; from < huge.length; from += chunk) {
      parser.handle(Buffer.buffer(Arrays.copyOfRange(huge, from, Math.min(huge.length, from + chunk))));
      maxHeld = Math.max(maxHeld, heldBytes(parser));
    }
    parser.handle(buffer("\r\nPING\r\n"));

    assertThat(events).containsExactly(ERR_TOO_LARGE, LINE_PING);
    assertThat(maxHeld).isBetween(1, maxLine + 1);
    assertThat(heldBytes(parser)).isZero();
  }

  @Test
  void defaultMaxLineBoundary() {
    String exact = "z".repeat(FrameParser.DEFAULT_MAX_LINE);
    parser(FrameParser.DEFAULT_MAX_LINE).handle(buffer(exact + "\r\n" + exact + "z\n" + "PING\n"));

    assertThat(events).containsExactly("line:" + exact, ERR_TOO_LARGE, LINE_PING);
  }

  @Test
  void nothingIsHeldBetweenLines() {
    FrameParser parser = parser(MAX_LINE);
    parser.handle(buffer("PI"));
    assertThat(heldBytes(parser)).isEqualTo(2);
    parser.handle(buffer("NG\n"));

    assertThat(heldBytes(parser)).isZero();
  }

  @Test
  void loneFfIsInvalidUtf8AndNextLineIsParsed() {
    assertInvalidUtf8(LONE_FF);
  }

  @Test
  void truncatedMultibyteIsInvalidUtf8AndNextLineIsParsed() {
    assertInvalidUtf8(TRUNCATED_MULTIBYTE);
  }

  @Test
  void overlongEncodingIsInvalidUtf8AndNextLineIsParsed() {
    assertInvalidUtf8(OVERLONG_NUL);
  }

  @Test
  void encodedSurrogateIsInvalidUtf8AndNextLineIsParsed() {
    assertInvalidUtf8(ENCODED_SURROGATE);
  }

  private void assertInvalidUtf8(byte[] bad) {
    parser(MAX_LINE).handle(Buffer.buffer(concat(bytes("ECHO "), bad, bytes("\r\nPING\n"))));

    assertThat(events).containsExactly(ERR_BAD_REQUEST, LINE_PING);
    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      assertThat(error.reason()).isEqualTo("invalid utf-8");
    });
  }

  @Test
  void chineseSplitInsideACharacterIsParsedWhole() {
    assertParsedWholeWhenSplitInsideCharacter(CHINESE);
  }

  @Test
  void emojiSplitInsideACharacterIsParsedWhole() {
    assertParsedWholeWhenSplitInsideCharacter(EMOJI);
  }

  private void assertParsedWholeWhenSplitInsideCharacter(String text) {
    byte[] line = bytes(text + "\n");
    for (int cut = 1; cut < line.length; cut++) {
      events.clear();
      FrameParser parser = parser(FrameParser.DEFAULT_MAX_LINE);
      parser.handle(Buffer.buffer(Arrays.copyOfRange(line, 0, cut)));
      parser.handle(Buffer.buffer(Arrays.copyOfRange(line, cut, line.length)));

      assertThat(events).as("cut at %d", cut).containsExactly("line:" + text);
    }
  }

  @Test
  void maxLineBelowOneIsRefused() {
    assertThatThrownBy(() -> new FrameParser(0, line -> { }, error -> { }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- chunking ----

  /** One input of the chunking corpus and the events it must give however it is split. */
  record Case(String name, byte[] input, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> corpus() {
    String max = "m".repeat(MAX_LINE);
    return Stream.of(
        new Case("single line", bytes("PING\n"), List.of(LINE_PING)),
        new Case("crlf", bytes("PING\r\n"), List.of(LINE_PING)),
        new Case("lone cr kept", bytes("ECHO a\rb\r\n"), List.of("line:ECHO a\rb")),
        new Case("empty lines", bytes("\n\r\n\nPING\n\r\n"), List.of(LINE_PING)),
        new Case("several frames", bytes("PING\nECHO x y\r\nQUIT\n"),
            List.of(LINE_PING, "line:ECHO x y", "line:QUIT")),
        new Case("unfinished tail", bytes("PING\nQUI"), List.of(LINE_PING)),
        new Case("max line", bytes(max + "\n" + max + "\r\n"), List.of("line:" + max, "line:" + max)),
        new Case("max line plus one", bytes(max + "+\nPING\n"), List.of(ERR_TOO_LARGE, LINE_PING)),
        new Case("max line plus two crs", bytes(max + "\r\r\nPING\n"), List.of(ERR_TOO_LARGE, LINE_PING)),
        new Case("huge line", bytes("h".repeat(HUGE_FACTOR * MAX_LINE) + "\r\nPING\r\n"),
            List.of(ERR_TOO_LARGE, LINE_PING)),
        new Case("two huge lines", bytes("h".repeat(2 * MAX_LINE) + "\n" + "i".repeat(3 * MAX_LINE) + "\n"),
            List.of(ERR_TOO_LARGE, ERR_TOO_LARGE)),
        new Case("lone ff", concat(LONE_FF, bytes("\nPING\n")), List.of(ERR_BAD_REQUEST, LINE_PING)),
        new Case("truncated multibyte", concat(TRUNCATED_MULTIBYTE, bytes("\r\nPING\n")),
            List.of(ERR_BAD_REQUEST, LINE_PING)),
        new Case("overlong", concat(OVERLONG_NUL, bytes("\nPING\n")), List.of(ERR_BAD_REQUEST, LINE_PING)),
        new Case("surrogate", concat(ENCODED_SURROGATE, bytes("\nPING\n")), List.of(ERR_BAD_REQUEST, LINE_PING)),
        new Case("multibyte", bytes(CHINESE + "\n" + EMOJI + "\r\n"), List.of("line:" + CHINESE, "line:" + EMOJI)),
        new Case("multibyte over max line", bytes(EMOJI + " " + EMOJI + "\n" + EMOJI + EMOJI + "\r\n"),
            List.of(ERR_TOO_LARGE, "line:" + EMOJI + EMOJI)),
        new Case("mixed", concat(
                bytes("\r\nPING\r\n" + max + "\r\n" + max + "xx\n\n"),
                ENCODED_SURROGATE,
                bytes("\n" + EMOJI + " ok\n" + "q".repeat(HUGE_FACTOR * MAX_LINE) + "\r\nQUIT\n")),
            List.of(LINE_PING, "line:" + max, ERR_TOO_LARGE, ERR_BAD_REQUEST, "line:" + EMOJI + " ok",
                ERR_TOO_LARGE, "line:QUIT")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void whole(Case c) {
    assertThat(feed(c.input(), List.of())).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void splitInTwoAtEveryPosition(Case c) {
    for (int cut = 0; cut <= c.input().length; cut++) {
      assertThat(feed(c.input(), List.of(cut))).as("cut at %d", cut).isEqualTo(c.expected());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void everyChunkSize(Case c) {
    int length = c.input().length;
    for (int size = 1; size <= length; size++) {
      List<Integer> cuts = new ArrayList<>();
      for (int cut = size; cut < length; cut += size) {
        cuts.add(cut);
      }
      assertThat(feed(c.input(), cuts)).as("chunk size %d", size).isEqualTo(c.expected());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void randomSplits(Case c) {
    Random random = new Random(RANDOM_SEED);
    int length = c.input().length;
    for (int round = 0; round < RANDOM_SPLITS; round++) {
      // A random largest chunk per round, so that some rounds cut into many small pieces and some into few big ones.
      int largest = 1 + random.nextInt(length);
      List<Integer> cuts = new ArrayList<>();
      for (int cut = 1 + random.nextInt(largest); cut < length; cut += 1 + random.nextInt(largest)) {
        cuts.add(cut);
      }
      assertThat(feed(c.input(), cuts)).as("cuts %s", cuts).isEqualTo(c.expected());
    }
  }

  /** Feeds {@code input} to a fresh parser in chunks ending at the ascending {@code cuts}; returns its events. */
  private List<String> feed(byte[] input, List<Integer> cuts) {
    events.clear();
    FrameParser parser = parser(MAX_LINE);
    int from = 0;
    for (int cut : cuts) {
      parser.handle(Buffer.buffer(Arrays.copyOfRange(input, from, cut)));
      assertThat(heldBytes(parser)).as("bytes held after %d", cut).isLessThanOrEqualTo(MAX_LINE + 1);
      from = cut;
    }
    parser.handle(Buffer.buffer(Arrays.copyOfRange(input, from, input.length)));
    assertThat(heldBytes(parser)).as("bytes held at the end").isLessThanOrEqualTo(MAX_LINE + 1);
    return List.copyOf(events);
  }

  // ---- helpers ----

  /**
   * How many bytes of an unfinished line the parser holds. There is no accessor for it, so this reads the private
   * {@code pending} buffer; a rename of that field fails the tests that use this, on purpose.
   */
  private static int heldBytes(FrameParser parser) {
    try {
      Field field = FrameParser.class.getDeclaredField("pending");
      field.setAccessible(true);
      Buffer pending = (Buffer) field.get(parser);
      return pending == null ? 0 : pending.length();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("FrameParser.pending is gone: update heldBytes()", e);
    }
  }

  private static Buffer buffer(String text) {
    return Buffer.buffer(bytes(text));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
