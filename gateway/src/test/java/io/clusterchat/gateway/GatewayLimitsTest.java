package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL.md's "Heartbeat and limits" and the gateway's goodbyes over real sockets: idle timeout, rate limit,
 * abuse, and {@code BYE shutdown} when the gateway is undeployed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class GatewayLimitsTest {

  private static final long IDLE_TIMEOUT_MILLIS = 500;
  /**
   * The idle timeout of tests where the client must send in time. On a loaded 2-core box a cold client was seen
   * to need up to 290 ms from accept to reading its HELLO: too close to 500 ms for a frame to be sure to come in
   * time, which would end the connection for no fault of the gateway.
   */
  private static final long ACTIVE_IDLE_TIMEOUT_MILLIS = 1_000;
  private static final long HEARTBEAT_MILLIS = 200;
  /** Heartbeats sent: together they span more than 2.4 s, well past 1.5 s and two heartbeat idle timeouts. */
  private static final int HEARTBEATS = 12;
  private static final int RATE = 10;
  private static final int BURST = 20;
  private static final int BURST_SENT = 60;
  /** Long enough for the bucket to refill a token at {@link #RATE} per second. */
  private static final long REFILL_MILLIS = 500;
  private static final int ABUSE_LIMIT = 50;
  private static final int FLOOD = 2000;
  private static final String TOO_MANY = "^ERR 429 .+$";

  private static Future<Gateway> deploy(Vertx vertx, GatewayOptions options) {
    return Gateway.deploy(vertx, options);
  }

  // ---- idle timeout ----

  /** Only a complete line resets the idle timer: a trickle of bytes without a line end does not (finding 8). */
  @Test
  void bytesWithoutALineEndDoNotKeepAConnectionAlive(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, TestGateways.options().setIdleTimeoutMillis(ACTIVE_IDLE_TIMEOUT_MILLIS))
        .compose(gateway -> LineClient.greeted(vertx, gateway.port()))
        .compose(client -> {
          long trickle = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> client.send("x"));
          return client.untilClosed().onComplete(done -> vertx.cancelTimer(trickle));
        })
        .onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
          assertThat(lines).containsExactly("ERR 408 idle timeout", "BYE idle");
          ctx.completeNow();
        })));
  }

  @Test
  void silentConnectionGetsErr408ThenByeIdleThenClose(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, TestGateways.options().setIdleTimeoutMillis(IDLE_TIMEOUT_MILLIS))
        .compose(gateway -> LineClient.greeted(vertx, gateway.port()))
        .compose(LineClient::untilClosed)
        .onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
          assertThat(lines).containsExactly("ERR 408 idle timeout", "BYE idle");
          ctx.completeNow();
        })));
  }

  @Test
  void idleFramesUseJsonAfterAJsonRequest(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, TestGateways.options().setIdleTimeoutMillis(ACTIVE_IDLE_TIMEOUT_MILLIS))
        .compose(gateway -> LineClient.greeted(vertx, gateway.port()))
        .compose(client -> client.request("{\"op\":\"ping\",\"id\":\"p\"}")
            .compose(pong -> client.untilClosed().map(rest -> {
              List<String> all = new ArrayList<>(rest);
              all.add(0, pong);
              return all;
            })))
        .onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
          assertThat(lines).hasSize(3);
          assertThat(new JsonObject(lines.get(0))).isEqualTo(new JsonObject().put("op", "pong").put("id", "p"));
          JsonObject error = new JsonObject(lines.get(1));
          assertThat(error.getString("op")).isEqualTo("err");
          assertThat(error.getInteger("code")).isEqualTo(408);
          assertThat(error.getString("error")).isNotBlank();
          assertThat(new JsonObject(lines.get(2))).isEqualTo(new JsonObject().put("op", "bye").put("reason", "idle"));
          ctx.completeNow();
        })));
  }

  /** PINGs {@link #HEARTBEAT_MILLIS} apart keep a connection open for more than two idle timeouts. */
  @Test
  void heartbeatsKeepTheConnectionOpenPastSeveralIdleTimeouts(Vertx vertx, VertxTestContext ctx) {
    List<Long> sentAt = new ArrayList<>();
    deploy(vertx, TestGateways.options().setIdleTimeoutMillis(ACTIVE_IDLE_TIMEOUT_MILLIS))
        .compose(gateway -> LineClient.greeted(vertx, gateway.port()))
        .onComplete(ctx.succeeding(client -> heartbeats(vertx, client, 0, new ArrayList<>(), sentAt)
            .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
              List<String> expected = new ArrayList<>();
              for (int i = 0; i < HEARTBEATS; i++) {
                expected.add("PONG beat " + i);
              }
              assertThat(replies).as("replies; ms between heartbeats sent: %s", gapsMillis(sentAt))
                  .containsExactlyElementsOf(expected);
              assertThat(client.isClosed()).isFalse();
              ctx.completeNow();
            })))));
  }

  /** Sends PING after PING, the next one {@link #HEARTBEAT_MILLIS} after each reply, until done or closed. */
  private static Future<List<String>> heartbeats(Vertx vertx, LineClient client, int i, List<String> replies,
                                                 List<Long> sentAt) {
    if (i == HEARTBEATS || client.isClosed()) {
      return Future.succeededFuture(replies);
    }
    sentAt.add(System.nanoTime());
    return client.request("PING beat " + i)
        .recover(closed -> Future.succeededFuture("(closed)"))
        .compose(reply -> {
          replies.add(reply);
          return vertx.timer(HEARTBEAT_MILLIS).compose(t -> heartbeats(vertx, client, i + 1, replies, sentAt));
        });
  }

  private static List<Long> gapsMillis(List<Long> nanos) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < nanos.size(); i++) {
      gaps.add(TimeUnit.NANOSECONDS.toMillis(nanos.get(i) - nanos.get(i - 1)));
    }
    return gaps;
  }

  // ---- rate limit and abuse ----

  @Test
  void framesOverTheRateLimitGetErr429InOrderAndTheConnectionStays(Vertx vertx, VertxTestContext ctx) {
    GatewayOptions options = TestGateways.options().setRateLimit(RATE).setRateBurst(BURST).setAbuseLimit(1_000_000);
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < BURST_SENT; i++) {
      burst.append("PING ").append(i).append('\n');
    }
    deploy(vertx, options)
        .compose(gateway -> LineClient.greeted(vertx, gateway.port()))
        .compose(client -> client.send(burst.toString())
            .compose(v -> client.next(BURST_SENT))
            .compose(replies -> vertx.timer(REFILL_MILLIS)
                .compose(t -> client.request("PING still open"))
                .map(last -> {
                  replies.add(last);
                  return replies;
                })))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          int pongs = 0;
          int rejected = 0;
          for (int i = 0; i < BURST_SENT; i++) {
            String reply = replies.get(i);
            if (reply.startsWith("PONG")) {
              assertThat(reply).as("reply %d", i).isEqualTo("PONG " + i);
              pongs++;
            } else {
              assertThat(reply).as("reply %d", i).matches(TOO_MANY);
              rejected++;
            }
          }
          assertThat(pongs).isGreaterThanOrEqualTo(BURST);
          assertThat(rejected).isPositive();
          assertThat(replies.get(BURST_SENT)).isEqualTo("PONG still open");
          ctx.completeNow();
        })));
  }

  @Test
  void aFloodingClientGetsByeAbuseAndOthersAreUnaffected(Vertx vertx, VertxTestContext ctx) {
    GatewayOptions options = TestGateways.options().setRateLimit(RATE).setRateBurst(RATE).setAbuseLimit(ABUSE_LIMIT);
    String flood = "PING\n".repeat(FLOOD);
    Checkpoint floodClosed = ctx.checkpoint();
    Checkpoint bystanderAnswered = ctx.checkpoint();
    deploy(vertx, options).onComplete(ctx.succeeding(gateway ->
        Future.all(LineClient.greeted(vertx, gateway.port()), LineClient.greeted(vertx, gateway.port()))
            .onComplete(ctx.succeeding(both -> {
              LineClient flooder = both.resultAt(0);
              LineClient bystander = both.resultAt(1);
              flooder.send(flood);
              flooder.untilClosed().onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
                assertThat(lines).isNotEmpty();
                assertThat(lines.get(lines.size() - 1)).isEqualTo("BYE abuse");
                List<String> replies = lines.subList(0, lines.size() - 1);
                assertThat(replies).allSatisfy(reply -> assertThat(reply).matches("^(PONG|ERR 429 .+)$"));
                // Closed once the rejections in one window exceed the abuse limit, not before, not after.
                assertThat(replies).filteredOn(reply -> reply.startsWith("ERR 429")).hasSize(ABUSE_LIMIT);
                assertThat(replies).filteredOn("PONG"::equals).hasSizeGreaterThanOrEqualTo(RATE);
                floodClosed.flag();
                bystander.request("PING bystander").onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
                  assertThat(reply).isEqualTo("PONG bystander");
                  bystanderAnswered.flag();
                })));
              })));
            }))));
  }

  // ---- graceful stop ----

  @Test
  void undeployingTheGatewaySendsByeShutdownBeforeClosing(Vertx vertx, VertxTestContext ctx) {
    Checkpoint byeThenClose = ctx.checkpoint();
    Checkpoint undeployed = ctx.checkpoint();
    deploy(vertx, TestGateways.options()).compose(gateway -> Future.all(
            LineClient.greeted(vertx, gateway.port()),
            LineClient.greeted(vertx, gateway.port()).compose(client -> client.request("{\"op\":\"ping\"}")
                .map(pong -> client))))
        .onComplete(ctx.succeeding(both -> {
          LineClient text = both.resultAt(0);
          LineClient json = both.resultAt(1);
          Future.all(text.untilClosed(), json.untilClosed()).onComplete(ctx.succeeding(closed -> ctx.verify(() -> {
            assertThat(closed.<List<String>>resultAt(0)).containsExactly("BYE shutdown");
            List<String> jsonLines = closed.resultAt(1);
            assertThat(jsonLines).hasSize(1);
            assertThat(new JsonObject(jsonLines.get(0)))
                .isEqualTo(new JsonObject().put("op", "bye").put("reason", "shutdown"));
            byeThenClose.flag();
          })));
          undeployAll(vertx).onComplete(ctx.succeeding(v -> undeployed.flag()));
        }));
  }

  private static Future<Void> undeployAll(Vertx vertx) {
    List<Future<Void>> undeployments = new ArrayList<>();
    for (String id : vertx.deploymentIDs()) {
      undeployments.add(vertx.undeploy(id));
    }
    return Future.all(undeployments).mapEmpty();
  }
}
