package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.gateway.GatewayOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * deploy/systemd: every unit passes {@code systemd-analyze verify} without a word, keeps the settings a node needs
 * (dedicated user, secrets from an EnvironmentFile, hardening, a stop timeout past the node's own), and every example
 * config is one the launcher takes.
 */
class SystemdUnitsTest {

  private static final Path UNITS = Path.of("systemd");
  private static final Path EXAMPLES = UNITS.resolve("examples");
  private static final List<String> ROLES = List.of("coordinator", "session-store", "auth-node", "persistence-node",
      "gateway");
  /** NodeRunner's time to leave the cluster, on top of the role's grace. */
  private static final long LEAVE_SECONDS = 15;
  private static final long GATEWAY_GRACE_SECONDS = 5;
  private static final String TLS_DIR = "/etc/clusterchat/tls/";
  private static final int TLS_PORT = 9443;
  private static final int WS_PORT = 9091;

  @TempDir
  Path dir;

  @Test
  void everyUnitPassesSystemdAnalyzeVerifyWithoutWarnings() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      assertThat(System.getenv("CI")).as("systemd-analyze must be installed in CI (.ci/run installs systemd)")
          .isNotEqualTo("true");
      Assumptions.abort("systemd-analyze is not installed (apt-get install systemd): units not verified");
    }
    // The units name /usr/bin/java; verify checks that ExecStart's program exists, so point it at this JVM's.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (Path unit : units()) {
      Files.writeString(dir.resolve(unit.getFileName()),
          Files.readString(unit).replace("/usr/bin/java ", java + " "));
    }
    for (Path unit : units()) {
      String instance = unit.getFileName().toString().replace("@.service", "@node-1.service");
      Process process = new ProcessBuilder(analyze.toString(), "verify", "--man=no", dir.resolve(instance).toString())
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output).as(instance).isEmpty();
      assertThat(process.exitValue()).as(instance).isZero();
    }
  }

  @Test
  void oneTemplatePerRoleRunningTheLauncherAsItsOwnUserHardened() throws Exception {
    assertThat(units()).hasSize(ROLES.size());
    for (String role : ROLES) {
      String unit = Files.readString(UNITS.resolve("clusterchat-" + role + "@.service"));
      assertThat(unit).as(role)
          .containsPattern("(?m)^ExecStart=/usr/bin/java \\$JAVA_HEAP .*-jar /opt/clusterchat/clusterchat.jar "
              + Pattern.quote(role) + " --config /etc/clusterchat/%i.properties$")
          .containsPattern("(?m)^Environment=\"JAVA_HEAP=-Xms\\d+[mg] -Xmx\\d+[mg]\"$")
          .contains("\nUser=clusterchat\n", "\nRestart=on-failure\n", "\nSuccessExitStatus=143\n",
              "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n", "\nProtectHome=yes\n", "\nPrivateTmp=yes\n",
              "\nStateDirectory=clusterchat/%i\n", "\nWorkingDirectory=/var/lib/clusterchat/%i\n",
              "\nEnvironment=CLUSTERCHAT_NODE_ID=%i\n")
          .doesNotContainPattern("(?m)^MemoryDenyWriteExecute=");
      long grace = role.equals("gateway") ? GATEWAY_GRACE_SECONDS : 0;
      assertThat(seconds(unit, "TimeoutStopSec")).as(role + " stop timeout").isGreaterThan(grace + LEAVE_SECONDS);
      String secrets = switch (role) {
        case "coordinator" -> "coordinator.env";
        case "auth-node" -> "auth-node.env";
        case "persistence-node" -> "persistence-node.env";
        default -> null;
      };
      if (secrets != null) {
        assertThat(unit).contains("\nEnvironmentFile=/etc/clusterchat/" + secrets + "\n");
        assertThat(EXAMPLES.resolve(secrets + ".example")).exists();
      } else {
        assertThat(unit).doesNotContain("EnvironmentFile=");
      }
    }
    assertThat(Files.readString(UNITS.resolve("clusterchat-gateway@.service"))).contains("\nLimitNOFILE=1048576\n");
  }

  @Test
  void everyExampleConfigIsOneTheLauncherTakes() throws Exception {
    for (String role : ROLES) {
      Path config = EXAMPLES.resolve(role + ".properties");
      String[] args = {role, "--config", config.toString()};
      StringWriter err = new StringWriter();
      CommandLine commandLine = Launcher.commandLine(args, Map.of("CLUSTERCHAT_NODE_ID", "node-1"),
          new PrintWriter(err, true));
      assertThat(commandLine).as(role + ": " + err).isNotNull();
      Object command = commandLine.parseArgs(args).subcommand().commandSpec().userObject();
      ClusterMixin cluster = (ClusterMixin) command.getClass().getDeclaredField("cluster").get(command);
      assertThat(cluster.nodeId).isEqualTo("node-1");
      assertThat(cluster.host).as(role).startsWith("10.0.0.");
      if (command instanceof GatewayCommand gateway) {
        assertThat(gateway.publicHost).isEqualTo("203.0.113.5");
      }
    }
  }

  /**
   * The gateway example offers TLS on 9443 and wss on 9091 with the certificate and key from /etc/clusterchat/tls/;
   * the launcher takes it once those files exist (here in a temporary directory instead).
   */
  @Test
  void theGatewayExampleOffersTlsAndWebSocketFromPemFiles() throws Exception {
    String example = Files.readString(EXAMPLES.resolve("gateway.properties"));
    assertThat(example).contains("\ntls-cert = " + TLS_DIR + "gateway.pem\n",
        "\ntls-key = " + TLS_DIR + "gateway-key.pem\n");
    for (String file : List.of("gateway.pem", "gateway-key.pem")) {
      Files.writeString(dir.resolve(file), "");
    }
    Path config = dir.resolve("gateway.properties");
    Files.writeString(config, example.replace(TLS_DIR, dir + "/"));
    String[] args = {"gateway", "--config", config.toString()};
    CommandLine commandLine = Launcher.commandLine(args, Map.of("CLUSTERCHAT_NODE_ID", "gw-bj-1"),
        new PrintWriter(new StringWriter(), true));
    GatewayOptions options = ((GatewayCommand) commandLine.parseArgs(args).subcommand().commandSpec().userObject())
        .gatewayOptions();
    assertThat(options.getPublicHost()).isEqualTo("203.0.113.5");
    assertThat(options.getTlsPort()).isEqualTo(TLS_PORT);
    assertThat(options.getWsPort()).isEqualTo(WS_PORT);
    assertThat(options.isWsTls()).isTrue();
    assertThat(options.getTlsCert()).isEqualTo(dir.resolve("gateway.pem").toString());
    assertThat(options.getTlsKey()).isEqualTo(dir.resolve("gateway-key.pem").toString());
    assertThat(options.getWebSocketUrl(options.getWsPort())).isEqualTo("wss://203.0.113.5:9091/ws");
  }

  @Test
  void theSecretFilesNameOptionsTheNodesKnow() throws Exception {
    CommandLine commandLine = Launcher.commandLine(new String[0], Map.of(), new PrintWriter(new StringWriter()));
    List<String> known = new ArrayList<>();
    commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().options()
        .forEach(option -> known.add(option.longestName().substring(2))));
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".env.example")).toList()) {
        Properties env = new Properties();
        env.load(Files.newBufferedReader(file));
        assertThat(env.stringPropertyNames()).as(file.toString()).isNotEmpty().allSatisfy(name -> assertThat(
            name.replaceFirst("^CLUSTERCHAT_", "").toLowerCase(java.util.Locale.ROOT).replace('_', '-')).isIn(known));
      }
    }
  }

  private static List<Path> units() throws Exception {
    try (Stream<Path> files = Files.list(UNITS)) {
      return files.filter(f -> f.toString().endsWith(".service")).sorted().toList();
    }
  }

  private static long seconds(String unit, String key) {
    Matcher matcher = Pattern.compile("(?m)^" + key + "=(\\d+)s$").matcher(unit);
    assertThat(matcher.find()).as(key).isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
