package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RequestDecoder: the text and JSON spellings of PROTOCOL.md "Two spellings" and "Commands". */
class RequestDecoderTest {

  private static final String UNKNOWN_COMMAND = "unknown command";
  private static final String USAGE = "usage: ";
  private static final String ID = "req-1";

  private static Request valid(String line) {
    Request request = RequestDecoder.decode(line);
    assertThat(request.failure()).as("failure of %s", line).isNull();
    assertThat(request.isValid()).isTrue();
    return request;
  }

  /** Asserts that {@code line} is a request to answer with {@code ERR 400} in {@code spelling}. */
  private static Request invalid(String line, Spelling spelling) {
    Request request = RequestDecoder.decode(line);
    assertThat(request.isValid()).as("valid: %s", line).isFalse();
    assertThat(request.command()).isNull();
    assertThat(request.spelling()).isEqualTo(spelling);
    assertThat(request.failure().code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return request;
  }

  private static String reason(Request request) {
    return request.failure().reason();
  }

  @Nested
  class Text {

    @Test
    void pingWithoutData() {
      Request request = valid("PING");

      assertThat(request.command()).isEqualTo(Command.PING);
      assertThat(request.spelling()).isEqualTo(Spelling.TEXT);
      assertThat(request.id()).isNull();
      assertThat(request.string("data")).isNull();
    }

    @Test
    void pingWithDataKeepsItsSpaces() {
      Request request = valid("PING are  you there ");

      assertThat(request.command()).isEqualTo(Command.PING);
      assertThat(request.string("data")).isEqualTo("are  you there ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ping", "PING", "Ping", "pInG"})
    void commandWordIsCaseInsensitive(String word) {
      assertThat(valid(word + " x").command()).isEqualTo(Command.PING);
    }

    @Test
    void argumentsAreSplitBySingleSpaces() {
      Request request = valid("REGISTER alice secret12");

      assertThat(request.command()).isEqualTo(Command.REGISTER);
      assertThat(request.string("name")).isEqualTo("alice");
      assertThat(request.string("password")).isEqualTo("secret12");
    }

    @Test
    void login() {
      Request request = valid("login alice@eu s3cret-pw");

      assertThat(request.command()).isEqualTo(Command.LOGIN);
      assertThat(request.string("user")).isEqualTo("alice@eu");
      assertThat(request.string("password")).isEqualTo("s3cret-pw");
    }

    @Test
    void resumeWhoQuit() {
      assertThat(valid("RESUME tok.en").string("token")).isEqualTo("tok.en");
      assertThat(valid("WHO bob@us").string("user")).isEqualTo("bob@us");
      assertThat(valid("QUIT").command()).isEqualTo(Command.QUIT);
    }

    @Test
    void restArgumentKeepsInnerSpaces() {
      Request request = valid("SEND bob hello   big  world ");

      assertThat(request.command()).isEqualTo(Command.SEND);
      assertThat(request.string("to")).isEqualTo("bob");
      assertThat(request.string("text")).isEqualTo("hello   big  world ");
    }

    @Test
    void restArgumentKeepsALeadingSpace() {
      assertThat(valid("SEND bob  hi").string("text")).isEqualTo(" hi");
    }

    @Test
    void echoText() {
      assertThat(valid("ECHO hello world").string("text")).isEqualTo("hello world");
    }

    @Test
    void syncWithNoNumber() {
      Request request = valid("SYNC");

      assertThat(request.command()).isEqualTo(Command.SYNC);
      assertThat(request.number("after")).isNull();
      assertThat(request.number("limit")).isNull();
    }

    @Test
    void syncWithOneNumber() {
      Request request = valid("SYNC 42");

      assertThat(request.number("after")).isEqualTo(42L);
      assertThat(request.number("limit")).isNull();
    }

    @Test
    void syncWithTwoNumbers() {
      Request request = valid("sync 0 1000");

      assertThat(request.number("after")).isZero();
      assertThat(request.number("limit")).isEqualTo(1000L);
    }

    @Test
    void ackAndHistory() {
      assertThat(valid("ACK 7").number("seq")).isEqualTo(7L);
      Request history = valid("HISTORY bob 50");
      assertThat(history.string("peer")).isEqualTo("bob");
      assertThat(history.number("limit")).isEqualTo(50L);
      assertThat(valid("HISTORY bob").number("limit")).isNull();
    }

    @Test
    void largeNumber() {
      assertThat(valid("ACK 999999999999999999").number("seq")).isEqualTo(999_999_999_999_999_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYNC x", "SYNC 1 y", "ACK -1", "ACK +1", "ACK 1.5", "ACK 1e3", "ACK 0x10",
        "ACK 99999999999999999999999", "ACK \u0661", "HISTORY bob many"})
    void badNumber(String line) {
      assertThat(reason(invalid(line, Spelling.TEXT))).startsWith(USAGE);
    }

    @Test
    void usageNamesTheCommand() {
      assertThat(reason(invalid("ACK x", Spelling.TEXT))).isEqualTo("usage: ACK [<group>] <seq>");
    }

    @Test
    void aGroupInFrontOfSyncAndAckIsTakenOnlyWhenItStartsWithHash() {
      Request plain = RequestDecoder.decode("SYNC 5 10");
      assertThat(plain.string("group")).isNull();
      assertThat(plain.number("after")).isEqualTo(5);
      assertThat(plain.number("limit")).isEqualTo(10);
      Request group = RequestDecoder.decode("sync #team@bj 5 10");
      assertThat(group.string("group")).isEqualTo("#team@bj");
      assertThat(group.number("after")).isEqualTo(5);
      assertThat(group.number("limit")).isEqualTo(10);
      assertThat(RequestDecoder.decode("SYNC #team").string("group")).isEqualTo("#team");
      assertThat(RequestDecoder.decode("ACK #team 7").number("seq")).isEqualTo(7);
      assertThat(RequestDecoder.decode("ACK 7").string("group")).isNull();
      assertThat(reason(invalid("ACK #team", Spelling.TEXT))).startsWith(USAGE);
      assertThat(reason(invalid("SYNC #team 1 2 3", Spelling.TEXT))).startsWith(USAGE);
    }

    @Test
    void groupCommandsTakeTheirArguments() {
      assertThat(RequestDecoder.decode("CREATE #team open").string("mode")).isEqualTo("open");
      assertThat(RequestDecoder.decode("CREATE #team").string("mode")).isNull();
      assertThat(RequestDecoder.decode("INVITE #team bob@sh").string("user")).isEqualTo("bob@sh");
      Request members = RequestDecoder.decode("MEMBERS #team 10 5");
      assertThat(members.number("offset")).isEqualTo(10);
      assertThat(members.number("limit")).isEqualTo(5);
      assertThat(RequestDecoder.decode("GROUPS").command()).isEqualTo(Command.GROUPS);
      assertThat(reason(invalid("GROUPS x", Spelling.TEXT))).startsWith(USAGE);
      assertThat(reason(invalid("JOIN", Spelling.TEXT))).startsWith(USAGE);
      assertThat(reason(invalid("REMOVE #team", Spelling.TEXT))).startsWith(USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYNC 1 2 3", "ACK 1 2", "QUIT now", "QUIT ", "WHO bob alice", "RESUME a b",
        "REGISTER alice secret12 extra", "HISTORY bob 5 6"})
    void tooManyArguments(String line) {
      assertThat(reason(invalid(line, Spelling.TEXT))).startsWith(USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACK", "SEND", "SEND bob", "REGISTER alice", "LOGIN", "ECHO", "WHO", "RESUME",
        "HISTORY"})
    void missingArgument(String line) {
      assertThat(reason(invalid(line, Spelling.TEXT))).startsWith(USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"REGISTER alice  secret12", "REGISTER  alice secret12", "SYNC  5", "SYNC 5  6",
        "SYNC 5 ", "ACK  5", "ACK ", "SEND  bob hi", "WHO  bob"})
    void doubleOrTrailingSpace(String line) {
      assertThat(reason(invalid(line, Spelling.TEXT))).startsWith(USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEND bob ", "ECHO "})
    void emptyText(String line) {
      assertThat(reason(invalid(line, Spelling.TEXT))).startsWith(USAGE);
    }

    /** Not in PROTOCOL.md: the decoder skips blanks before a text command word as it does before a JSON '{'. */
    @Test
    void leadingBlanksBeforeTheCommandWordAreSkipped() {
      assertThat(valid(" \tACK 5").number("seq")).isEqualTo(5L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLY", "FLY me to the moon", "PINGX", "SENDbob hi", " ", "\t"})
    void unknownCommand(String line) {
      Request request = invalid(line, Spelling.TEXT);

      assertThat(reason(request)).isEqualTo(UNKNOWN_COMMAND);
      assertThat(request.id()).isNull();
    }
  }

  @Nested
  class Json {

    @Test
    void op() {
      Request request = valid("{\"op\":\"ping\"}");

      assertThat(request.command()).isEqualTo(Command.PING);
      assertThat(request.spelling()).isEqualTo(Spelling.JSON);
      assertThat(request.id()).isNull();
      assertThat(request.string("data")).isNull();
    }

    @Test
    void idIsKept() {
      Request request = valid("{\"op\":\"ping\",\"id\":\"" + ID + "\",\"data\":\"x y\"}");

      assertThat(request.id()).isEqualTo(ID);
      assertThat(request.string("data")).isEqualTo("x y");
    }

    @Test
    void idAfterTheFields() {
      assertThat(valid("{\"data\":\"d\",\"op\":\"ping\",\"id\":\"late\"}").id()).isEqualTo("late");
    }

    @Test
    void idOfMaxLength() {
      String id = "i".repeat(Limits.MAX_ID_LENGTH);

      assertThat(valid("{\"op\":\"quit\",\"id\":\"" + id + "\"}").id()).isEqualTo(id);
    }

    @Test
    void idOverMaxLengthIsRefusedWithoutId() {
      String id = "i".repeat(Limits.MAX_ID_LENGTH + 1);

      assertThat(invalid("{\"op\":\"quit\",\"id\":\"" + id + "\"}", Spelling.JSON).id()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "{\"a\":1}", "[\"x\"]"})
    void idNotAStringIsRefusedWithoutId(String id) {
      assertThat(invalid("{\"op\":\"ping\",\"id\":" + id + "}", Spelling.JSON).id()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{op:ping}", "{'op':'ping'}", "{\"op\":\"ping\"", "{\"op\":\"ping\",}",
        "{\"op\":\"ping\"} x", "{\"op\":\"ping\"}{\"op\":\"quit\"}", "{} []"})
    void invalidJson(String line) {
      Request request = invalid(line, Spelling.JSON);

      assertThat(reason(request)).isEqualTo("invalid json");
      assertThat(request.id()).isNull();
    }

    /** PROTOCOL.md: only a line whose first non-blank character is '{' is JSON; anything else is a text frame. */
    @ParameterizedTest
    @ValueSource(strings = {"[{\"op\":\"ping\"}]", "[]", "42", "\"ping\"", "null", "true"})
    void jsonArrayOrScalarIsATextFrameWithAnUnknownCommand(String line) {
      Request request = invalid(line, Spelling.TEXT);

      assertThat(reason(request)).isEqualTo(UNKNOWN_COMMAND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"fly\"", "\"\"", "5", "null", "[\"ping\"]", "\"ping \""})
    void unknownOpKeepsTheId(String op) {
      Request request = invalid("{\"op\":" + op + ",\"id\":\"" + ID + "\"}", Spelling.JSON);

      assertThat(reason(request)).isEqualTo(UNKNOWN_COMMAND);
      assertThat(request.id()).isEqualTo(ID);
    }

    @Test
    void missingOpKeepsTheId() {
      Request request = invalid("{\"id\":\"" + ID + "\"}", Spelling.JSON);

      assertThat(reason(request)).isEqualTo(UNKNOWN_COMMAND);
      assertThat(request.id()).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"echo\",\"text\":5}|bad text",
        "{\"op\":\"echo\",\"text\":[\"a\"]}|bad text",
        "{\"op\":\"ping\",\"data\":{}}|bad data",
        "{\"op\":\"sync\",\"after\":\"5\"}|bad after",
        "{\"op\":\"sync\",\"after\":true}|bad after",
        "{\"op\":\"ack\",\"seq\":[1]}|bad seq",
        "{\"op\":\"register\",\"name\":7,\"password\":\"secret12\"}|bad name",
        "{\"op\":\"register\",\"name\":\"al ice\",\"password\":\"secret12\"}|bad name",
        "{\"op\":\"register\",\"name\":\"\",\"password\":\"secret12\"}|bad name",
        "{\"op\":\"send\",\"to\":\"bob\",\"text\":\"\"}|bad text"})
    void wrongFieldTypeKeepsTheId(String lineAndReason) {
      String line = lineAndReason.substring(0, lineAndReason.indexOf('|'));
      String expected = lineAndReason.substring(lineAndReason.indexOf('|') + 1);
      Request request = invalid("{\"id\":\"" + ID + "\"," + line.substring(1), Spelling.JSON);

      assertThat(reason(request)).isEqualTo(expected);
      assertThat(request.id()).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "1.0", "1e2", "-0.5", "9223372036854775808"})
    void negativeFractionalOrHugeNumber(String number) {
      assertThat(reason(invalid("{\"op\":\"sync\",\"after\":" + number + "}", Spelling.JSON))).isEqualTo("bad after");
    }

    @Test
    void numbers() {
      Request request = valid("{\"op\":\"sync\",\"after\":0,\"limit\":9223372036854775807}");

      assertThat(request.number("after")).isZero();
      assertThat(request.number("limit")).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"send\",\"to\":\"bob\"}|missing text",
        "{\"op\":\"send\",\"text\":\"hi\"}|missing to",
        "{\"op\":\"ack\"}|missing seq",
        "{\"op\":\"ack\",\"seq\":null}|missing seq",
        "{\"op\":\"login\",\"password\":\"secret12\"}|missing user",
        "{\"op\":\"register\",\"name\":\"alice\"}|missing password",
        "{\"op\":\"echo\"}|missing text",
        "{\"op\":\"resume\"}|missing token",
        "{\"op\":\"history\"}|missing peer",
        "{\"op\":\"who\"}|missing user"})
    void missingRequiredField(String lineAndReason) {
      String line = lineAndReason.substring(0, lineAndReason.indexOf('|'));
      String expected = lineAndReason.substring(lineAndReason.indexOf('|') + 1);

      assertThat(reason(invalid(line, Spelling.JSON))).isEqualTo(expected);
    }

    @Test
    void optionalFieldsMayBeAbsent() {
      Request sync = valid("{\"op\":\"sync\"}");
      assertThat(sync.number("after")).isNull();
      assertThat(sync.number("limit")).isNull();
      assertThat(valid("{\"op\":\"history\",\"peer\":\"bob\"}").number("limit")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {" {\"op\":\"ping\"}", "\t{\"op\":\"ping\"}", "  \t {\"op\":\"ping\"}  "})
    void leadingBlanksBeforeBraceIsStillJson(String line) {
      Request request = valid(line);

      assertThat(request.command()).isEqualTo(Command.PING);
      assertThat(request.spelling()).isEqualTo(Spelling.JSON);
    }

    @Test
    void textKeepsSpacesAndLineBreaks() {
      Request request = valid("{\"op\":\"send\",\"id\":\"" + ID + "\",\"to\":\"bob@us\",\"text\":\" a  b\\nc \"}");

      assertThat(request.command()).isEqualTo(Command.SEND);
      assertThat(request.id()).isEqualTo(ID);
      assertThat(request.string("to")).isEqualTo("bob@us");
      assertThat(request.string("text")).isEqualTo(" a  b\nc ");
    }

    @Test
    void everyCommandInJson() {
      assertThat(valid("{\"op\":\"echo\",\"text\":\"hi\"}").string("text")).isEqualTo("hi");
      assertThat(valid("{\"op\":\"register\",\"name\":\"alice\",\"password\":\"secret12\"}").string("name"))
          .isEqualTo("alice");
      assertThat(valid("{\"op\":\"login\",\"user\":\"alice@eu\",\"password\":\"secret12\"}").string("user"))
          .isEqualTo("alice@eu");
      assertThat(valid("{\"op\":\"resume\",\"token\":\"t\"}").string("token")).isEqualTo("t");
      assertThat(valid("{\"op\":\"ack\",\"seq\":3}").number("seq")).isEqualTo(3L);
      assertThat(valid("{\"op\":\"history\",\"peer\":\"bob\",\"limit\":20}").number("limit")).isEqualTo(20L);
      assertThat(valid("{\"op\":\"who\",\"user\":\"bob\"}").string("user")).isEqualTo("bob");
      assertThat(valid("{\"op\":\"quit\"}").command()).isEqualTo(Command.QUIT);
    }

    @Test
    void textCommandWordInsideJsonIsNotAnOp() {
      assertThat(reason(invalid("{\"op\":\"PING x\"}", Spelling.JSON))).isEqualTo(UNKNOWN_COMMAND);
    }
  }
}
