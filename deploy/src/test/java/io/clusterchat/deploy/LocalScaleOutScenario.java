package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.deploy.LineClient.Msg;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Issue 5's promise on the local cluster, over HTTP and raw sockets as an operator and clients would: a second bj
 * gateway, clients spread by dispatch, a drain that moves them with nothing lost, a third gateway that starts
 * receiving clients, and /metrics of every node.
 */
final class LocalScaleOutScenario {

  private static final String PW = "s3cret-pass";
  private static final int USERS = 4;
  private static final int REPORT_WAIT_MILLIS = 2_500;
  private static final int POLLS = 60;
  private static final int POLL_MILLIS = 500;

  private final LocalClusterScenario cluster;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  LocalScaleOutScenario(LocalClusterScenario cluster) {
    this.cluster = cluster;
  }

  void run() throws Exception {
    LocalClusterScenario.Result added = cluster.script("add-gateway", "bj");
    assertThat(added.exitCode()).as(added.output()).isZero();
    assertThat(added.output()).contains("gw-bj-2");
    cluster.recordPids();
    Thread.sleep(REPORT_WAIT_MILLIS);

    // Clients spread across both bj gateways by dispatch.
    List<LineClient> clients = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    Set<String> nodes = new HashSet<>();
    for (int i = 1; i <= USERS; i++) {
      JsonObject target = dispatch("bj");
      nodes.add(target.getString("node"));
      // Each from an address of its own: the local cluster keeps the auth-node's register limit per address.
      LineClient client = new LineClient(target.getInteger("port"), "127.0.2." + i);
      clients.add(client);
      tokens.add(client.registerAndLogin("scale" + i, PW)[3]);
    }
    assertThat(nodes).containsExactlyInAnyOrder("gw-bj-1", "gw-bj-2");
    Thread.sleep(REPORT_WAIT_MILLIS);

    // Drain gw-bj-1 while they chat: its clients are told to reconnect to gw-bj-2, resume and sync.
    assertThat(clients.get(0).call("SEND scale2 before the drain")).startsWith("OK SEND ");
    HttpResponse<String> drain = admin("POST", "/api/gateways/gw-bj-1/drain");
    assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
    int gwBj2 = -1;
    for (int i = 0; i < USERS; i++) {
      LineClient client = clients.get(i);
      String line = client.poll(15_000);
      while (line != null && line.startsWith("MSG ")) {
        line = client.poll(15_000);
      }
      if (line != null && line.startsWith("RECONNECT ")) {
        gwBj2 = Integer.parseInt(line.split(" ")[2]);
        assertThat(client.read()).isEqualTo("BYE drain");
        client.close();
        LineClient moved = new LineClient(gwBj2);
        assertThat(moved.hello()).isEqualTo("HELLO clusterchat/1 bj gw-bj-2");
        assertThat(moved.call("RESUME " + tokens.get(i))).startsWith("OK RESUME scale" + (i + 1) + "@bj ");
        clients.set(i, moved);
      }
    }
    assertThat(gwBj2).as("some client was on gw-bj-1 and moved").isPositive();
    assertThat(clients.get(2).call("SEND scale2 after the drain")).startsWith("OK SEND ");
    LineClient receiver = clients.get(1);
    receiver.send("SYNC 0");
    // The live push of the last message may come before, among or after SYNC's items: like any client, count each
    // inbox seq once. Two distinct seqs with the two texts: nothing lost, nothing stored twice.
    Map<Long, String> bySeq = new TreeMap<>();
    for (String line = receiver.read(); !line.startsWith("OK SYNC"); line = receiver.read()) {
      Msg msg = Msg.parse(line);
      String earlier = bySeq.putIfAbsent(msg.seq(), msg.text());
      assertThat(earlier == null || earlier.equals(msg.text())).as("seq %d is one message", msg.seq()).isTrue();
    }
    assertThat(bySeq.values()).containsExactly("before the drain", "after the drain");
    assertThat(waitForStatus("gw-bj-1", "stopped")).as("a drained gateway exits").isTrue();

    // A third gateway starts receiving clients as soon as it reports.
    LocalClusterScenario.Result third = cluster.script("add-gateway", "bj");
    assertThat(third.exitCode()).as(third.output()).isZero();
    cluster.recordPids();
    String dispatched = "";
    for (int i = 0; i < POLLS && !"gw-bj-3".equals(dispatched); i++) {
      Thread.sleep(POLL_MILLIS);
      dispatched = dispatch("bj").getString("node");
    }
    assertThat(dispatched).isEqualTo("gw-bj-3");

    // Every node's /metrics scrapes cleanly: gw-bj-1 is gone; the gateways added later use 9106 and 9107.
    for (int port : new int[] {9100, 9101, 9102, 9103, 9105, 9106, 9107}) {
      HttpResponse<String> metrics = get("http://127.0.0.1:" + (port + cluster.portOffset()) + "/metrics");
      assertThat(metrics.statusCode()).as("metrics on " + port).isEqualTo(200);
      for (String line : metrics.body().split("\n")) {
        assertThat(line).as("a Prometheus line on " + port).matches("#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? \\S+|");
      }
      assertThat(metrics.body()).contains("vertx_");
    }
    for (LineClient client : clients) {
      client.close();
    }
  }

  private boolean waitForStatus(String node, String state) throws Exception {
    for (int i = 0; i < POLLS; i++) {
      String status = cluster.script("status").output();
      if (status.lines().anyMatch(line -> line.startsWith(node + " ") && line.endsWith(state))) {
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return false;
  }

  private JsonObject dispatch(String region) throws Exception {
    HttpResponse<String> response = get(coordinator() + "/api/dispatch?region=" + region);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    String token = Files.readString(cluster.home.resolve(Path.of("data", "admin-token"))).trim();
    HttpRequest request = HttpRequest.newBuilder(URI.create(coordinator() + path))
        .header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String coordinator() {
    return "http://127.0.0.1:" + (8080 + cluster.portOffset());
  }
}
