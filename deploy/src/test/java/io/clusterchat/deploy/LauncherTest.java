package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.auth.TokenKey;
import io.clusterchat.cluster.ClusterJoin;
import io.clusterchat.cluster.ClusterOptions;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.gateway.GatewayOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command line: precedence of config sources and exit codes. No node is started here. */
class LauncherTest {

  private static final int USAGE = 2;

  @TempDir
  Path dir;

  private final StringWriter errors = new StringWriter();

  @Test
  void helpListsEveryRole() {
    CommandLine commandLine = Launcher.commandLine(new String[] {"--help"}, Map.of(), err());
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    assertThat(commandLine.execute("--help")).isZero();
    assertThat(out.toString()).contains("gateway", "auth-node", "session-store", "persistence-node", "coordinator");
  }

  @Test
  void gatewayHelpExplainsEachOption() {
    CommandLine commandLine = Launcher.commandLine(new String[0], Map.of(), err());
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    assertThat(commandLine.execute("gateway", "--help")).isZero();
    assertThat(out.toString()).contains("--region", "--cluster-members", "--cluster-host", "--data-dir",
        "--config", "--idle-timeout", "--rate-limit", "--echo-port");
  }

  @Test
  void badFlagValueIsAUsageError() {
    assertThat(execute(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj", "--port", "nope"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("--port").contains("nope");
  }

  @Test
  void valueOutOfRangeIsAUsageErrorWithTheReason() {
    assertThat(execute(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj", "--max-line", "5"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("max line must be in");
  }

  @Test
  void missingRegionIsAUsageError() {
    assertThat(execute(Map.of(), "gateway", "--node-id", "gw-1")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("--region is required");
  }

  @Test
  void badClusterValueIsAUsageError() {
    assertThat(execute(Map.of(), "session-store", "--node-id", "s-1", "--cluster-host", "0.0.0.0")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("cluster host");
  }

  @Test
  void authNodeWithoutTokenSecretIsAUsageError() {
    assertThat(execute(Map.of(), "auth-node", "--node-id", "a-1")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("--token-secret");
  }

  @Test
  void shortTokenSecretIsAUsageError() {
    assertThat(execute(Map.of("CLUSTERCHAT_TOKEN_SECRET", "short"), "auth-node", "--node-id", "a-1"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("32").doesNotContain("short");
  }

  private static final String SECRET_A = "first secret: 0123456789abcdef0123456789";
  private static final String SECRET_B = "second secret: 0123456789abcdef0123456789";

  @Test
  void tokenKeysComeFromTheEnvironmentOrTheConfigFileTheFirstSigning() throws Exception {
    Map<String, String> env = Map.of("CLUSTERCHAT_TOKEN_KEYS", "2026-12=" + SECRET_A + ",2026-06=" + SECRET_B);
    assertThat(parseAuth(env, "auth-node", "--node-id", "a-1").authOptions().getTokenKeys())
        .containsExactly(new TokenKey("2026-12", SECRET_A), new TokenKey("2026-06", SECRET_B));

    Path config = config("token-keys = k1=" + SECRET_B + "\n");
    assertThat(parseAuth(Map.of(), "auth-node", "--node-id", "a-1", "--config", config.toString()).authOptions()
        .getTokenKeys()).containsExactly(new TokenKey("k1", SECRET_B));
  }

  @Test
  void theTokenSecretIsStillOneKeyNamedDefault() {
    assertThat(parseAuth(Map.of("CLUSTERCHAT_TOKEN_SECRET", SECRET_A), "auth-node", "--node-id", "a-1")
        .authOptions().getTokenKeys()).containsExactly(new TokenKey("default", SECRET_A));
  }

  @Test
  void tokenKeysAndATokenSecretTogetherAreAUsageError() {
    assertThat(execute(Map.of("CLUSTERCHAT_TOKEN_SECRET", SECRET_A), "auth-node", "--node-id", "a-1",
        "--token-keys", "k1=" + SECRET_B)).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("not both").doesNotContain(SECRET_A, SECRET_B);
  }

  @Test
  void badTokenKeysAreUsageErrorsThatNeverShowASecret() {
    assertThat(execute(Map.of("CLUSTERCHAT_TOKEN_KEYS", "k1=" + SECRET_A + ",k1=" + SECRET_B), "auth-node",
        "--node-id", "a-1")).isEqualTo(USAGE);
    assertThat(execute(Map.of("CLUSTERCHAT_TOKEN_KEYS", "k2=short one,k1=" + SECRET_B), "auth-node",
        "--node-id", "a-1")).isEqualTo(USAGE);
    assertThat(execute(Map.of("CLUSTERCHAT_TOKEN_KEYS", "bad id=" + SECRET_A), "auth-node",
        "--node-id", "a-1")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("token key id 'k1' is given twice",
            "token secret of key 'k2' must be at least 32 characters, was 9", "token key id must match")
        .doesNotContain(SECRET_A, SECRET_B, "short one");
  }

  @Test
  void badEnvironmentValueIsAUsageError() {
    assertThat(execute(Map.of("CLUSTERCHAT_IDLE_TIMEOUT", "soon"), "gateway", "--node-id", "gw-1", "--region", "bj"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("soon");
  }

  @Test
  void unknownConfigKeyIsAUsageError() throws Exception {
    Path config = config("regoin = bj\n");

    assertThat(execute(Map.of(), "gateway", "--node-id", "gw-1", "--config", config.toString())).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("unknown key").contains("regoin");
  }

  @Test
  void unreadableConfigFileIsAUsageError() {
    assertThat(execute(Map.of(), "gateway", "--config", dir.resolve("missing.properties").toString()))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("cannot read config file");
  }

  @Test
  void flagsBeatEnvironmentBeatsConfigFileBeatsDefaults() throws Exception {
    Path config = config("port = 7001\nmax-line = 1000\nregion = bj\nidle-timeout = 30s\n"
        + "cluster-members = 10.0.0.1:5701,10.0.0.2:5701\n");
    Map<String, String> env = Map.of("CLUSTERCHAT_PORT", "7002", "CLUSTERCHAT_REGION", "sh");

    GatewayCommand fromFileAndEnv = parse(env, "gateway", "--node-id", "gw-1", "--config", config.toString());
    GatewayOptions options = fromFileAndEnv.gatewayOptions();
    assertThat(options.getPort()).isEqualTo(7002);
    assertThat(options.getRegion()).isEqualTo("sh");
    assertThat(options.getMaxLine()).isEqualTo(1000);
    assertThat(options.getIdleTimeoutMillis()).isEqualTo(30_000);
    assertThat(options.getRateLimit()).isEqualTo(GatewayOptions.DEFAULT_RATE_LIMIT);
    assertThat(fromFileAndEnv.cluster.members).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");

    GatewayCommand withFlags = parse(env, "gateway", "--node-id", "gw-1", "--config", config.toString(),
        "--port", "7003", "--region", "gz");
    assertThat(withFlags.gatewayOptions().getPort()).isEqualTo(7003);
    assertThat(withFlags.gatewayOptions().getRegion()).isEqualTo("gz");
  }

  /** {@code --ws-origins} (config key {@code ws-origins}): any origin by default, a comma-separated list, checked. */
  @Test
  void webSocketOriginsFromFlagsOrConfigFile() throws Exception {
    GatewayCommand byDefault = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj");
    assertThat(byDefault.gatewayOptions().getWsOrigins()).containsExactly(GatewayOptions.ANY_ORIGIN);

    Path config = config("ws-origins = http://127.0.0.1:24080,http://localhost:24080\n");
    GatewayCommand fromFile = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj", "--config",
        config.toString());
    assertThat(fromFile.gatewayOptions().getWsOrigins())
        .containsExactly("http://127.0.0.1:24080", "http://localhost:24080");

    GatewayCommand byFlag = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj", "--config",
        config.toString(), "--ws-origins", "https://chat.example.com");
    assertThat(byFlag.gatewayOptions().getWsOrigins()).containsExactly("https://chat.example.com");

    assertThat(execute(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj", "--ws-origins",
        "http://127.0.0.1:24080/chat")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("without a path");
  }

  /** Metrics and health bind the node's host unless told otherwise (issue 11, finding 6: they bound 0.0.0.0). */
  @Test
  void metricsListenOnTheNodesHostUnlessToldOtherwise() {
    GatewayCommand onClusterHost = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj",
        "--cluster-host", "127.0.0.2", "--metrics-port", "9100");
    assertThat(onClusterHost.cluster.toOptions(NodeRole.GATEWAY, "bj").getMetrics().getHost()).isEqualTo("127.0.0.2");

    GatewayCommand onItsOwn = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj",
        "--cluster-host", "127.0.0.2", "--metrics-host", "0.0.0.0", "--metrics-port", "9100");
    assertThat(onItsOwn.cluster.toOptions(NodeRole.GATEWAY, "bj").getMetrics().getHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void clusterJoinIsTcpOrKubernetesFromFlagsOrEnvironment() {
    GatewayCommand tcp = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj");
    assertThat(tcp.cluster.toOptions(NodeRole.GATEWAY, "bj").getJoin()).isEqualTo(ClusterJoin.TCP);

    Map<String, String> env = Map.of("CLUSTERCHAT_CLUSTER_JOIN", "kubernetes",
        "CLUSTERCHAT_KUBERNETES_SERVICE_DNS", "clusterchat-cluster.chat.svc.cluster.local");
    ClusterOptions kubernetes = parse(env, "gateway", "--node-id", "gw-1", "--region", "bj").cluster
        .toOptions(NodeRole.GATEWAY, "bj");
    assertThat(kubernetes.getJoin()).isEqualTo(ClusterJoin.KUBERNETES);
    assertThat(kubernetes.getKubernetesServiceDns()).isEqualTo("clusterchat-cluster.chat.svc.cluster.local");

    assertThat(execute(Map.of(), "session-store", "--node-id", "s-1", "--cluster-join", "kubernetes"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("headless Service");
    assertThat(execute(Map.of(), "session-store", "--node-id", "s-1", "--cluster-join", "multicast"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("tcp or kubernetes");
  }

  @Test
  void configFileComesFromTheEnvironmentToo() throws Exception {
    Path config = config("region = bj\nnode-id = gw-9\n");

    GatewayCommand command = parse(Map.of("CLUSTERCHAT_CONFIG", config.toString()), "gateway");
    assertThat(command.gatewayOptions().getNodeId()).isEqualTo("gw-9");
    assertThat(command.gatewayOptions().getRegion()).isEqualTo("bj");
  }

  @Test
  void busTlsFlagsComeFromFlagsEnvironmentAndConfigFile() throws Exception {
    Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
    Path key = Files.writeString(dir.resolve("node-key.pem"), "key");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    Path config = config("bus-tls-ca = " + ca + "\n");

    GatewayCommand command = parse(Map.of("CLUSTERCHAT_BUS_TLS_CERT", cert.toString()), "gateway", "--node-id",
        "gw-1", "--region", "bj", "--config", config.toString(), "--bus-tls-key", key.toString());
    ClusterOptions options = command.cluster.toOptions(NodeRole.GATEWAY, "bj");
    assertThat(options.isBusTls()).isTrue();
    assertThat(options.getBusTlsCert()).isEqualTo(cert.toString());
    assertThat(options.getBusTlsKey()).isEqualTo(key.toString());
    assertThat(options.getBusTlsCa()).isEqualTo(ca.toString());

    GatewayCommand plain = parse(Map.of(), "gateway", "--node-id", "gw-1", "--region", "bj");
    assertThat(plain.cluster.toOptions(NodeRole.GATEWAY, "bj").isBusTls()).isFalse();
  }

  @Test
  void halfABusTlsSetupOrAMissingFileIsAUsageError() throws Exception {
    Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
    assertThat(execute(Map.of(), "session-store", "--node-id", "s-1", "--bus-tls-cert", cert.toString()))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("all three");

    assertThat(execute(Map.of(), "session-store", "--node-id", "s-1", "--bus-tls-ca",
        dir.resolve("nope.pem").toString())).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("event bus TLS CA").contains("not a readable file");
  }

  @Test
  void certsMakesACaOnceAndNodeCertificatesWithTheirHosts() throws Exception {
    Path certs = dir.resolve("bus-tls");
    assertThat(execute(Map.of(), "certs", "--dir", certs.toString(), "--name", "node3", "--host", "10.0.0.3",
        "--host", "node3.example")).isZero();
    byte[] firstCa = Files.readAllBytes(certs.resolve("ca.pem"));
    assertThat(execute(Map.of(), "certs", "--dir", certs.toString(), "--name", "node4", "--host", "10.0.0.4"))
        .isZero();
    assertThat(certs.resolve("ca.pem")).hasBinaryContent(firstCa);

    X509Certificate ca = read(certs.resolve("ca.pem"));
    X509Certificate node3 = read(certs.resolve("node3.pem"));
    node3.verify(ca.getPublicKey());
    read(certs.resolve("node4.pem")).verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isNotNegative();
    assertThat(node3.getBasicConstraints()).isEqualTo(-1);
    assertThat(node3.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(7, "10.0.0.3"), List.of(2, "node3.example"));
    // serverAuth and clientAuth: an event-bus connection is both.
    assertThat(node3.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(Files.readString(certs.resolve("node3-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    for (String key : List.of("ca-key.pem", "node3-key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))))
          .isEqualTo("rw-------");
    }

    // The same name again would overwrite a key in use: refused.
    assertThat(execute(Map.of(), "certs", "--dir", certs.toString(), "--name", "node3", "--host", "10.0.0.3"))
        .isEqualTo(USAGE);
    assertThat(errors.toString()).contains("exists already");
  }

  private static X509Certificate read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private int execute(Map<String, String> env, String... args) {
    CommandLine commandLine = Launcher.commandLine(args, env, err());
    return commandLine == null ? USAGE : commandLine.execute(args);
  }

  private GatewayCommand parse(Map<String, String> env, String... args) {
    CommandLine commandLine = Launcher.commandLine(args, env, err());
    ParseResult result = commandLine.parseArgs(args);
    return (GatewayCommand) result.subcommand().commandSpec().userObject();
  }

  private AuthNodeCommand parseAuth(Map<String, String> env, String... args) {
    CommandLine commandLine = Launcher.commandLine(args, env, err());
    return (AuthNodeCommand) commandLine.parseArgs(args).subcommand().commandSpec().userObject();
  }

  private Path config(String text) throws Exception {
    Path file = dir.resolve("clusterchat.properties");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private PrintWriter err() {
    return new PrintWriter(errors, true);
  }
}
