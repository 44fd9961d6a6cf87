package io.clusterchat.gateway;

import io.clusterchat.gateway.impl.EchoServiceVerticle;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md's "Seed-compatible echo": raw bytes back with a {@code [<ctime>] } prefix over TCP and UDP, checked
 * with Vert.x clients and with the classic tutorial clients ({@code tsTclnt.py}, {@code tsUclnt.py}) when python3
 * is installed.
 *
 * <p>The service is deployed on its own here: through {@link GatewayOptions}, echo port 0 means "off", so a
 * gateway cannot put it on a free port.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EchoServiceTest {

  /** Every reply is {@code [} + 24 characters of ctime + {@code ] } + the bytes sent. */
  private static final int STAMP_LENGTH = "[Sun Nov 22 08:44:40 2026] ".length();
  private static final long PROCESS_TIMEOUT_SECONDS = 20;
  private static final long PAUSE_MILLIS = 100;

  /** tsTclnt.py of the classic tutorial, with one fixed message instead of reading stdin. */
  private static final String TCP_CLIENT = String.join("\n",
      "import sys",
      "from socket import *",
      "HOST = '127.0.0.1'",
      "PORT = int(sys.argv[1])",
      "BUFSIZ = 1024",
      "ADDR = (HOST, PORT)",
      "tcpCliSock = socket(AF_INET, SOCK_STREAM)",
      "tcpCliSock.settimeout(10)",
      "tcpCliSock.connect(ADDR)",
      "tcpCliSock.send(b'data')",
      "data = tcpCliSock.recv(BUFSIZ)",
      "print(data.decode('utf-8'))",
      "tcpCliSock.close()",
      "");

  /** tsUclnt.py of the classic tutorial, with one fixed message instead of reading stdin. */
  private static final String UDP_CLIENT = String.join("\n",
      "import sys",
      "from socket import *",
      "HOST = '127.0.0.1'",
      "PORT = int(sys.argv[1])",
      "BUFSIZ = 1024",
      "ADDR = (HOST, PORT)",
      "udpCliSock = socket(AF_INET, SOCK_DGRAM)",
      "udpCliSock.settimeout(10)",
      "udpCliSock.sendto(b'data', ADDR)",
      "data, ADDR = udpCliSock.recvfrom(BUFSIZ)",
      "print(data.decode('utf-8'))",
      "udpCliSock.close()",
      "");

  private EchoServiceVerticle echo;
  /** A field, not a local: Vert.x shuts down the sockets of a NetClient the garbage collector finds unreachable. */
  private NetClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    EchoServiceVerticle verticle = new EchoServiceVerticle(LineClient.HOST, 0);
    client = vertx.createNetClient();
    vertx.deployVerticle(verticle).onComplete(ctx.succeeding(id -> {
      echo = verticle;
      ctx.completeNow();
    }));
  }

  @Test
  void gatewayWithEchoPortZeroRunsNoEchoService(Vertx vertx, VertxTestContext ctx) {
    Gateway.deploy(vertx, TestGateways.options().setEchoPort(0)).onComplete(ctx.succeeding(gateway ->
        ctx.verify(() -> {
          assertThat(gateway.echoPort()).isZero();
          assertThat(gateway.port()).isPositive();
          ctx.completeNow();
        })));
  }

  @Test
  void tcpReadIsSentBackStamped(Vertx vertx, VertxTestContext ctx) {
    client.connect(echo.actualPort(), LineClient.HOST)
        .compose(socket -> exchange(socket, "hello"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).matches(TestGateways.stamped("hello"));
          ctx.completeNow();
        })));
  }

  @Test
  void eachTcpReadGetsItsOwnStamp(Vertx vertx, VertxTestContext ctx) {
    Checkpoint first = ctx.checkpoint();
    Checkpoint second = ctx.checkpoint();
    client.connect(echo.actualPort(), LineClient.HOST).onComplete(ctx.succeeding(socket ->
        exchange(socket, "one")
            .compose(reply -> {
              ctx.verify(() -> assertThat(reply).matches(TestGateways.stamped("one")));
              first.flag();
              return vertx.timer(PAUSE_MILLIS).compose(t -> exchange(socket, "two"));
            })
            .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
              assertThat(reply).matches(TestGateways.stamped("two"));
              second.flag();
            })))));
  }

  @Test
  void udpDatagramIsSentBackStamped(Vertx vertx, VertxTestContext ctx) {
    DatagramSocket udp = vertx.createDatagramSocket();
    udp.handler(packet -> ctx.verify(() -> {
      assertThat(packet.data().toString(StandardCharsets.UTF_8)).matches(TestGateways.stamped("data"));
      assertThat(packet.sender().port()).isEqualTo(echo.actualPort());
      ctx.completeNow();
    }));
    udp.listen(0, LineClient.HOST)
        .compose(s -> udp.send(Buffer.buffer("data"), echo.actualPort(), LineClient.HOST))
        .onComplete(ctx.succeeding(v -> { }));
  }

  @Test
  void classicTcpClientGetsAStampedReply(@TempDir Path dir) throws Exception {
    assertThat(runPython(dir, "tsTclnt.py", TCP_CLIENT)).matches(TestGateways.stamped("data"));
  }

  @Test
  void classicUdpClientGetsAStampedReply(@TempDir Path dir) throws Exception {
    assertThat(runPython(dir, "tsUclnt.py", UDP_CLIENT)).matches(TestGateways.stamped("data"));
  }

  /** Runs a client script on this (JUnit) thread, never an event loop; returns its output without the newline. */
  private String runPython(Path dir, String name, String script) throws IOException, InterruptedException {
    Assumptions.assumeTrue(pythonAvailable(), "python3 is not installed");
    Path file = Files.writeString(dir.resolve(name), script, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder("python3", file.toString(), Integer.toString(echo.actualPort()))
        .redirectErrorStream(true)
        .start();
    try {
      boolean exited = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(exited).as("%s exited within %d s", name, PROCESS_TIMEOUT_SECONDS).isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as("exit code of %s, output: %s", name, output).isZero();
      return output.strip();
    } finally {
      process.destroyForcibly();
    }
  }

  private static boolean pythonAvailable() {
    try {
      Process probe = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      try {
        return probe.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0;
      } finally {
        probe.destroyForcibly();
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Writes {@code text} and collects the stamped reply: the stamp's length plus the bytes written. */
  private static Future<String> exchange(NetSocket socket, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int expected = STAMP_LENGTH + bytes.length;
    Buffer received = Buffer.buffer();
    Promise<String> reply = Promise.promise();
    socket.handler(data -> {
      received.appendBuffer(data);
      if (received.length() >= expected) {
        reply.tryComplete(received.toString(StandardCharsets.UTF_8));
      }
    });
    socket.closeHandler(v -> reply.tryFail("echo connection closed after " + received));
    socket.write(Buffer.buffer(bytes));
    return reply.future();
  }
}
