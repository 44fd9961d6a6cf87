package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.deploy.LineClient.Msg;
import io.clusterchat.testing.LinePeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, end to end, as a user would live it: {@code deploy/local-cluster.sh start} starts every
 * role from the built jar; gateways greet and answer; the classic tutorial clients get stamped echoes; alice (a raw
 * socket, as with nc) and bob (the CLI client) chat across regions; an offline user's inbox survives a full
 * cluster restart; {@code stop} leaves no process behind. Subclasses choose the database and a port offset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LocalClusterScenario {

  static final String CTIME = "(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
      + "[ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}";
  /**
   * The nodes these tests start live for a minute or two, and on two cores C2 compiling in six JVMs at once is most
   * of a start: C1 alone starts the local cluster in three quarters of the time (21 s against 28 s, measured). The
   * README's command runs the JVM's defaults; this changes how fast code gets compiled, not what runs.
   */
  static final String TEST_JAVA_OPTS = "-XX:TieredStopAtLevel=1";
  private static final long SCRIPT_TIMEOUT_SECONDS = 300;
  private static final long CLI_LINE_SECONDS = 30;
  private static final String PW = "s3cret-pass";
  private static final Duration PEER_WAIT = Duration.ofSeconds(20);

  /** The working directory of the script: logs/, run/, data/ (a temp dir per class). */
  Path home;

  private final List<Long> pids = new ArrayList<>();

  /** Added to every port of the local cluster, so runs never meet a developer's own cluster or each other. */
  abstract int portOffset();

  /** Environment for the script's nodes (the database to use). */
  abstract Map<String, String> environment() throws Exception;

  int gatewayBj() {
    return 9001 + portOffset();
  }

  int gatewaySh() {
    return 9002 + portOffset();
  }


  @BeforeAll
  void start(@TempDir Path workDir) throws Exception {
    home = workDir;
    Result started = script("start");
    assertThat(started.exitCode).as(started.output).isZero();
    try (Stream<Path> files = Files.list(home.resolve("run"))) {
      for (Path pidFile : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pid"))::iterator) {
        pids.add(Long.parseLong(Files.readString(pidFile).trim()));
      }
    }
  }

  @AfterAll
  void stopEvenIfATestFailed() throws Exception {
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
    // A random cluster name of its own, kept in the data directory (no longer derived from the port).
    String clusterName = Files.readString(home.resolve("data").resolve("cluster-name")).trim();
    assertThat(clusterName).matches("clusterchat-local-[A-Za-z0-9]{12}");
    assertThat(Files.readString(home.resolve("logs").resolve("coordinator.log"))).contains(clusterName);
    // Event-bus TLS: the script's own CA and certificate, made once, and every node on a TLS bus.
    assertThat(home.resolve("data").resolve("bus-tls").resolve("ca-key.pem")).isRegularFile();
    for (String node : List.of("coordinator", "session-store-1", "auth-1", "persistence-1", "gw-bj-1", "gw-sh-1")) {
      assertThat(Files.readString(home.resolve("logs").resolve(node + ".log")))
          .contains("event bus TLS with client certificates");
    }
  }

  @Test
  @Order(2)
  void gatewaysGreetAndAnswerPingAndEcho() throws Exception {
    try (LineClient bj = new LineClient(gatewayBj()); LineClient sh = new LineClient(gatewaySh())) {
      assertThat(bj.hello()).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
      assertThat(sh.hello()).isEqualTo("HELLO clusterchat/1 sh gw-sh-1");
      assertThat(bj.call("PING")).isEqualTo("PONG");
      assertThat(bj.call("ECHO hello world")).matches("ECHO \\[" + CTIME + "\\] hello world");
    }
  }

  @Test
  @Order(3)
  void aliceWithNcAndBobWithTheCliChatAcrossRegions() throws Exception {
    try (LineClient alice = new LineClient(gatewayBj()); Cli bob = new Cli(gatewaySh())) {
      alice.registerAndLogin("alice", PW);
      bob.say("/register bob " + PW);
      bob.expect("registered bob@sh");
      bob.say("/login bob " + PW);
      bob.expect("logged in as bob@sh");

      assertThat(alice.call("SEND bob@sh hi bob, from bj")).startsWith("OK SEND ");
      bob.expect("alice@bj: hi bob, from bj");
      bob.say("/send alice@bj hi alice, from sh");
      Msg got = alice.readMsg();
      assertThat(got.from()).isEqualTo("bob@sh");
      assertThat(got.text()).isEqualTo("hi alice, from sh");

      assertThat(alice.call("WHO bob@sh")).isEqualTo("OK WHO bob@sh online sh");
      bob.say("/who alice@bj");
      bob.expect("alice@bj");
      bob.say("/quit");
      assertThat(bob.exitCode()).isZero();
      assertThat(pollWho(alice, "bob@sh")).isEqualTo("OK WHO bob@sh offline");
    }
  }

  @Test
  @Order(4)
  void offlineInboxSurvivesAFullRestart() throws Exception {
    try (LineClient alice = new LineClient(gatewayBj())) {
      assertThat(alice.call("LOGIN alice " + PW)).startsWith("OK LOGIN alice@bj ");
      assertThat(alice.call("REGISTER carol " + PW)).isEqualTo("OK REGISTER carol@bj");
      for (int i = 1; i <= 3; i++) {
        assertThat(alice.call("SEND carol message " + i)).startsWith("OK SEND ");
      }
    }
    try (LineClient carol = new LineClient(gatewaySh())) {
      String[] login = carol.call("LOGIN carol@bj " + PW).split(" ");
      assertThat(login[5]).as("latest").isEqualTo("3");
      carol.send("SYNC");
      for (int i = 1; i <= 3; i++) {
        Msg msg = carol.readMsg();
        assertThat(msg.seq()).isEqualTo(i);
        assertThat(msg.text()).isEqualTo("message " + i);
      }
      assertThat(carol.read()).isEqualTo("OK SYNC 3 3");
      assertThat(carol.call("ACK 2")).isEqualTo("OK ACK 2");
    }

    Result stopped = script("stop");
    assertThat(stopped.exitCode).as(stopped.output).isZero();
    Result restarted = script("start");
    assertThat(restarted.exitCode).as(restarted.output).isZero();
    recordPids();

    try (LineClient carol = new LineClient(gatewayBj())) {
      String[] login = callUntilAnswered(carol, "LOGIN carol " + PW).split(" ");
      assertThat(login[4]).as("acked").isEqualTo("2");
      assertThat(login[5]).as("latest").isEqualTo("3");
      carol.send("SYNC 0");
      for (int i = 1; i <= 3; i++) {
        assertThat(carol.readMsg().text()).isEqualTo("message " + i);
      }
      assertThat(carol.read()).isEqualTo("OK SYNC 3 3");
    }
  }

  /** The README's group session, line by line (msg ids, timestamps and tokens are the README's placeholders). */
  @Test
  @Order(5)
  void theReadmesGroupSession() throws Exception {
    String ts = "\\d+";
    String id = "\\S+";
    try (LineClient alice = new LineClient(gatewayBj()); LineClient bob = new LineClient(gatewaySh())) {
      assertThat(callUntilAnswered(alice, "LOGIN alice " + PW)).matches("OK LOGIN alice@bj \\S+ \\d+ \\d+");
      assertThat(bob.call("LOGIN bob " + PW)).matches("OK LOGIN bob@sh \\S+ \\d+ \\d+");
      assertThat(alice.call("CREATE #team")).isEqualTo("OK CREATE #team@bj");
      assertThat(alice.call("INVITE #team bob@sh")).isEqualTo("OK INVITE #team@bj bob@sh");
      assertThat(bob.read()).matches("GEVENT #team@bj 2 " + ts + " invite alice@bj bob@sh");
      assertThat(alice.call("INVITE #team carol")).isEqualTo("OK INVITE #team@bj carol@bj");
      assertThat(bob.read()).matches("GEVENT #team@bj 3 " + ts + " invite alice@bj carol@bj");
      String[] sent = alice.call("SEND #team hello team").split(" ");
      assertThat(sent[0] + " " + sent[1]).isEqualTo("OK SEND");
      assertThat(bob.read()).isEqualTo("GMSG #team@bj 4 " + sent[2] + " alice@bj " + sent[3] + " hello team");
      assertThat(bob.call("SEND #team@bj hi all")).matches("OK SEND " + id + " " + ts);
      assertThat(alice.read()).matches("GMSG #team@bj 5 " + id + " bob@sh " + ts + " hi all");
    }
    try (LineClient carol = new LineClient(gatewayBj())) {
      assertThat(carol.call("LOGIN carol " + PW)).matches("OK LOGIN carol@bj \\S+ \\d+ \\d+");
      assertThat(carol.call("GROUPS")).isEqualTo("GROUP #team@bj 5 3 3");
      assertThat(carol.read()).isEqualTo("OK GROUPS 1");
      carol.send("SYNC #team");
      assertThat(carol.read()).matches("GMSG #team@bj 4 " + id + " alice@bj " + ts + " hello team");
      assertThat(carol.read()).matches("GMSG #team@bj 5 " + id + " bob@sh " + ts + " hi all");
      assertThat(carol.read()).isEqualTo("OK SYNC 2 5");
      assertThat(carol.call("ACK #team 5")).isEqualTo("OK ACK 5");
      assertThat(carol.call("LEAVE #team")).isEqualTo("OK LEAVE #team@bj");
    }
  }

  /**
   * The README's TLS and WebSocket commands: openssl s_client on bj's TLS port, verifying the certificate against
   * the CA file start made ({@code data/client-tls/ca.pem}); a Python websockets client on sh's {@code /ws}.
   */
  @Test
  @Order(6)
  void tlsAndWebSocketAsTheReadmeShows() throws Exception {
    if (LinePeer.presentUnlessCi(LinePeer.hasOpenssl(), "needs openssl")) {
      Path ca = home.resolve("data").resolve("client-tls").resolve("ca.pem");
      try (LinePeer tls = LinePeer.openssl(9443 + portOffset(), "-CAfile", ca.toString(), "-verify_return_error",
          "-verify_ip", "127.0.0.1")) {
        assertThat(tls.await("HELLO ", PEER_WAIT)).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
        tls.send("LOGIN alice " + PW);
        assertThat(tls.next(PEER_WAIT)).startsWith("OK LOGIN alice@bj ");
        tls.send("SEND bob@sh hello over TLS");
        assertThat(tls.next(PEER_WAIT)).startsWith("OK SEND ");
      }
      // The interactive client over TLS, trusting the same CA (hostname verification on).
      try (Cli cli = new Cli(9443 + portOffset(), "--tls", "--trust", ca.toString())) {
        cli.expect("connected to gw-bj-1");
        cli.say("/quit");
        assertThat(cli.exitCode()).isZero();
      }
    }
    try (Cli cli = new Cli(9091 + portOffset(), "--ws")) {
      cli.expect("connected to gw-bj-1");
      cli.say("/quit");
      assertThat(cli.exitCode()).isZero();
    }
    if (LinePeer.presentUnlessCi(LinePeer.hasWebSockets(), "needs python3-websockets")) {
      try (LinePeer ws = LinePeer.webSocket("ws://127.0.0.1:" + (9092 + portOffset()) + "/ws", null)) {
        assertThat(ws.next(PEER_WAIT)).isEqualTo("!open");
        assertThat(ws.next(PEER_WAIT)).isEqualTo("HELLO clusterchat/1 sh gw-sh-1");
        ws.send("PING ws");
        assertThat(ws.next(PEER_WAIT)).isEqualTo("PONG ws");
      }
    }
  }

  @Test
  @Order(9)
  void stopLeavesNoProcessBehind() throws Exception {
    Result stopped = script("stop");
    assertThat(stopped.exitCode).as(stopped.output).isZero();
    for (long pid : pids) {
      assertThat(Pids.running(pid)).as("pid " + pid + " running").isFalse();
    }
    assertThat(script("status").output).doesNotContain("running");
  }

  void recordPids() throws IOException {
    try (Stream<Path> files = Files.list(home.resolve("run"))) {
      for (Path pidFile : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pid"))::iterator) {
        pids.add(Long.parseLong(Files.readString(pidFile).trim()));
      }
    }
  }

  /**
   * Just after a start, the first requests may meet cold JVMs and an event bus still learning its subscriptions, and
   * get {@code ERR 503} (nothing done); a client retries those, and so does this.
   */
  private static String callUntilAnswered(LineClient client, String request) throws Exception {
    String reply = client.call(request);
    for (int i = 0; i < 10 && reply.startsWith("ERR 503 "); i++) {
      Thread.sleep(1000);
      reply = client.call(request);
    }
    return reply;
  }

  private static String pollWho(LineClient client, String user) throws Exception {
    String who = "";
    for (int i = 0; i < 50 && !who.endsWith("offline"); i++) {
      who = client.call("WHO " + user);
      Thread.sleep(100);
    }
    return who;
  }

  Result script(String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("bash", Path.of("local-cluster.sh").toAbsolutePath().toString()));
    line.addAll(List.of(command));
    return run(line, "");
  }

  Result run(List<String> command, String input) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
    builder.environment().putAll(scriptEnvironment());
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  private Map<String, String> scriptEnvironment() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(environment());
    env.put("CLUSTERCHAT_PORT_OFFSET", String.valueOf(portOffset()));
    env.put("CLUSTERCHAT_JAR", jar().toString());
    env.put("CLUSTERCHAT_JAVA_OPTS", TEST_JAVA_OPTS);
    return env;
  }

  static Path jar() {
    return Path.of("target", "clusterchat.jar").toAbsolutePath();
  }

  record Result(int exitCode, String output) {
  }

  /** The interactive client, {@code java -jar clusterchat.jar client}, fed through a pipe. */
  static final class Cli implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    Cli(int port, String... options) throws IOException {
      List<String> command = new ArrayList<>(List.of("java", "-Xmx128m", "-jar", jar().toString(), "client",
          "--host", "127.0.0.1", "--port", String.valueOf(port)));
      command.addAll(List.of(options));
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      stdin = process.getOutputStream();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("(cli output ended: " + e + ")");
        }
      }, "cli-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void say(String line) throws IOException {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    /** Waits for an output line containing {@code text}. */
    void expect(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLI_LINE_SECONDS);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          seen.append(line).append('\n');
          if (line.contains(text)) {
            return;
          }
        }
      }
      throw new AssertionError("the CLI never printed '" + text + "'; it printed:\n" + seen);
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(CLI_LINE_SECONDS, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroy();
    }
  }
}
