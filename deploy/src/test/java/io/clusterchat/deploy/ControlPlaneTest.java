package io.clusterchat.deploy;

import static io.clusterchat.deploy.ControlCluster.ADMIN_TOKEN;
import static io.clusterchat.deploy.ControlCluster.await;
import static io.clusterchat.deploy.ControlCluster.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.deploy.ControlCluster.Reply;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.http.HttpHardening;
import io.clusterchat.http.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator against real gateways of a real cluster: dispatch, gateway loss, the admin API and its token,
 * notice and kick. Each test has gateways (and regions) of its own, so they share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneTest {

  private static final String PW = "s3cret-pass";
  /** A crashed gateway must leave dispatch within 5 s; the margin covers the test's own polling and HTTP. */
  private static final long GATEWAY_LOSS_CEILING_MILLIS = 5_500;
  private static final int NO_PUSH_MILLIS = 500;

  private ControlCluster cluster;
  private Gateway bj1;
  private Gateway bj2;
  private Gateway sh1;
  private Gateway gz1;
  private Gateway cd1;
  private Vertx clientVertx;
  private final List<LineClient> lines = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    cluster = new ControlCluster(dataDir, new CoordinatorOptions()).start();
    bj1 = cluster.gateway("gw-bj-1", "bj");
    bj2 = cluster.gateway("gw-bj-2", "bj");
    sh1 = cluster.gateway("gw-sh-1", "sh");
    gz1 = cluster.gateway("gw-gz-1", "gz");
    cd1 = cluster.gateway("gw-cd-1", "cd");
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  void stop() throws Exception {
    for (LineClient line : lines) {
      line.close();
    }
    await(clientVertx.close());
    cluster.close();
  }

  @Test
  void dispatchPicksTheLeastLoadedGatewayOfTheRegion() throws Exception {
    for (int i = 0; i < 3; i++) {
      line(bj1);
    }
    awaitUntil("gw-bj-1's report of 3 connections",
        () -> cluster.clusterNode("gw-bj-1").getInteger("connections") >= 3);

    Reply dispatch = cluster.dispatch("bj");
    assertThat(dispatch.status()).isEqualTo(200);
    assertThat(dispatch.body()).isEqualTo(new JsonObject().put("region", "bj").put("node", "gw-bj-2")
        .put("host", "127.0.0.1").put("port", bj2.port()));

    // The client library finds its gateway the same way.
    ChatClient client = ChatClient.create(clientVertx, new ChatClientOptions().setRegion("bj")
        .setCoordinatorUrl(cluster.coordinatorUrl()));
    await(client.connect());
    assertThat(client.nodeId()).isEqualTo("gw-bj-2");
    await(client.close());
  }

  @Test
  void unknownRegionIs404AndABadOneIs400() throws Exception {
    Reply unknown = cluster.dispatch("nowhere");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().getString("error")).contains("nowhere");
    assertThat(cluster.dispatch("Bad_Region").status()).isEqualTo(400);
    assertThat(cluster.get("/api/dispatch", null).status()).isEqualTo(400);
  }

  @Test
  void regionWhoseGatewaysAllDrainIs503() throws Exception {
    // The admin API never drains the last accepting gateway of a region...
    Reply refused = cluster.post("/api/gateways/gw-gz-1/drain", ADMIN_TOKEN, null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().getString("error")).contains("only accepting gateway");
    assertThat(cluster.dispatch("gz").status()).isEqualTo(200);

    // ...but a gateway told to drain directly (an operator's script, say) leaves dispatch all the same.
    JsonObject drain = new JsonObject().put("targets", new JsonArray().add(new JsonObject()
        .put("host", "127.0.0.1").put("port", bj1.port())));
    JsonObject moved = await(cluster.coordinatorNode.vertx().eventBus().<JsonObject>request(
        GatewayService.address("gw-gz-1"), drain, new DeliveryOptions().setSendTimeout(10_000)
            .addHeader(GatewayService.ACTION, GatewayService.DRAIN))).body();
    assertThat(moved).isEqualTo(new JsonObject().put("moved", 0));
    assertThat(await(gz1.drained())).isZero();

    awaitUntil("gz draining in dispatch", () -> cluster.dispatch("gz").status() == 503);
    assertThat(cluster.dispatch("gz").body().getString("error")).contains("gz");
    assertThat(cluster.gatewayState("gw-gz-1")).isEqualTo("draining");
  }

  @Test
  void crashedGatewayLeavesDispatchWithinFiveSeconds() throws Exception {
    Reply before = cluster.dispatch("cd");
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.body().getString("node")).isEqualTo("gw-cd-1");

    cluster.crash(cluster.gatewayNode("gw-cd-1"));
    awaitUntil("gw-cd-1 out of dispatch", GATEWAY_LOSS_CEILING_MILLIS,
        () -> cluster.dispatch("cd").status() == 503);
  }

  @Test
  void everyAdminRouteNeedsTheToken() throws Exception {
    List<Function<String, Reply>> routes = List.of(
        token -> call(() -> cluster.get("/api/cluster", token)),
        token -> call(() -> cluster.post("/api/gateways/no-such-gateway/drain", token, null)),
        token -> call(() -> cluster.post("/api/notice", token, new JsonObject().put("text", "auth check")
            .put("region", "no-such-region"))),
        token -> call(() -> cluster.post("/api/users/nobody@bj/kick", token, null)));
    for (Function<String, Reply> route : routes) {
      for (String bad : new String[] {null, "wrong-token-wrong-token", ADMIN_TOKEN + "x", ""}) {
        Reply denied = route.apply(bad);
        assertThat(denied.status()).as("token " + bad).isEqualTo(401);
        assertThat(denied.body().getString("error")).isNotBlank();
      }
      assertThat(route.apply(ADMIN_TOKEN).status()).isNotEqualTo(401);
    }
    assertThat(cluster.get("/api/cluster", ADMIN_TOKEN).status()).isEqualTo(200);
    assertThat(cluster.post("/api/gateways/no-such-gateway/drain", ADMIN_TOKEN, null).status()).isEqualTo(404);
    assertThat(cluster.post("/api/notice", ADMIN_TOKEN, new JsonObject().put("text", "x")
        .put("region", "no-such-region")).status()).isEqualTo(404);
    Reply kick = cluster.post("/api/users/nobody@bj/kick", ADMIN_TOKEN, null);
    assertThat(kick.status()).isEqualTo(200);
    assertThat(kick.body().getInteger("kicked")).isZero();
    // Dispatch and health stay open: clients and load balancers carry no token.
    assertThat(cluster.get("/health", null).status()).isEqualTo(200);
  }

  /** The admin API refuses the request smuggling shape and closes the connection (RFC 9112, 6.1). */
  @Test
  void adminRequestWithBothContentLengthAndTransferEncodingIs400AndClosed() throws Exception {
    String request = RawHttp.smuggling("/api/notice").replace("Host: 127.0.0.1\r\n",
        "Host: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\n");
    RawHttp.Exchange exchange = RawHttp.send(TestClusters.HOST, cluster.coordinatorPort(), request);

    assertThat(exchange.response()).startsWith("HTTP/1.1 400 ");
    assertThat(exchange.closed()).isTrue();
    assertThat(exchange.response().split("HTTP/1.1 ", -1)).hasSize(2);
  }

  /** The dashboard cannot be framed (clickjacking of Drain), sniffed, or leak its address. */
  @Test
  void dashboardIsServedWithTheSecurityHeaders() throws Exception {
    String response = RawHttp.send(TestClusters.HOST, cluster.coordinatorPort(),
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").response();

    assertThat(response).startsWith("HTTP/1.1 200 ")
        .contains("Content-Security-Policy: " + HttpHardening.CONTENT_SECURITY_POLICY)
        .contains("X-Content-Type-Options: nosniff")
        .contains("X-Frame-Options: DENY")
        .contains("Referrer-Policy: no-referrer");
  }

  @Test
  void clusterListsEveryNodeWithItsRole() throws Exception {
    Reply reply = cluster.admin("/api/cluster");
    assertThat(reply.status()).isEqualTo(200);
    JsonObject body = reply.body();
    List<String> described = new ArrayList<>();
    body.getJsonArray("nodes").forEach(node -> {
      JsonObject n = (JsonObject) node;
      described.add(n.getString("node") + " " + n.getString("role"));
      assertThat(n.fieldNames()).contains("node", "role", "region", "address", "host", "port", "connections",
          "uptime", "state");
    });
    assertThat(described).contains("session-store-1 session-store", "persistence-1 persistence-node",
        "auth-1 auth-node", "coordinator coordinator", "gw-bj-1 gateway", "gw-bj-2 gateway", "gw-sh-1 gateway");
    JsonObject bj2Node = cluster.clusterNode("gw-bj-2");
    assertThat(bj2Node.getString("region")).isEqualTo("bj");
    assertThat(bj2Node.getString("host")).isEqualTo("127.0.0.1");
    assertThat(bj2Node.getInteger("port")).isEqualTo(bj2.port());
    assertThat(bj2Node.getString("state")).isEqualTo("accepting");
    assertThat(bj2Node.getLong("uptime")).isPositive();
    assertThat(cluster.clusterNode("auth-1").getString("state")).isEqualTo("up");
    assertThat(body.getJsonObject("regions").getJsonObject("bj").getInteger("gateways")).isEqualTo(2);
    assertThat(body.getJsonObject("rates").fieldNames()).contains("sendsPerSecond", "deliveriesPerSecond");
  }

  @Test
  void noticeToARegionReachesOnlyItsClients() throws Exception {
    LineClient inSh = line(sh1);
    LineClient inBj = line(bj1);
    Reply toSh = cluster.post("/api/notice", ADMIN_TOKEN, new JsonObject().put("text", "maintenance in sh")
        .put("region", "sh"));
    assertThat(toSh.status()).isEqualTo(200);
    assertThat(toSh.body().getJsonArray("gateways")).containsExactly("gw-sh-1");
    assertThat(inSh.read()).isEqualTo("NOTICE maintenance in sh");
    assertThat(inBj.poll(NO_PUSH_MILLIS)).isNull();

    assertThat(cluster.post("/api/notice", ADMIN_TOKEN, new JsonObject().put("text", "hello all")).status())
        .isEqualTo(200);
    assertThat(inSh.read()).isEqualTo("NOTICE hello all");
    assertThat(inBj.read()).isEqualTo("NOTICE hello all");

    assertThat(cluster.post("/api/notice", ADMIN_TOKEN, new JsonObject().put("text", "two\nlines")).status())
        .isEqualTo(400);
    assertThat(cluster.post("/api/notice", ADMIN_TOKEN, new JsonObject()).status()).isEqualTo(400);
  }

  /** A kick revokes the user's tokens: the kicked client cannot RESUME back in (issue 11, finding 7). */
  @Test
  void aKickedUserCannotResumeWithItsOldToken() throws Exception {
    LineClient client = line(sh1);
    String token = client.registerAndLogin("kyle", PW)[3];
    Reply kicked = cluster.post("/api/users/kyle@sh/kick", ADMIN_TOKEN, null);
    assertThat(kicked.body().getBoolean("tokensRevoked")).isTrue();
    assertThat(client.read()).isEqualTo("BYE kicked");

    LineClient back = line(bj1);
    assertThat(back.call("RESUME " + token)).isEqualTo("ERR 401 bad or expired token");
    String[] again = back.call("LOGIN kyle@sh " + PW).split(" ");
    assertThat(again[0] + " " + again[1]).isEqualTo("OK LOGIN");
    // The new token is good (until the next kick).
    assertThat(line(sh1).call("RESUME " + again[3])).startsWith("OK RESUME kyle@sh ");
  }

  @Test
  void kickSaysByeKickedToEverySessionOfTheUser() throws Exception {
    LineClient first = line(sh1);
    first.registerAndLogin("kenny", PW);
    LineClient second = line(bj1);
    assertThat(second.call("LOGIN kenny@sh " + PW)).startsWith("OK LOGIN ");
    LineClient bystander = line(sh1);
    bystander.registerAndLogin("stan", PW);

    Reply kicked = cluster.post("/api/users/kenny@sh/kick", ADMIN_TOKEN, null);
    assertThat(kicked.status()).isEqualTo(200);
    assertThat(kicked.body().getInteger("kicked")).isEqualTo(2);
    assertThat(first.read()).isEqualTo("BYE kicked");
    assertThat(second.read()).isEqualTo("BYE kicked");
    assertThat(bystander.poll(NO_PUSH_MILLIS)).isNull();
    assertThat(cluster.post("/api/users/not-an-address/kick", ADMIN_TOKEN, null).status()).isEqualTo(400);
  }

  private LineClient line(Gateway gateway) throws Exception {
    LineClient line = new LineClient(gateway.port());
    lines.add(line);
    return line;
  }

  private interface Call {
    Reply run() throws Exception;
  }

  private static Reply call(Call call) {
    try {
      return call.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
