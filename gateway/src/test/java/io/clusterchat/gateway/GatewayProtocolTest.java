package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.CompositeFuture;
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
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL.md's greeting, PING/ECHO/QUIT in both spellings, and its errors, over real sockets to a gateway on
 * 127.0.0.1 (non-clustered Vert.x; the Vertx instance is closed after each test by the extension).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class GatewayProtocolTest {

  private static final String ECHO_TEXT = "^ECHO \\[" + TestGateways.CTIME + "\\] hello world$";
  private static final int PIPELINED = 50;
  private static final int CONNECTIONS = 4 * TestGateways.INSTANCES;

  private Gateway gateway;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Gateway.deploy(vertx, TestGateways.options()).onComplete(ctx.succeeding(deployed -> {
      gateway = deployed;
      ctx.completeNow();
    }));
  }

  // ---- greeting ----

  @Test
  void greetingIsTheFirstLine(Vertx vertx, VertxTestContext ctx) {
    LineClient.connect(vertx, gateway.port())
        .compose(LineClient::next)
        .onComplete(ctx.succeeding(greeting -> ctx.verify(() -> {
          assertThat(greeting).isEqualTo(hello(TestGateways.NODE_ID));
          ctx.completeNow();
        })));
  }

  /** Each gateway's instances share one free port of their own: its clients never reach another gateway. */
  @Test
  void twoGatewaysOnOneVertxGreetOnTheirOwnPorts(Vertx vertx, VertxTestContext ctx) {
    String otherNode = "gw-test-2";
    Gateway.deploy(vertx, TestGateways.options().setNodeId(otherNode))
        .compose(other -> Future.all(greetings(vertx, gateway.port()), greetings(vertx, other.port()))
            .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
              assertThat(other.port()).isNotEqualTo(gateway.port());
              assertThat(both.<List<String>>resultAt(0)).containsOnly(hello(TestGateways.NODE_ID));
              assertThat(both.<List<String>>resultAt(1)).containsOnly(hello(otherNode));
              ctx.completeNow();
            }))))
        .onFailure(ctx::failNow);
  }

  /** The greetings of {@link #CONNECTIONS} connections, enough to reach every server instance. */
  private static Future<List<String>> greetings(Vertx vertx, int port) {
    List<Future<String>> hellos = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      hellos.add(LineClient.connect(vertx, port).compose(LineClient::next));
    }
    return Future.all(hellos).map(CompositeFuture::list);
  }

  private static String hello(String nodeId) {
    return "HELLO clusterchat/1 " + TestGateways.REGION + " " + nodeId;
  }

  // ---- PING ----

  @Test
  void pingWithoutDataAnswersPong(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("PING"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo("PONG");
          ctx.completeNow();
        })));
  }

  @Test
  void pingDataIsTheWholeRestOfTheLine(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("PING a b"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo("PONG a b");
          ctx.completeNow();
        })));
  }

  @Test
  void commandWordsAreCaseInsensitive(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send("ping\nPiNg x\n").compose(v -> client.next(2)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies).containsExactly("PONG", "PONG x");
          ctx.completeNow();
        })));
  }

  @Test
  void jsonPingAnswersJsonPongWithIdAndData(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("{\"op\":\"ping\",\"id\":\"1\",\"data\":\"x\"}"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(new JsonObject(reply))
              .isEqualTo(new JsonObject().put("op", "pong").put("id", "1").put("data", "x"));
          ctx.completeNow();
        })));
  }

  // ---- ECHO ----

  @Test
  void echoStampsTheTextWithCtime(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("ECHO hello world"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).matches(ECHO_TEXT);
          ctx.completeNow();
        })));
  }

  @Test
  void jsonEchoStampsTheTextField(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("{\"op\":\"echo\",\"id\":\"e1\",\"text\":\"hello world\"}"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          JsonObject json = new JsonObject(reply);
          assertThat(json.fieldNames()).containsExactlyInAnyOrder("op", "id", "text");
          assertThat(json.getString("op")).isEqualTo("echo");
          assertThat(json.getString("id")).isEqualTo("e1");
          assertThat(json.getString("text")).matches(TestGateways.stamped("hello world"));
          ctx.completeNow();
        })));
  }

  // ---- QUIT ----

  @Test
  void quitAnswersOkThenTheServerCloses(Vertx vertx, VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint closed = ctx.checkpoint();
    LineClient.greeted(vertx, gateway.port()).onComplete(ctx.succeeding(client -> {
      // The PING after QUIT must go unanswered: QUIT is the connection's last request.
      client.send("QUIT\nPING after\n");
      client.closed().onComplete(ctx.succeeding(v -> closed.flag()));
      client.untilClosed().onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
        assertThat(lines).containsExactly("OK QUIT");
        answered.flag();
      })));
    }));
  }

  @Test
  void jsonQuitAnswersJsonOkThenTheServerCloses(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send("{\"op\":\"quit\",\"id\":\"q\"}\n").compose(v -> client.untilClosed()))
        .onComplete(ctx.succeeding(lines -> ctx.verify(() -> {
          assertThat(lines).hasSize(1);
          assertThat(new JsonObject(lines.get(0))).isEqualTo(new JsonObject().put("op", "ok").put("id", "q"));
          ctx.completeNow();
        })));
  }

  // ---- errors ----

  @Test
  void unknownCommandIsErr400(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send("FROBNICATE now\nPING still here\n").compose(v -> client.next(2)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies.get(0)).startsWith("ERR 400 ");
          assertThat(replies.get(1)).isEqualTo("PONG still here");
          ctx.completeNow();
        })));
  }

  @Test
  void invalidJsonIsJsonErr400(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.request("{\"op\":\"ping\",\"id\":"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          JsonObject json = new JsonObject(reply);
          assertThat(json.getString("op")).isEqualTo("err");
          assertThat(json.getInteger("code")).isEqualTo(400);
          assertThat(json.getString("error")).isNotBlank();
          ctx.completeNow();
        })));
  }

  @Test
  void commandsNeedingLoginAnswerErr401BeforeLogin(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send("SEND bob hello there\nSYNC\nWHO bob@" + TestGateways.REGION + "\n"
            + "{\"op\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"text\":\"hi\"}\n").compose(v -> client.next(4)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies.subList(0, 3)).containsOnly("ERR 401 not logged in");
          JsonObject json = new JsonObject(replies.get(3));
          assertThat(json.getString("op")).isEqualTo("err");
          assertThat(json.getString("id")).isEqualTo("s1");
          assertThat(json.getInteger("code")).isEqualTo(401);
          ctx.completeNow();
        })));
  }

  @Test
  void registerLoginAndResumeAnswerExactlyOneErrEach(Vertx vertx, VertxTestContext ctx) {
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send("REGISTER alice password1\nLOGIN alice password1\nRESUME sometoken\n"
            + "PING end\n").compose(v -> client.next(4)))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies.subList(0, 3)).allSatisfy(reply -> assertThat(reply).matches("^ERR \\d{3} .+$"));
          assertThat(replies.get(3)).isEqualTo("PONG end");
          ctx.completeNow();
        })));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder(Vertx vertx, VertxTestContext ctx) {
    StringBuilder requests = new StringBuilder();
    List<Consumer<String>> expectations = new ArrayList<>();
    for (int i = 0; i < PIPELINED; i++) {
      addPipelinedRequest(i, requests, expectations);
    }
    LineClient.greeted(vertx, gateway.port())
        .compose(client -> client.send(requests.toString())
            .compose(v -> client.next(PIPELINED))
            .compose(replies -> client.request("PING last").map(last -> {
              replies.add(last);
              return replies;
            })))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          for (int i = 0; i < PIPELINED; i++) {
            expectations.get(i).accept(replies.get(i));
          }
          // Nothing beyond one reply per request: the next line answers the next request.
          assertThat(replies.get(PIPELINED)).isEqualTo("PONG last");
          ctx.completeNow();
        })));
  }

  /** Request {@code i} of a pipeline: PINGs, ECHOs, unknown commands and bad JSON in both spellings. */
  private static void addPipelinedRequest(int i, StringBuilder requests, List<Consumer<String>> expectations) {
    switch (i % 5) {
      case 0:
        requests.append("PING p").append(i).append('\n');
        expectations.add(reply -> assertThat(reply).as("reply %d", i).isEqualTo("PONG p" + i));
        break;
      case 1:
        requests.append("ECHO e").append(i).append('\n');
        expectations.add(reply -> assertThat(reply).as("reply %d", i)
            .matches("^ECHO \\[" + TestGateways.CTIME + "\\] e" + i + "$"));
        break;
      case 2:
        requests.append("NOPE ").append(i).append('\n');
        expectations.add(reply -> assertThat(reply).as("reply %d", i).startsWith("ERR 400 "));
        break;
      case 3:
        requests.append("{\"op\":\"ping\",\"id\":\"j").append(i).append("\",\"data\":\"d").append(i).append("\"}\n");
        expectations.add(reply -> assertThat(new JsonObject(reply)).as("reply %d", i)
            .isEqualTo(new JsonObject().put("op", "pong").put("id", "j" + i).put("data", "d" + i)));
        break;
      default:
        requests.append("{oops ").append(i).append('\n');
        expectations.add(reply -> {
          JsonObject json = new JsonObject(reply);
          assertThat(json.getString("op")).as("reply %d", i).isEqualTo("err");
          assertThat(json.getInteger("code")).as("reply %d", i).isEqualTo(400);
        });
        break;
    }
  }
}
