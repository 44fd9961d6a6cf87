package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Framing as PROTOCOL.md's "Transport and framing" puts it, over a real socket: CRLF, empty lines, the line
 * limit, invalid UTF-8, and a client that sends garbage (as vertx-mqtt's {@code MqttServerBadClientTest} does).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class GatewayFramingTest {

  private static final int MAX_LINE = GatewayOptions.DEFAULT_MAX_LINE;
  private static final String TOO_LONG = "ERR 413 line too long";
  private static final int HUGE_LINE = 100 * 1024;
  private static final int HUGE_PIECES = 25;
  private static final int GARBAGE_BYTES = 64 * 1024;
  private static final int GARBAGE_CHUNK = 2048;
  private static final long GARBAGE_SEED = 20261122L;
  private static final int SECOND_CLIENT_PINGS = 20;
  private static final long PAUSE_MILLIS = 5;

  private static Future<LineClient> greeted(Vertx vertx, GatewayOptions options) {
    return Gateway.deploy(vertx, options).compose(gateway -> LineClient.greeted(vertx, gateway.port()));
  }

  private static Future<LineClient> greeted(Vertx vertx) {
    return greeted(vertx, TestGateways.options());
  }

  @Test
  void crlfIsAcceptedInBothSpellings(Vertx vertx, VertxTestContext ctx) {
    greeted(vertx)
        .compose(client -> client.send("PING a b\r\n{\"op\":\"ping\",\"id\":\"c\"}\r\nECHO x\r\n")
            .compose(v -> client.next(3)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies.get(0)).isEqualTo("PONG a b");
          assertThat(new JsonObject(replies.get(1))).isEqualTo(new JsonObject().put("op", "pong").put("id", "c"));
          assertThat(replies.get(2)).matches("^ECHO \\[" + TestGateways.CTIME + "\\] x$");
          ctx.completeNow();
        })));
  }

  @Test
  void emptyLinesGetNoReply(Vertx vertx, VertxTestContext ctx) {
    greeted(vertx)
        .compose(client -> client.send("\n\n\r\n\nPING\n").compose(v -> client.next()))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo("PONG");
          ctx.completeNow();
        })));
  }

  @Test
  void lineOfExactlyMaxLineBytesIsAccepted(Vertx vertx, VertxTestContext ctx) {
    String data = "x".repeat(MAX_LINE - "PING ".length());
    greeted(vertx)
        .compose(client -> client.request("PING " + data))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo("PONG " + data);
          ctx.completeNow();
        })));
  }

  @Test
  void lineOfMaxLinePlusOneBytesIsErr413AndTheConnectionStaysOpen(Vertx vertx, VertxTestContext ctx) {
    String line = "PING " + "x".repeat(MAX_LINE + 1 - "PING ".length());
    greeted(vertx)
        .compose(client -> client.send(line + "\n").compose(v -> client.next())
            .compose(first -> client.request("PING after").map(second -> List.of(first, second))))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies).containsExactly(TOO_LONG, "PONG after");
          ctx.completeNow();
        })));
  }

  @Test
  void aHugeLineSentInPiecesGetsExactlyOneErr413(Vertx vertx, VertxTestContext ctx) {
    greeted(vertx)
        .compose(client -> sendInPieces(vertx, client, "PING " + "y".repeat(HUGE_LINE), HUGE_PIECES)
            .compose(v -> client.send("\nPING after\n"))
            .compose(v -> client.next(2)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies).containsExactly(TOO_LONG, "PONG after");
          ctx.completeNow();
        })));
  }

  @Test
  void invalidUtf8IsErr400AndTheConnectionStaysOpen(Vertx vertx, VertxTestContext ctx) {
    Buffer bad = Buffer.buffer("PING ").appendByte((byte) 0xC3).appendByte((byte) 0x28)
        .appendString("\n").appendString("ECHO ").appendByte((byte) 0xFF).appendString("\n");
    greeted(vertx)
        .compose(client -> client.send(bad).compose(v -> client.next(2))
            .compose(errors -> client.request("PING after").map(last -> {
              errors.add(last);
              return errors;
            })))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies).containsExactly("ERR 400 invalid utf-8", "ERR 400 invalid utf-8", "PONG after");
          ctx.completeNow();
        })));
  }

  @Test
  void validUtf8IsEchoedIntact(Vertx vertx, VertxTestContext ctx) {
    greeted(vertx)
        .compose(client -> client.request("PING héllo wörld ✓ 你好"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo("PONG héllo wörld ✓ 你好");
          ctx.completeNow();
        })));
  }

  /**
   * 64 KB of random bytes (fixed seed) with LFs in them: every non-empty garbage line gets exactly one error reply
   * and a PING afterwards is answered; meanwhile another connection, opened before, answers each of its PINGs.
   */
  @Test
  void garbageIsAnsweredWithErrorsAndDoesNotDisturbOtherConnections(Vertx vertx, VertxTestContext ctx) {
    byte[] garbage = new byte[GARBAGE_BYTES];
    new Random(GARBAGE_SEED).nextBytes(garbage);
    int garbageLines = nonEmptyLines(garbage);
    // Garbage is not flooding: keep the rate limit out of the way.
    GatewayOptions options = TestGateways.options().setRateLimit(1_000_000).setRateBurst(1_000_000);
    Checkpoint garbageAnswered = ctx.checkpoint();
    Checkpoint bystanderAnswered = ctx.checkpoint();
    Gateway.deploy(vertx, options).onComplete(ctx.succeeding(gateway ->
        Future.all(LineClient.greeted(vertx, gateway.port()), LineClient.greeted(vertx, gateway.port()))
            .onComplete(ctx.succeeding(both -> {
              LineClient vandal = both.resultAt(0);
              LineClient bystander = both.resultAt(1);
              Future<List<String>> vandalReplies = sendInChunks(vertx, vandal, Buffer.buffer(garbage))
                  .compose(v -> vandal.send("\nPING done\n"))
                  .compose(v -> vandal.next(garbageLines + 1));
              Future<List<String>> bystanderReplies = pingSequentially(bystander, 0, new ArrayList<>());
              vandalReplies.onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
                assertThat(replies.subList(0, garbageLines)).allSatisfy(GatewayFramingTest::assertIsError);
                assertThat(replies.get(garbageLines)).isEqualTo("PONG done");
                assertThat(vandal.isClosed()).isFalse();
                garbageAnswered.flag();
              })));
              bystanderReplies.onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < SECOND_CLIENT_PINGS; i++) {
                  expected.add("PONG bystander " + i);
                }
                assertThat(replies).containsExactlyElementsOf(expected);
                assertThat(bystander.isClosed()).isFalse();
                bystanderAnswered.flag();
              })));
            }))));
  }

  private static void assertIsError(String reply) {
    if (reply.startsWith("{")) {
      JsonObject json = new JsonObject(reply);
      assertThat(json.getString("op")).isEqualTo("err");
      assertThat(json.getInteger("code")).isIn(400, 413);
    } else {
      assertThat(reply).matches("^ERR (400|413) .+$");
    }
  }

  /** The frames in {@code bytes} as the protocol counts them: lines between LFs, a final CR dropped, not empty. */
  private static int nonEmptyLines(byte[] bytes) {
    int count = 0;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        int length = i - start;
        if (length > 0 && bytes[i - 1] == '\r') {
          length--;
        }
        if (length > 0) {
          count++;
        }
        start = i + 1;
      }
    }
    return count;
  }

  private static Future<List<String>> pingSequentially(LineClient client, int i, List<String> replies) {
    if (i == SECOND_CLIENT_PINGS) {
      return Future.succeededFuture(replies);
    }
    return client.request("PING bystander " + i).compose(reply -> {
      replies.add(reply);
      return pingSequentially(client, i + 1, replies);
    });
  }

  /** Writes {@code text} in {@code pieces} writes, a short pause between them so they arrive apart. */
  private static Future<Void> sendInPieces(Vertx vertx, LineClient client, String text, int pieces) {
    Buffer bytes = Buffer.buffer(text, "UTF-8");
    int size = (bytes.length() + pieces - 1) / pieces;
    return sendFrom(vertx, client, bytes, 0, size);
  }

  private static Future<Void> sendInChunks(Vertx vertx, LineClient client, Buffer bytes) {
    return sendFrom(vertx, client, bytes, 0, GARBAGE_CHUNK);
  }

  private static Future<Void> sendFrom(Vertx vertx, LineClient client, Buffer bytes, int from, int size) {
    if (from >= bytes.length()) {
      return Future.succeededFuture();
    }
    int to = Math.min(bytes.length(), from + size);
    return client.send(bytes.getBuffer(from, to))
        .compose(v -> vertx.timer(PAUSE_MILLIS))
        .compose(v -> sendFrom(vertx, client, bytes, to, size));
  }
}
