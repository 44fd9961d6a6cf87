package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import picocli.CommandLine;

/** The log-format and log-file options, and the launcher's logback.xml they select from. */
class LogSettingsTest {

  private static final String[] NONE = new String[0];

  @TempDir
  Path dir;

  @Test
  void defaultIsPlainTextOnStdout() {
    assertThat(LogSettings.resolve(NONE, defaults(Map.of())))
        .containsExactly(Map.entry(LogSettings.APPENDER_PROPERTY, "STDOUT"));
  }

  @Test
  void flagsBeatEnvironmentBeatsConfigFile() throws Exception {
    Path config = Files.writeString(dir.resolve("node.properties"), "log-format = json\nlog-file = /var/log/a.log\n");
    String[] fromFile = {"session-store", "--config", config.toString()};
    assertThat(LogSettings.resolve(fromFile, defaults(Map.of(), fromFile)))
        .containsEntry(LogSettings.APPENDER_PROPERTY, "FILE_JSON")
        .containsEntry(LogSettings.FILE_PROPERTY, "/var/log/a.log")
        .containsEntry(LogSettings.FILE_MAX_SIZE_PROPERTY, "100MB")
        .containsEntry(LogSettings.FILE_TOTAL_SIZE_PROPERTY, "1GB");

    Map<String, String> env = Map.of("CLUSTERCHAT_LOG_FILE", "", "CLUSTERCHAT_LOG_FILE_MAX_SIZE", "5MB");
    assertThat(LogSettings.resolve(fromFile, defaults(env, fromFile)))
        .containsExactly(Map.entry(LogSettings.APPENDER_PROPERTY, "STDOUT_JSON"));

    String[] withFlags = {"session-store", "--config", config.toString(), "--log-format=text", "--log-file",
        "/tmp/b.log", "--log-file-total-size", "3GB"};
    assertThat(LogSettings.resolve(withFlags, defaults(env, withFlags)))
        .containsEntry(LogSettings.APPENDER_PROPERTY, "FILE")
        .containsEntry(LogSettings.FILE_PROPERTY, "/tmp/b.log")
        .containsEntry(LogSettings.FILE_MAX_SIZE_PROPERTY, "5MB")
        .containsEntry(LogSettings.FILE_TOTAL_SIZE_PROPERTY, "3GB");
  }

  @Test
  void badValuesAreRefusedAndAreUsageErrorsOfTheLauncher() {
    assertThatThrownBy(() -> LogSettings.resolve(new String[] {"--log-format", "xml"}, defaults(Map.of())))
        .hasMessageContaining("text or json");
    assertThatThrownBy(() -> LogSettings.resolve(new String[] {"--log-file", "a.log"},
        defaults(Map.of("CLUSTERCHAT_LOG_FILE_MAX_SIZE", "lots")))).hasMessageContaining("size such as");

    StringWriter err = new StringWriter();
    assertThat(Launcher.commandLine(new String[] {"session-store", "--log-format", "xml"}, Map.of(),
        new PrintWriter(err, true))).isNull();
    assertThat(err.toString()).contains("--log-format must be text or json");
  }

  @Test
  void nodeCommandsTakeTheLogOptions() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Launcher.commandLine(NONE, Map.of(), new PrintWriter(out));
    commandLine.setOut(new PrintWriter(out));
    for (String role : List.of("gateway", "auth-node", "session-store", "persistence-node", "coordinator")) {
      out.getBuffer().setLength(0);
      assertThat(commandLine.execute(role, "--help")).isZero();
      assertThat(out.toString()).as(role)
          .contains("--log-format", "--log-file", "--log-file-max-size", "--log-file-total-size");
    }
  }

  @Test
  void jsonToAFileIsOneObjectPerLineWithTheNodeAndTheFileRollsOver() throws Exception {
    Path file = dir.resolve("logs/node.log");
    LoggerContext context = configure(Map.of(LogSettings.APPENDER_PROPERTY, "FILE_JSON",
        LogSettings.FILE_PROPERTY, file.toString(), LogSettings.FILE_MAX_SIZE_PROPERTY, "2KB"));
    context.putProperty(LogSettings.NODE_FIELD, "ss-1");
    context.putProperty(LogSettings.ROLE_FIELD, "session-store");
    Logger log = context.getLogger("io.clusterchat.test");
    log.info("first \"quoted\" line\nwith a newline");
    log.warn("failed", new IllegalStateException("boom"));
    for (int i = 0; i < 200; i++) {
      log.info("line {} {}", i, "x".repeat(100));
      Thread.sleep(1);
    }
    assertNoProblems(context);
    context.stop();

    List<JsonObject> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("rolled over at 2KB").anyMatch(name -> name.matches("node\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+(\\.gz)?"));
    }
    for (String line : Files.readAllLines(file)) {
      lines.add(new JsonObject(line));
    }
    assertThat(lines).isNotEmpty().allSatisfy(json -> {
      assertThat(json.getString("level")).isIn("INFO", "WARN");
      assertThat(json.getString("logger")).isEqualTo("io.clusterchat.test");
      assertThat(json.getString("message")).isNotNull();
      assertThat(json.getString("node")).isEqualTo("ss-1");
      assertThat(json.getString("role")).isEqualTo("session-store");
      assertThat(json.getString("@timestamp")).isNotNull();
    });
  }

  @Test
  void plainTextToAFileKeepsTheConsolePattern() throws Exception {
    Path file = dir.resolve("text.log");
    LoggerContext context = configure(Map.of(LogSettings.APPENDER_PROPERTY, "FILE",
        LogSettings.FILE_PROPERTY, file.toString()));
    context.getLogger("io.clusterchat.test").info("hello");
    assertNoProblems(context);
    context.stop();

    assertThat(Files.readString(file)).matches(
        "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  \\[[^]]+] io\\.clusterchat\\.test - hello\\R");
  }

  /**
   * A launched node with --log-format json: every line on stdout, from the first, is a JSON object with the level,
   * logger, message and node id. Run from the test classpath, with the launcher's own logback.xml.
   */
  @Test
  void aLaunchedNodeLogsJsonFromTheFirstLine() throws Exception {
    int port = freePort();
    Path mainConfig = Path.of("target/classes/logback.xml").toAbsolutePath();
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + mainConfig,
        // What the jar's manifest gives Hazelcast (Add-Opens), or it warns through java.util.logging at start.
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
        "session-store", "--node-id", "ss-json", "--cluster-name", "log-" + UUID.randomUUID(),
        "--cluster-port", String.valueOf(port), "--cluster-members", "127.0.0.1:" + port,
        "--data-dir", dir.toString(), "--log-format", "json");
    Path stdout = dir.resolve("stdout.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.readString(stdout).contains("ss-json (session-store) ready") && process.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      process.toHandle().destroy();
      assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(stdout);
    assertThat(lines).as("stdout").anyMatch(l -> l.contains("ready")).anyMatch(l -> l.contains("stopped"));
    assertThat(lines).allSatisfy(line -> {
      JsonObject json = new JsonObject(line);
      assertThat(json.getString("level")).isNotNull();
      assertThat(json.getString("logger")).isNotNull();
      assertThat(json.getString("message")).isNotNull();
      assertThat(json.getString("node")).isEqualTo("ss-json");
      assertThat(json.getString("role")).isEqualTo("session-store");
    });
  }

  private static LoggerContext configure(Map<String, String> properties) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    properties.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    URL config = Path.of("src/main/resources/logback.xml").toUri().toURL();
    configurator.doConfigure(config);
    assertNoProblems(context);
    return context;
  }

  private static void assertNoProblems(LoggerContext context) {
    List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(status -> status.getEffectiveLevel() > Status.INFO).toList();
    assertThat(problems).as("logback's warnings and errors").isEmpty();
  }

  private ConfigDefaults defaults(Map<String, String> env, String... args) {
    return ConfigDefaults.load(args, env);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
