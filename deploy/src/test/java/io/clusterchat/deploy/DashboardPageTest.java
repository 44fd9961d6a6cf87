package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clusterchat.testing.LinePeer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard page (the coordinator's {@code webroot}) in headless chromium against a canned {@code /api/cluster}:
 * what it shows for a given answer, and its banners when the token is refused or the coordinator fails. The
 * same page against a real cluster is {@link DashboardBrowserTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPageTest {

  private static final String TOKEN = "page-test-token";
  private static final long BUDGET_MILLIS = 3_000;

  private HeadlessChromium chromium;
  private Vertx vertx;
  private HttpServer server;
  /** What {@code /api/cluster} answers to the right token; null means HTTP 503. */
  private final AtomicReference<JsonObject> cluster = new AtomicReference<>();
  /** When set, what every poll after the first is answered. */
  private final AtomicReference<JsonObject> afterFirstPoll = new AtomicReference<>();
  private final AtomicInteger polls = new AtomicInteger();
  private final AtomicInteger pageLoads = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    chromium = HeadlessChromium.find().orElse(null);
    // Skipped where chromium is missing; in CI, where .ci/run installs it, a missing one fails the class.
    assumeTrue(LinePeer.presentUnlessCi(chromium != null, "no chromium here (apt-get install -y chromium)"),
        "no chromium here (apt-get install -y chromium); the dashboard tests are skipped");
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/api/cluster").handler(routing -> {
      JsonObject later = afterFirstPoll.get();
      JsonObject body = polls.incrementAndGet() > 1 && later != null ? later : cluster.get();
      if (!("Bearer " + TOKEN).equals(routing.request().getHeader("Authorization"))) {
        routing.response().setStatusCode(401).end();
      } else if (body == null) {
        routing.response().setStatusCode(503).end();
      } else {
        routing.response().putHeader("content-type", "application/json").end(body.encode());
      }
    });
    router.get("/").handler(routing -> {
      pageLoads.incrementAndGet();
      routing.next();
    });
    router.route("/*").handler(StaticHandler.create("webroot"));
    server = TestChatCluster.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  @BeforeEach
  void reset() {
    cluster.set(answer(3, 5));
    afterFirstPoll.set(null);
    polls.set(0);
    pageLoads.set(0);
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      TestChatCluster.await(vertx.close());
    }
  }

  @Test
  void showsEveryNodeByRoleAndEachGatewayWithItsConnections() {
    String dom = chromium.dumpDom(url("#token=" + TOKEN), BUDGET_MILLIS);

    assertThat(HeadlessChromium.bodyAttribute(dom, "data-state")).contains("live");
    for (String node : new String[] {"coordinator", "session-store-1", "gw-bj-1", "gw-bj-2", "gw-sh-1"}) {
      assertThat(HeadlessChromium.attribute(dom, "data-node", node, "data-node")).as(node).contains(node);
    }
    assertThat(HeadlessChromium.attribute(dom, "data-node", "gw-bj-1", "data-connections")).contains("3");
    assertThat(HeadlessChromium.attribute(dom, "data-node", "gw-bj-2", "data-connections")).contains("5");
    assertThat(HeadlessChromium.attribute(dom, "data-gateway", "gw-bj-2", "data-connections")).contains("5");
    assertThat(HeadlessChromium.attribute(dom, "data-node", "gw-bj-2", "data-state")).contains("draining");
    assertThat(HeadlessChromium.attribute(dom, "data-region", "bj", "data-connections")).contains("8");
    assertThat(HeadlessChromium.attribute(dom, "data-role", "auth-node", "data-role")).contains("auth-node");
    assertThat(HeadlessChromium.attribute(dom, "id", "total-connections", "data-value")).contains("15");
    assertThat(HeadlessChromium.attribute(dom, "id", "rate-sends", "data-value")).contains("2.5");
    assertThat(dom).doesNotContain(TOKEN); // moved from the fragment to sessionStorage, not left in the page
  }

  @Test
  void updatesInPlaceAsTheAnswerChanges() {
    // The first poll sees 3 connections on gw-bj-1, every later one 9.
    afterFirstPoll.set(answer(9, 5));
    String dom = chromium.dumpDom(url("#token=" + TOKEN), BUDGET_MILLIS);

    assertThat(polls.get()).as("one poll at load, then about one a second").isBetween(2, 5);
    assertThat(HeadlessChromium.attribute(dom, "data-node", "gw-bj-1", "data-connections")).contains("9");
    assertThat(HeadlessChromium.attribute(dom, "id", "total-connections", "data-value")).contains("21");
    assertThat(pageLoads.get()).as("the page itself was fetched once: no reload").isEqualTo(1);
  }

  @Test
  void refusedTokenShowsUnauthorizedAndTheTokenForm() {
    String dom = chromium.dumpDom(url("#token=wrong"), BUDGET_MILLIS);

    assertThat(HeadlessChromium.bodyAttribute(dom, "data-state")).contains("unauthorized");
    assertThat(dom).containsPattern("<div id=\"banner\"[^>]*>Unauthorized");
    assertThat(dom).containsPattern("<section id=\"login\"(?![^>]*hidden)[^>]*>");
    assertThat(polls.get()).as("no polling once refused").isEqualTo(1);
  }

  @Test
  void withoutATokenAsksForOne() {
    String dom = chromium.dumpDom(url(""), BUDGET_MILLIS);

    assertThat(HeadlessChromium.bodyAttribute(dom, "data-state")).contains("signed-out");
    assertThat(dom).containsPattern("<section id=\"login\"(?![^>]*hidden)[^>]*>");
    assertThat(polls.get()).isZero();
  }

  @Test
  void failingCoordinatorShowsDisconnected() {
    cluster.set(null);
    String dom = chromium.dumpDom(url("#token=" + TOKEN), BUDGET_MILLIS);

    assertThat(HeadlessChromium.bodyAttribute(dom, "data-state")).contains("disconnected");
    assertThat(dom).containsPattern("<div id=\"banner\"[^>]*>Disconnected from the coordinator");
    assertThat(polls.get()).as("keeps retrying").isGreaterThan(1);
  }

  @Test
  void showsTheStoreShardsByOwnerAndByShard() {
    String dom = chromium.dumpDom(url("#token=" + TOKEN), BUDGET_MILLIS);

    assertThat(HeadlessChromium.attribute(dom, "id", "store-summary", "data-shards")).contains("8");
    assertThat(HeadlessChromium.attribute(dom, "id", "store-summary", "data-owned")).contains("7");
    assertThat(HeadlessChromium.attribute(dom, "data-store-node", "persistence-1", "data-owned")).contains("0-3");
    assertThat(HeadlessChromium.attribute(dom, "data-store-node", "persistence-1", "data-count")).contains("4");
    assertThat(HeadlessChromium.attribute(dom, "data-store-node", "persistence-2", "data-owned")).contains("4-6");
    assertThat(HeadlessChromium.attribute(dom, "data-shard", "5", "data-owner")).contains("persistence-2");
    assertThat(HeadlessChromium.attribute(dom, "data-shard", "5", "data-epoch")).contains("2");
    assertThat(HeadlessChromium.attribute(dom, "data-shard", "5", "data-queue")).contains("5");
    assertThat(HeadlessChromium.attribute(dom, "data-shard", "7", "data-owner")).as("nobody's").contains("");
    assertThat(dom).contains("h2 [0-7]");
  }

  @Test
  void aDepartedPersistenceNodesShardsDisappear() {
    // The first poll sees two persistence-nodes, every later one only persistence-1.
    afterFirstPoll.set(answer(3, 5).put("store", store(false)));
    String dom = chromium.dumpDom(url("#token=" + TOKEN), BUDGET_MILLIS);

    assertThat(polls.get()).isGreaterThan(1);
    assertThat(dom).doesNotContain("data-store-node=\"persistence-2\"");
    assertThat(dom).doesNotContain("data-owner=\"persistence-2\"");
    assertThat(HeadlessChromium.attribute(dom, "data-shard", "5", "data-owner")).contains("");
    assertThat(HeadlessChromium.attribute(dom, "data-store-node", "persistence-1", "data-owned")).contains("0-3");
    assertThat(HeadlessChromium.attribute(dom, "id", "store-summary", "data-owned")).contains("4");
  }

  private String url(String fragment) {
    return "http://127.0.0.1:" + server.actualPort() + "/" + fragment;
  }

  /** A cluster of six nodes: gw-bj-1 (accepting), gw-bj-2 (draining), gw-sh-1 (7 connections). */
  private static JsonObject answer(int bj1, int bj2) {
    JsonArray nodes = new JsonArray()
        .add(node("coordinator", "coordinator", null, null, "up"))
        .add(node("session-store-1", "session-store", null, null, "up"))
        .add(node("auth-1", "auth-node", null, null, "up"))
        .add(node("gw-bj-1", "gateway", "bj", bj1, "accepting"))
        .add(node("gw-bj-2", "gateway", "bj", bj2, "draining"))
        .add(node("gw-sh-1", "gateway", "sh", 7, "accepting"));
    return new JsonObject()
        .put("nodes", nodes)
        .put("regions", new JsonObject()
            .put("bj", new JsonObject().put("gateways", 2).put("connections", bj1 + bj2))
            .put("sh", new JsonObject().put("gateways", 1).put("connections", 7)))
        .put("rates", new JsonObject().put("sendsPerSecond", 2.5).put("deliveriesPerSecond", 2.0))
        .put("store", store(true));
  }

  /**
   * A store of 8 shards as the coordinator shows it: persistence-1 owns 0-3 at epoch 1, persistence-2 (if
   * {@code both}) 4-6 at epoch 2; shard 7 has no owner. Shard s has queue s.
   */
  private static JsonObject store(boolean both) {
    JsonArray nodes = new JsonArray().add(storeNode("persistence-1", "0-3", 4));
    JsonArray table = new JsonArray();
    for (int shard = 0; shard < 8; shard++) {
      String owner = shard < 4 ? "persistence-1" : shard < 7 && both ? "persistence-2" : null;
      table.add(owner == null ? new JsonObject().put("shard", shard).putNull("node").putNull("epoch")
          : new JsonObject().put("shard", shard).put("node", owner).put("epoch", shard < 4 ? 1 : 2)
          .put("queue", shard).put("commits", 10).put("commitMillisMean", 1.25).put("commitMillisMax", 3.5));
    }
    if (both) {
      nodes.add(storeNode("persistence-2", "4-6", 3));
    }
    return new JsonObject().put("shards", 8).put("nodes", nodes).put("table", table);
  }

  private static JsonObject storeNode(String id, String owned, int count) {
    return new JsonObject().put("node", id).put("member", id + "-uuid").put("owned", owned).put("count", count)
        .put("queue", 0).put("databases", new JsonArray().add("h2 [0-7]"));
  }

  private static JsonObject node(String id, String role, String region, Integer connections, String state) {
    boolean gateway = "gateway".equals(role);
    return new JsonObject().put("node", id).put("role", role).put("region", region).put("address", "127.0.0.1:5701")
        .put("host", gateway ? "127.0.0.1" : null).put("port", gateway ? 9001 : null)
        .put("connections", connections).put("uptime", 65_000).put("state", state);
  }
}
