package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.deploy.LineClient.Msg;
import io.clusterchat.deploy.TestHosts.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Several machines" section, run as written on test hosts made of network namespaces
 * ({@code deploy/testhosts.sh}): its {@code sh} blocks, each marked {@code # admin machine} (run here, in a
 * directory of its own) or {@code # host 10.0.0.k} (run on that test host, in its directory, which stands for
 * {@code /opt/clusterchat}), every logical line byte for byte. What is arranged around them: {@code clusterchat.jar}
 * in every directory, an {@code scp} that copies into a host's directory instead of going over ssh, and a
 * PostgreSQL server of its own on 10.0.0.6 ({@link HostPostgres}: trust for 10.0.0.0/24, as the README asks the
 * reader to set up).
 * Then, over real sockets through the bridge: dispatch names each region's gateway by its public address, two users
 * in two regions chat across hosts, WHO tells where they are, and the messages are in PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostIT {

  private static final int HOSTS = 8;
  private static final String DB_HOST = "10.0.0.6";
  private static final String COORDINATOR = "http://10.0.0.1:8080";
  private static final InetSocketAddress GATEWAY_BJ = new InetSocketAddress("10.0.0.7", 9001);
  private static final InetSocketAddress GATEWAY_SH = new InetSocketAddress("10.0.0.8", 9001);
  private static final String PW = "s3cret-pass";
  private static final long LINE_SECONDS = 120;
  private static final long BUSY_MINUTES = 15;
  private static final Pattern NODE_LINE = Pattern.compile(
      "-jar clusterchat\\.jar (coordinator|gateway|auth-node|session-store|persistence-node) .*--node-id (\\S+)",
      Pattern.DOTALL);
  private static final Pattern HOST_MARK = Pattern.compile("# host (10\\.0\\.0\\.[0-9]{1,3})");
  private static final String ADMIN_MARK = "# admin machine";

  private HostCluster cluster;
  private TestHosts hosts;
  private Path work;
  private Path admin;
  private HostPostgres postgres;
  /** node id -> the host it runs on, in start order. */
  private final Map<String, String> nodes = new java.util.LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void upAndRunTheReadme(@TempDir Path dir) throws Exception {
    String missing = Optional.ofNullable(TestHosts.missingPrerequisite()).orElseGet(HostPostgres::missing);
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("MultiHostIT cannot run: " + missing + " (CI=true makes this a failure)");
      }
      Assumptions.abort("MultiHostIT skipped: " + missing + " (CI=true makes this a failure)");
    }
    work = dir;
    cluster = HostCluster.up(work.resolve("hosts"), HOSTS, Duration.ofMinutes(BUSY_MINUTES));
    hosts = cluster.hosts();
    arrangeJarAndScp();
    postgres = HostPostgres.start(cluster, work, DB_HOST);
    for (Block block : readmeBlocks()) {
      hosts.checkRoutes();
      for (String line : block.lines()) {
        runLine(block.host(), line);
      }
    }
  }

  @AfterAll
  void downEvenIfATestFailed() throws Exception {
    if (cluster == null) {
      return; // never take down test hosts someone else brought up
    }
    try {
      cluster.printLogTails();
      if (postgres != null) {
        postgres.close();
      }
    } finally {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeRunsOnItsOwnHostWithATlsEventBus() throws Exception {
    assertThat(nodes).containsOnlyKeys("coordinator", "ss-1", "ss-2", "auth-1", "persistence-1", "gw-bj-1",
        "gw-sh-1");
    assertThat(nodes.values()).doesNotHaveDuplicates();
    JsonObject cluster = new JsonObject(get("/api/cluster", Files.readString(admin.resolve("admin-token")).trim()));
    Map<String, String> addresses = new TreeMap<>();
    for (Object node : cluster.getJsonArray("nodes", new JsonArray())) {
      JsonObject n = (JsonObject) node;
      addresses.put(n.getString("node"), n.getString("address"));
    }
    Map<String, String> expected = new TreeMap<>();
    nodes.forEach((id, host) -> expected.put(id, host + ":5701"));
    assertThat(addresses).isEqualTo(expected);
    for (Map.Entry<String, String> node : nodes.entrySet()) {
      assertThat(Files.readString(hosts.log(node.getValue(), node.getKey())))
          .contains("event bus TLS with client certificates");
    }
  }

  @Test
  @Order(2)
  void dispatchNamesEachRegionsGatewayByItsPublicAddress() throws Exception {
    assertThat(dispatch("bj")).isEqualTo(new JsonObject().put("region", "bj").put("node", "gw-bj-1")
        .put("host", "10.0.0.7").put("port", 9001));
    assertThat(dispatch("sh")).isEqualTo(new JsonObject().put("region", "sh").put("node", "gw-sh-1")
        .put("host", "10.0.0.8").put("port", 9001));
  }

  @Test
  @Order(3)
  void usersInTwoRegionsChatAcrossHostsIntoPostgres() throws Exception {
    hosts.checkRoutes();
    try (LineClient alice = new LineClient(GATEWAY_BJ); LineClient bob = new LineClient(GATEWAY_SH)) {
      assertThat(alice.hello()).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
      assertThat(bob.hello()).isEqualTo("HELLO clusterchat/1 sh gw-sh-1");
      assertThat(untilAnswered(alice, "REGISTER alice " + PW)).isEqualTo("OK REGISTER alice@bj");
      assertThat(untilAnswered(bob, "REGISTER bob " + PW)).isEqualTo("OK REGISTER bob@sh");
      assertThat(untilAnswered(alice, "LOGIN alice " + PW)).startsWith("OK LOGIN alice@bj ");
      assertThat(untilAnswered(bob, "LOGIN bob " + PW)).startsWith("OK LOGIN bob@sh ");

      assertThat(alice.call("SEND bob@sh hello from Beijing")).startsWith("OK SEND ");
      Msg toBob = bob.readMsg();
      assertThat(toBob.from()).isEqualTo("alice@bj");
      assertThat(toBob.text()).isEqualTo("hello from Beijing");
      assertThat(bob.call("SEND alice@bj hello from Shanghai")).startsWith("OK SEND ");
      assertThat(alice.readMsg().text()).isEqualTo("hello from Shanghai");

      assertThat(alice.call("WHO bob@sh")).isEqualTo("OK WHO bob@sh online sh");
      assertThat(bob.call("WHO alice@bj")).isEqualTo("OK WHO alice@bj online bj");
    }
    String password = Files.readString(admin.resolve("db-password")).trim();
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://" + DB_HOST + ":5432/clusterchat",
        "clusterchat", password); Statement sql = db.createStatement();
         ResultSet rows = sql.executeQuery("SELECT sender, recipient, body FROM messages ORDER BY id")) {
      List<String> stored = new ArrayList<>();
      while (rows.next()) {
        stored.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
      }
      assertThat(stored).containsExactly("alice@bj bob@sh hello from Beijing", "bob@sh alice@bj hello from Shanghai");
    }
  }

  /** The README's jar location, and scp over ssh: what a host of ours has in place of the real thing. */
  private void arrangeJarAndScp() throws IOException {
    admin = Files.createDirectories(work.resolve("admin"));
    cluster.linkJar(admin);
    Path bin = Files.createDirectories(work.resolve("bin"));
    try (var scp = MultiHostIT.class.getResourceAsStream("/multihost/scp")) {
      Files.copy(scp, bin.resolve("scp"));
    }
    Files.setPosixFilePermissions(bin.resolve("scp"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void runLine(String host, String line) throws Exception {
    Matcher node = NODE_LINE.matcher(line);
    if (host == null) {
      Map<String, String> env = new HashMap<>(hosts.environment());
      env.put("PATH", work.resolve("bin") + ":" + System.getenv("PATH"));
      expectZero(line, TestHosts.run(List.of("bash", "-c", line), admin, env, LINE_SECONDS));
    } else if (node.find()) {
      String id = node.group(2);
      nodes.put(id, host);
      long pid = cluster.startNode(host, id, id, line);
      assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command())).as("the pid recorded is the JVM's")
          .hasValueSatisfying(command -> assertThat(command).endsWith("java"));
    } else {
      // A PostgreSQL superuser on the database host: what 'sudo -u postgres' would be.
      Map<String, String> env = new HashMap<>(hosts.environment());
      env.putAll(Map.of("PGHOST", host, "PGUSER", "postgres"));
      List<String> command = List.of("bash", TestHosts.SCRIPT.toString(), "exec", host, "bash", "-c", line);
      expectZero(line, TestHosts.run(command, work, env, LINE_SECONDS));
    }
  }

  private static void expectZero(String line, Result result) {
    assertThat(result.exitCode()).as("README line\n%s\nprinted\n%s", line, result.output()).isZero();
  }

  /** The README section's sh blocks, each marked with where it runs. */
  private static List<Block> readmeBlocks() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("## Several machines");
    assertThat(start).as("the README's 'Several machines' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<Block> blocks = new ArrayList<>();
    Matcher fence = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (fence.find()) {
      blocks.add(Block.parse(fence.group(1)));
    }
    assertThat(blocks).as("sh blocks in the README's 'Several machines'").hasSizeGreaterThanOrEqualTo(HOSTS);
    return blocks;
  }

  /** One sh block: where it runs (null: the admin machine) and its logical lines (continuations joined as is). */
  record Block(String host, List<String> lines) {
    static Block parse(String text) {
      String[] raw = text.split("\n");
      String host = null;
      if (!raw[0].equals(ADMIN_MARK)) {
        Matcher mark = HOST_MARK.matcher(raw[0]);
        assertThat(mark.matches()).as("a README sh block starts '# host 10.0.0.k' or '" + ADMIN_MARK + "': " + raw[0])
            .isTrue();
        host = mark.group(1);
      }
      List<String> lines = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      for (int i = 1; i < raw.length; i++) {
        line.append(raw[i]);
        if (raw[i].endsWith("\\")) {
          line.append('\n');
        } else {
          if (!line.toString().isBlank()) {
            lines.add(line.toString());
          }
          line.setLength(0);
        }
      }
      return new Block(host, lines);
    }
  }

  private JsonObject dispatch(String region) throws Exception {
    hosts.checkRoutes();
    String body = "";
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> response = send("/api/dispatch?region=" + region, null);
      body = response.body();
      if (response.statusCode() == 200) {
        return new JsonObject(body);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no dispatch for " + region + ": " + body);
  }

  private String get(String path, String token) throws Exception {
    hosts.checkRoutes();
    HttpResponse<String> response = send(path, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> send(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(COORDINATOR + path)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Cold JVMs may answer the first requests {@code ERR 503} (nothing done): retried, as a client would. */
  private static String untilAnswered(LineClient client, String request) throws Exception {
    String reply = client.call(request);
    for (int i = 0; i < 10 && reply.startsWith("ERR 503 "); i++) {
      Thread.sleep(1000);
      reply = client.call(request);
    }
    return reply;
  }
}
