package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** ServerFrame: the text and JSON spellings of replies and pushes, PROTOCOL.md "Commands" and "Errors". */
class ServerFrameTest {

  private static final String ID = "x";
  private static final String STAMPED = "[Sun Nov 22 08:44:40 2026] hi there";
  private static final int PORT = 7001;
  private static final long TS = 1_795_337_080_123L;

  private static String text(ServerFrame frame) {
    return frame.encode(Spelling.TEXT, null);
  }

  private static String json(ServerFrame frame, String id) {
    return frame.encode(Spelling.JSON, id);
  }

  @Test
  void pong() {
    assertThat(text(ServerFrame.pong(null))).isEqualTo("PONG\n");
    assertThat(json(ServerFrame.pong(null), null)).isEqualTo("{\"op\":\"pong\"}\n");
    assertThat(json(ServerFrame.pong(null), ID)).isEqualTo("{\"op\":\"pong\",\"id\":\"x\"}\n");
  }

  @Test
  void pongWithData() {
    ServerFrame pong = ServerFrame.pong("are you there");

    assertThat(text(pong)).isEqualTo("PONG are you there\n");
    assertThat(json(pong, ID)).isEqualTo("{\"op\":\"pong\",\"id\":\"x\",\"data\":\"are you there\"}\n");
  }

  @Test
  void echo() {
    ServerFrame echo = ServerFrame.echo(STAMPED);

    assertThat(text(echo)).isEqualTo("ECHO " + STAMPED + "\n");
    assertThat(json(echo, ID)).isEqualTo("{\"op\":\"echo\",\"id\":\"x\",\"text\":\"" + STAMPED + "\"}\n");
  }

  @Test
  void okWithTail() {
    ServerFrame ok =
        ServerFrame.ok(Command.SEND, "m-17 " + TS, () -> new JsonObject().put("msg", "m-17").put("ts", TS));

    assertThat(text(ok)).isEqualTo("OK SEND m-17 " + TS + "\n");
    assertThat(json(ok, ID)).isEqualTo("{\"op\":\"ok\",\"id\":\"x\",\"msg\":\"m-17\",\"ts\":" + TS + "}\n");
  }

  @Test
  void okWithoutTail() {
    ServerFrame ok = ServerFrame.ok(Command.QUIT, null, JsonObject::new);

    assertThat(text(ok)).isEqualTo("OK QUIT\n");
    assertThat(json(ok, null)).isEqualTo("{\"op\":\"ok\"}\n");
  }

  @Test
  void okWho() {
    ServerFrame ok = ServerFrame.ok(Command.WHO, "bob@us online us,eu", () -> new JsonObject()
        .put("address", "bob@us").put("online", true).put("regions", List.of("us", "eu")));

    assertThat(text(ok)).isEqualTo("OK WHO bob@us online us,eu\n");
    assertThat(json(ok, ID))
        .isEqualTo("{\"op\":\"ok\",\"id\":\"x\",\"address\":\"bob@us\",\"online\":true,\"regions\":[\"us\",\"eu\"]}\n");
  }

  @Test
  void error() {
    ServerFrame error = ServerFrame.error(ErrorCode.TOO_LARGE, "line too long");

    assertThat(text(error)).isEqualTo("ERR 413 line too long\n");
    assertThat(json(error, ID)).isEqualTo("{\"op\":\"err\",\"id\":\"x\",\"code\":413,\"error\":\"line too long\"}\n");
  }

  @Test
  void errorFromProtocolException() {
    ServerFrame error = ServerFrame.error(ProtocolException.badRequest("usage: ACK <seq>"));

    assertThat(text(error)).isEqualTo("ERR 400 usage: ACK <seq>\n");
    assertThat(new JsonObject(json(error, null)))
        .isEqualTo(new JsonObject().put("op", "err").put("code", 400).put("error", "usage: ACK <seq>"));
  }

  private static JsonObject message(String text) {
    return new JsonObject().put("seq", 3).put("msg", "m-17").put("from", "alice@eu").put("to", "bob@us")
        .put("ts", TS).put("text", text);
  }

  @Test
  void msg() {
    ServerFrame msg = ServerFrame.msg(message("hi  there"));

    assertThat(text(msg)).isEqualTo("MSG 3 m-17 alice@eu bob@us " + TS + " hi  there\n");
    assertThat(json(msg, null)).isEqualTo("{\"op\":\"msg\",\"seq\":3,\"msg\":\"m-17\",\"from\":\"alice@eu\","
        + "\"to\":\"bob@us\",\"ts\":" + TS + ",\"text\":\"hi  there\"}\n");
  }

  @Test
  void hist() {
    ServerFrame hist = ServerFrame.hist(message("hi").copy().put("seq", null));

    assertThat(text(hist)).isEqualTo("HIST m-17 alice@eu bob@us " + TS + " hi\n");
    assertThat(json(hist, null)).isEqualTo("{\"op\":\"hist\",\"msg\":\"m-17\",\"from\":\"alice@eu\","
        + "\"to\":\"bob@us\",\"ts\":" + TS + ",\"text\":\"hi\"}\n");
  }

  /** A message sent through JSON may hold line breaks; a text-spelling recipient must still get one line. */
  @Test
  void msgAndHistWithLineBreaksAreOneTextLine() {
    JsonObject message = message("one\ntwo\r\nthree");

    assertThat(text(ServerFrame.msg(message))).isEqualTo("MSG 3 m-17 alice@eu bob@us " + TS + " one two  three\n");
    assertThat(text(ServerFrame.hist(message))).isEqualTo("HIST m-17 alice@eu bob@us " + TS + " one two  three\n");
    assertThat(new JsonObject(json(ServerFrame.msg(message), null)).getString("text")).isEqualTo("one\ntwo\r\nthree");
  }

  @Test
  void notice() {
    ServerFrame notice = ServerFrame.notice("maintenance at 02:00");

    assertThat(text(notice)).isEqualTo("NOTICE maintenance at 02:00\n");
    assertThat(json(notice, null)).isEqualTo("{\"op\":\"notice\",\"text\":\"maintenance at 02:00\"}\n");
  }

  @Test
  void noticeWithLineBreaksIsOneTextLine() {
    ServerFrame notice = ServerFrame.notice("line one\nline two\r\nline three");

    assertThat(text(notice)).isEqualTo("NOTICE line one line two  line three\n");
    assertThat(notice.text()).doesNotContain("\n", "\r");
  }

  @Test
  void noticeWithLineBreaksKeepsThemInJson() {
    ServerFrame notice = ServerFrame.notice("a\nb");

    assertThat(json(notice, null)).isEqualTo("{\"op\":\"notice\",\"text\":\"a\\nb\"}\n");
    assertThat(new JsonObject(json(notice, null)).getString("text")).isEqualTo("a\nb");
  }

  @Test
  void reconnect() {
    ServerFrame reconnect = ServerFrame.reconnect("gw2.eu.example", PORT);

    assertThat(text(reconnect)).isEqualTo("RECONNECT gw2.eu.example " + PORT + "\n");
    assertThat(json(reconnect, null))
        .isEqualTo("{\"op\":\"reconnect\",\"host\":\"gw2.eu.example\",\"port\":" + PORT + "}\n");
  }

  @ParameterizedTest
  @EnumSource(ByeReason.class)
  void bye(ByeReason reason) {
    String wire = reason.name().toLowerCase(Locale.ROOT);

    assertThat(text(ServerFrame.bye(reason))).isEqualTo("BYE " + wire + "\n");
    assertThat(json(ServerFrame.bye(reason), null)).isEqualTo("{\"op\":\"bye\",\"reason\":\"" + wire + "\"}\n");
  }

  @Test
  void byeReasonsAreThoseOfTheProtocol() {
    assertThat(Stream.of(ByeReason.values()).map(ByeReason::wireName))
        .containsExactly("idle", "kicked", "drain", "shutdown", "abuse", "slow");
  }

  @Test
  void groupFramesSpellAsProtocolMdSays() {
    assertThat(ServerFrame.gmsg("#team@bj", 3, "m1", "alice@bj", 17, "hi there").text())
        .isEqualTo("GMSG #team@bj 3 m1 alice@bj 17 hi there");
    assertThat(ServerFrame.gevent("#team@bj", 4, 18, "remove", "alice@bj", "bob@sh").text())
        .isEqualTo("GEVENT #team@bj 4 18 remove alice@bj bob@sh");
    assertThat(ServerFrame.group("#team@bj", 9, 7, 3).text()).isEqualTo("GROUP #team@bj 9 7 3");
    assertThat(ServerFrame.member("bob@sh", "member").text()).isEqualTo("MEMBER bob@sh member");
    assertThat(ServerFrame.sent(new JsonObject().put("msg", "m2").put("to", "#team@bj").put("ts", 19L)
        .put("text", "x y")).json(null)).isEqualTo(new JsonObject().put("op", "sent").put("msg", "m2")
        .put("to", "#team@bj").put("ts", 19L).put("text", "x y"));
    assertThat(ServerFrame.gmsg("#g@r", 1, "m", "a@r", 2, "t").json(null)).isEqualTo(new JsonObject()
        .put("op", "gmsg").put("group", "#g@r").put("seq", 1L).put("msg", "m").put("from", "a@r").put("ts", 2L)
        .put("text", "t"));
  }

  static Stream<Arguments> frames() {
    return Stream.of(
        Arguments.of("pong", ServerFrame.pong(null)),
        Arguments.of("pong", ServerFrame.pong("d")),
        Arguments.of("echo", ServerFrame.echo(STAMPED)),
        Arguments.of("ok", ServerFrame.ok(Command.ACK, "5", () -> new JsonObject().put("seq", 5))),
        Arguments.of("ok", ServerFrame.ok(Command.QUIT, null, JsonObject::new)),
        Arguments.of("err", ServerFrame.error(ErrorCode.UNAVAILABLE, "backend down")),
        Arguments.of("msg", ServerFrame.msg(message("a\nb"))),
        Arguments.of("hist", ServerFrame.hist(message("a\nb"))),
        Arguments.of("notice", ServerFrame.notice("two\nlines\n")),
        Arguments.of("reconnect", ServerFrame.reconnect("h", PORT)),
        Arguments.of("bye", ServerFrame.bye(ByeReason.DRAIN)),
        Arguments.of("sent", ServerFrame.sent(message("a\nb"))),
        Arguments.of("gmsg", ServerFrame.gmsg("#team@bj", 3, "m1", "alice@bj", 1, "a\nb")),
        Arguments.of("gevent", ServerFrame.gevent("#team@bj", 4, 1, "join", "bob@sh", "bob@sh")),
        Arguments.of("group", ServerFrame.group("#team@bj", 9, 7, 3)),
        Arguments.of("member", ServerFrame.member("alice@bj", "owner")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void jsonHasOpFirstThenId(String op, ServerFrame frame) {
    assertThat(json(frame, ID)).startsWith("{\"op\":\"" + op + "\",\"id\":\"" + ID + "\"");
    assertThat(frame.json(ID).fieldNames()).startsWith("op", "id");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void noIdKeyWhenIdIsNull(String op, ServerFrame frame) {
    assertThat(frame.json(null).containsKey("id")).isFalse();
    assertThat(json(frame, null)).startsWith("{\"op\":\"" + op + "\"").doesNotContain("\"id\"");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void everyEncodedLineEndsWithExactlyOneLf(String op, ServerFrame frame) {
    for (Spelling spelling : Spelling.values()) {
      String line = frame.encode(spelling, ID);

      assertThat(line).as("%s", spelling).endsWith("\n");
      assertThat(line.indexOf('\n')).as("%s: first LF", spelling).isEqualTo(line.length() - 1);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void textIsTheLineWithoutItsLf(String op, ServerFrame frame) {
    assertThat(frame.encode(Spelling.TEXT, ID)).isEqualTo(frame.text() + "\n");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void oneFrameRendersForManyRequests(String op, ServerFrame frame) {
    String withId = json(frame, ID);
    String withoutId = json(frame, null);

    assertThat(json(frame, "other")).isEqualTo(withId.replace("\"id\":\"" + ID + "\"", "\"id\":\"other\""));
    assertThat(json(frame, null)).isEqualTo(withoutId).doesNotContain("\"id\"");
    assertThat(frame.json(ID).getString("op")).isEqualTo(op);
  }
}
