package io.clusterchat.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.FrameParser;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FrameParser} against a model of PROTOCOL.md's framing, for any bytes in any chunking: LF ends a frame, a
 * CR before it is dropped, empty lines are skipped, a line over max-line bytes is one {@code 413} and a line that is
 * not UTF-8 one {@code 400}, each in order with the frames around it.
 *
 * <p>In a normal build this runs the inputs under {@code FrameParserFuzzTestInputs/} once each; {@code JAZZER_FUZZ=1}
 * fuzzes (docs/benchmarks.md, "Fuzzing", has the command).
 */
class FrameParserFuzzTest {

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  /** Small limits reach the boundaries with short inputs; the largest is the default. */
  private static final int[] MAX_LINES = {1, 2, 3, 8, 64, 8192};
  private static final int MAX_CHUNKS = 16;
  private static final int MAX_CUT = 1 << 16;

  @FuzzTest(maxDuration = "20m")
  void framesAsTheProtocolSays(FuzzedDataProvider data) {
    int maxLine = MAX_LINES[data.consumeInt(0, MAX_LINES.length - 1)];
    int chunks = data.consumeInt(1, MAX_CHUNKS);
    int[] cuts = new int[chunks - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = data.consumeInt(0, MAX_CUT);
    }
    byte[] input = data.consumeRemainingAsBytes();

    List<String> events = new ArrayList<>();
    FrameParser parser = new FrameParser(maxLine, line -> events.add("line:" + line),
        failure -> events.add("err:" + failure.code().code()));
    feed(parser, input, cuts);

    assertThat(events).isEqualTo(model(input, maxLine));
  }

  private static void feed(FrameParser parser, byte[] input, int[] cuts) {
    int from = 0;
    for (int cut : cuts) {
      if (input.length == 0) {
        break;
      }
      int to = from + Math.floorMod(cut, input.length - from + 1);
      parser.handle(Buffer.buffer().appendBytes(input, from, to - from));
      from = to;
    }
    parser.handle(Buffer.buffer().appendBytes(input, from, input.length - from));
  }

  /** What PROTOCOL.md says the frames of {@code input} are: complete lines only. */
  static List<String> model(byte[] input, int maxLine) {
    List<String> events = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (byte b : input) {
      if (b != LF) {
        line.write(b);
        continue;
      }
      byte[] bytes = line.toByteArray();
      line.reset();
      int size = bytes.length > 0 && bytes[bytes.length - 1] == CR ? bytes.length - 1 : bytes.length;
      if (size > maxLine) {
        events.add("err:" + ErrorCode.TOO_LARGE.code());
      } else if (size > 0) {
        events.add(decode(bytes, size));
      }
    }
    return events;
  }

  private static String decode(byte[] bytes, int size) {
    try {
      return "line:" + StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, size));
    } catch (CharacterCodingException e) {
      return "err:" + ErrorCode.BAD_REQUEST.code();
    }
  }
}
