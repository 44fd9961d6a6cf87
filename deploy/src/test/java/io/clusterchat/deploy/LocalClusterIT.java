package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, end to end: {@code deploy/local-cluster.sh start} starts every role from the built jar,
 * the gateway greets and answers, the classic tutorial clients get stamped echoes, and {@code stop} leaves no
 * process behind. Runs after {@code package} (failsafe), on ports shifted by an offset so that a developer's own
 * local cluster can keep running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {

  private static final int PORT_OFFSET = 20_000;
  private static final int GATEWAY_BJ = 9001 + PORT_OFFSET;
  private static final int GATEWAY_SH = 9002 + PORT_OFFSET;
  private static final int ECHO = 21567 + PORT_OFFSET;
  private static final long SCRIPT_TIMEOUT_SECONDS = 240;
  private static final String CTIME = "(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
      + "[ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}";

  @TempDir
  static Path home;

  private static final List<Long> pids = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Result started = script("start");
    assertThat(started.exitCode).as(started.output).isZero();
    try (Stream<Path> files = Files.list(home.resolve("run"))) {
      for (Path pidFile : (Iterable<Path>) files::iterator) {
        pids.add(Long.parseLong(Files.readString(pidFile).trim()));
      }
    }
  }

  @AfterAll
  static void stopEvenIfATestFailed() throws Exception {
    if (Files.isDirectory(home.resolve("run"))) {
      script("stop");
    }
  }

  @Test
  @Order(1)
  void everyRoleRuns() throws Exception {
    assertThat(pids).hasSize(6);
    Result status = script("status");
    assertThat(status.exitCode).isZero();
    assertThat(status.output).contains("coordinator", "session-store-1", "auth-1", "persistence-1", "gw-bj-1",
        "gw-sh-1").doesNotContain("stopped");
  }

  @Test
  @Order(2)
  void gatewaysGreetAndAnswerPingAndEcho() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", GATEWAY_BJ)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      assertThat(in.readLine()).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
      out.write("PING\nECHO hello world\n".getBytes(StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("PONG");
      assertThat(in.readLine()).matches("ECHO \\[" + CTIME + "\\] hello world");
    }
    try (Socket socket = new Socket("127.0.0.1", GATEWAY_SH)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HELLO clusterchat/1 sh gw-sh-1");
    }
  }

  @Test
  @Order(3)
  void classicTutorialClientsGetStampedEchoes() throws Exception {
    for (String client : List.of("tsTclnt.py", "tsUclnt.py")) {
      Path script = home.resolve(client);
      try (var source = LocalClusterIT.class.getResourceAsStream("/tutorial/" + client)) {
        Files.copy(source, script);
      }
      Result result = run(List.of("python3", script.toString(), "127.0.0.1", String.valueOf(ECHO)),
          "hello\nsecond line\n");
      assertThat(result.exitCode).as(result.output).isZero();
      assertThat(result.output).as(client)
          .containsPattern("\\[" + CTIME + "\\] hello")
          .containsPattern("\\[" + CTIME + "\\] second line");
    }
  }

  @Test
  @Order(4)
  void stopLeavesNoProcessBehind() throws Exception {
    Result stopped = script("stop");
    assertThat(stopped.exitCode).as(stopped.output).isZero();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
    }
    assertThat(script("status").output).doesNotContain("running");
  }

  private static Result script(String command) throws Exception {
    return run(List.of("bash", Path.of("local-cluster.sh").toAbsolutePath().toString(), command), "");
  }

  private static Result run(List<String> command, String input) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("CLUSTERCHAT_PORT_OFFSET", String.valueOf(PORT_OFFSET));
    env.put("CLUSTERCHAT_JAR", Path.of("target", "clusterchat.jar").toAbsolutePath().toString());
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output = readAll(process);
    if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  private static String readAll(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private record Result(int exitCode, String output) {
  }
}
