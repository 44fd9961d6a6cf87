package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.deploy.LineClient.Msg;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts, sessions, cross-gateway chat and the durable inbox, through real sockets to gateways of a real
 * cluster (every role, one JVM). Each test uses its own user names, so they share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatClusterTest {

  private static final String PW = "s3cret-pass";
  private static final int NO_PUSH_MILLIS = 500;
  private static final AtomicInteger USERS = new AtomicInteger();

  private TestChatCluster cluster;
  private final List<LineClient> clients = new ArrayList<>();

  @BeforeAll
  void startCluster(@TempDir Path dataDir) throws Exception {
    cluster = new TestChatCluster(dataDir).start();
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (LineClient client : clients) {
      client.close();
    }
    cluster.close();
  }

  @Test
  void usersOfTwoRegionsChatAcrossGateways() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    LineClient a = bj();
    LineClient b = sh();
    assertThat(a.hello()).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
    String[] login = a.registerAndLogin(alice, PW);
    assertThat(login).hasSize(6);
    assertThat(login[2]).isEqualTo(alice + "@bj");
    assertThat(login[4]).isEqualTo("0");
    assertThat(login[5]).isEqualTo("0");
    b.registerAndLogin(bob, PW);

    String[] sent = a.call("SEND " + bob + "@sh hello from  bj").split(" ");
    assertThat(sent[0] + " " + sent[1]).isEqualTo("OK SEND");
    Msg got = b.readMsg();
    assertThat(got).isEqualTo(new Msg(1, sent[2], alice + "@bj", bob + "@sh", Long.parseLong(sent[3]),
        "hello from  bj"));

    assertThat(b.call("SEND " + alice + "@BJ hi back")).startsWith("OK SEND ");
    Msg back = a.readMsg();
    assertThat(back.seq()).isEqualTo(1);
    assertThat(back.from()).isEqualTo(bob + "@sh");
    assertThat(back.text()).isEqualTo("hi back");
  }

  /**
   * The gateway and the auth-node count a password's length the same way, in code points: 8 emoji (16 UTF-16
   * units) register and log in; 4 emoji (8 UTF-16 units, 4 characters) are refused by the gateway itself.
   */
  @Test
  void passwordLengthIsCountedInCodePointsAtTheGatewayAndTheAuthNode() throws Exception {
    String emoji = "\uD83D\uDE00";
    String erin = user("erin");
    LineClient e = bj();
    assertThat(e.call("REGISTER " + erin + " " + emoji.repeat(4)))
        .isEqualTo("ERR 400 password must be 8 to 128 characters");
    assertThat(e.call("REGISTER " + erin + " " + emoji.repeat(129)))
        .isEqualTo("ERR 400 password must be 8 to 128 characters");
    String[] login = e.registerAndLogin(erin, emoji.repeat(8));
    assertThat(login[2]).isEqualTo(erin + "@bj");
    String fred = user("fred");
    sh().registerAndLogin(fred, emoji.repeat(128));
  }

  /**
   * Password hashes never reach a gateway (issue 11, finding 10): WHO of an offline user and HISTORY with nobody
   * ask whether the account exists, not for the account.
   */
  @Test
  void noPasswordHashReachesAGateway() throws Exception {
    String gina = user("gina");
    String hank = user("hank");
    LineClient g = bj();
    g.registerAndLogin(gina, PW);
    assertThat(g.call("REGISTER " + hank + " " + PW)).startsWith("OK REGISTER ");
    List<String> asked = new CopyOnWriteArrayList<>();
    List<String> received = new CopyOnWriteArrayList<>();
    EventBus bus = cluster.gatewayBj.vertx().eventBus();
    Handler<DeliveryContext<Object>> outbound = context -> {
      asked.add(context.message().address());
      context.next();
    };
    Handler<DeliveryContext<Object>> inbound = context -> {
      received.add(String.valueOf(context.message().body()));
      context.next();
    };
    bus.addOutboundInterceptor(outbound).addInboundInterceptor(inbound);
    try {
      assertThat(g.call("WHO " + hank)).isEqualTo("OK WHO " + hank + "@bj offline");
      assertThat(g.call("HISTORY " + hank)).isEqualTo("OK HISTORY 0");
      assertThat(g.call("WHO nobody-at-all")).startsWith("ERR 404 ");
    } finally {
      bus.removeOutboundInterceptor(outbound).removeInboundInterceptor(inbound);
    }
    assertThat(asked).doesNotContain(StoreService.ACCOUNT_GET);
    assertThat(received).noneMatch(body -> body.contains("\"hash\"") || body.contains("$argon2id$"));
  }

  /**
   * A push looks its recipient up once, then uses the sending gateway's session cache; a session bound later on
   * another gateway is pushed at once all the same, because its gateway drops the cached sessions on every gateway
   * before {@code OK LOGIN}. Without that notice gw-sh-1 would push "two" to nobody (it cached "offline").
   */
  @Test
  void pushesUseTheSessionCacheAndABindElsewhereRefreshesIt() throws Exception {
    String ivan = user("ivan");
    String judy = user("judy");
    LineClient i = sh();
    i.registerAndLogin(ivan, PW);
    LineClient offline = bj();
    assertThat(offline.call("REGISTER " + judy + " " + PW)).startsWith("OK REGISTER ");
    List<String> asked = new CopyOnWriteArrayList<>();
    EventBus bus = cluster.gatewaySh.vertx().eventBus();
    Handler<DeliveryContext<Object>> outbound = context -> {
      asked.add(context.message().address());
      context.next();
    };
    bus.addOutboundInterceptor(outbound);
    try {
      assertThat(i.call("SEND " + judy + "@bj one")).startsWith("OK SEND ");
      // The push's lookup leaves before OK SEND is written.
      assertThat(asked).contains(SessionService.LOOKUP);

      LineClient j = bj();
      String[] login = j.call("LOGIN " + judy + " " + PW).split(" ");
      assertThat(login[5]).as("latest").isEqualTo("1");
      assertThat(i.call("SEND " + judy + "@bj two")).startsWith("OK SEND ");
      assertThat(j.readMsg().text()).isEqualTo("two");
      assertThat(i.call("SEND " + judy + "@bj three")).startsWith("OK SEND ");
      assertThat(j.readMsg().text()).isEqualTo("three");
    } finally {
      bus.removeOutboundInterceptor(outbound);
    }
    // "one" looked judy up (offline) and ivan (his other sessions are told what he sent: SENT), "two" judy again
    // after her bind; everything else came from the cache.
    assertThat(asked).filteredOn(SessionService.LOOKUP::equals).hasSize(3);
  }

  @Test
  void bareNameMeansTheGatewaysRegion() throws Exception {
    String carl = user("carl");
    String dora = user("dora");
    LineClient c = bj();
    LineClient d = bj();
    c.registerAndLogin(carl, PW);
    d.registerAndLogin(dora, PW);

    assertThat(c.call("SEND " + dora + " same region")).startsWith("OK SEND ");
    Msg got = d.readMsg();
    assertThat(got.from()).isEqualTo(carl + "@bj");
    assertThat(got.to()).isEqualTo(dora + "@bj");
  }

  @Test
  void registrationErrors() throws Exception {
    String erin = user("erin");
    LineClient c = bj();
    assertThat(c.call("REGISTER " + erin + " " + PW)).isEqualTo("OK REGISTER " + erin + "@bj");
    assertThat(c.call("REGISTER " + erin.toUpperCase() + " " + PW)).startsWith("ERR 409 ");
    assertThat(c.call("REGISTER " + user("frank") + " short")).startsWith("ERR 400 ");
    assertThat(c.call("REGISTER bad/name " + PW)).startsWith("ERR 400 ");
    assertThat(c.call("REGISTER " + "x".repeat(33) + " " + PW)).startsWith("ERR 400 ");
    JsonObject json = c.callJson(new JsonObject().put("op", "register").put("id", "r1").put("name", erin)
        .put("password", PW));
    assertThat(json.getString("op")).isEqualTo("err");
    assertThat(json.getString("id")).isEqualTo("r1");
    assertThat(json.getInteger("code")).isEqualTo(409);
  }

  @Test
  void loginErrors() throws Exception {
    String gina = user("gina");
    LineClient c = bj();
    assertThat(c.call("REGISTER " + gina + " " + PW)).startsWith("OK REGISTER ");
    String wrongPassword = c.call("LOGIN " + gina + " wrong-password");
    String unknownUser = c.call("LOGIN " + user("nobody") + " wrong-password");
    assertThat(wrongPassword).startsWith("ERR 401 ");
    assertThat(unknownUser).isEqualTo(wrongPassword);
    assertThat(c.call("LOGIN not@a@valid " + PW)).startsWith("ERR 400 ");
    assertThat(c.call("SEND " + gina + " not logged in")).startsWith("ERR 401 ");
    assertThat(c.call("LOGIN " + gina + "@bj " + PW)).startsWith("OK LOGIN " + gina + "@bj ");
    assertThat(c.call("LOGIN " + gina + " " + PW)).startsWith("ERR 400 ");
  }

  @Test
  void repeatedWrongPasswordsAreLimited() throws Exception {
    String hank = user("hank");
    LineClient c = bj();
    assertThat(c.call("REGISTER " + hank + " " + PW)).startsWith("OK REGISTER ");
    String reply = "";
    for (int attempt = 0; attempt < 30 && !reply.startsWith("ERR 429"); attempt++) {
      reply = c.call("LOGIN " + hank + " wrong-password");
      assertThat(reply).matches("ERR (401|429) .*");
    }
    assertThat(reply).startsWith("ERR 429 ");
    assertThat(c.call("LOGIN " + hank + " " + PW)).as("even the right password, while limited").startsWith("ERR 429 ");
  }

  @Test
  void messagesReachEverySessionOfTheRecipient() throws Exception {
    String ivan = user("ivan");
    String jane = user("jane");
    LineClient sender = bj();
    sender.registerAndLogin(ivan, PW);
    LineClient janeInBj = bj();
    janeInBj.registerAndLogin(jane, PW);
    LineClient janeInSh = sh();
    assertThat(janeInSh.call("LOGIN " + jane + "@bj " + PW)).startsWith("OK LOGIN ");

    assertThat(sender.call("SEND " + jane + " to both")).startsWith("OK SEND ");
    Msg first = janeInBj.readMsg();
    Msg second = janeInSh.readMsg();
    assertThat(second).isEqualTo(first);
    assertThat(first.text()).isEqualTo("to both");
    assertThat(sender.poll(NO_PUSH_MILLIS)).as("the sender gets no copy").isNull();
  }

  @Test
  void whoShowsOnlineRegionsThenOffline() throws Exception {
    String kate = user("kate");
    LineClient asker = bj();
    asker.registerAndLogin(user("lisa"), PW);
    LineClient kateBj = bj();
    kateBj.registerAndLogin(kate, PW);
    LineClient kateSh = sh();
    assertThat(kateSh.call("LOGIN " + kate + "@bj " + PW)).startsWith("OK LOGIN ");

    assertThat(asker.call("WHO " + kate)).isEqualTo("OK WHO " + kate + "@bj online bj,sh");
    JsonObject json = asker.callJson(new JsonObject().put("op", "who").put("id", "w").put("user", kate + "@bj"));
    assertThat(json).isEqualTo(new JsonObject().put("op", "ok").put("id", "w").put("address", kate + "@bj")
        .put("online", true).put("regions", new io.vertx.core.json.JsonArray().add("bj").add("sh")));

    assertThat(kateBj.call("QUIT")).isEqualTo("OK QUIT");
    assertThat(kateSh.call("QUIT")).isEqualTo("OK QUIT");
    String who = "";
    for (int i = 0; i < 50 && !who.endsWith("offline"); i++) {
      who = asker.call("WHO " + kate);
      Thread.sleep(100);
    }
    assertThat(who).isEqualTo("OK WHO " + kate + "@bj offline");
    assertThat(asker.call("WHO " + user("ghost") + "@sh")).startsWith("ERR 404 ");
  }

  @Test
  void resumeOnAnotherGatewayWithTheToken() throws Exception {
    String mike = user("mike");
    LineClient first = bj();
    String[] login = first.registerAndLogin(mike, PW);
    String token = login[3];
    first.close();

    LineClient second = sh();
    String resumed = second.call("RESUME " + token);
    assertThat(resumed).matches("OK RESUME " + mike + "@bj \\S+ 0 0");
    assertThat(second.call("WHO " + mike + "@bj")).isEqualTo("OK WHO " + mike + "@bj online sh");
    assertThat(sh().call("RESUME " + token + "x")).startsWith("ERR 401 ");
    assertThat(sh().call("RESUME garbage")).startsWith("ERR 401 ");
  }

  @Test
  void offlineUserCatchesUpWithSyncAndAck() throws Exception {
    String alice = user("alice");
    String carol = user("carol");
    LineClient a = bj();
    a.registerAndLogin(alice, PW);
    LineClient c = sh();
    assertThat(c.call("REGISTER " + carol + " " + PW)).startsWith("OK REGISTER ");
    for (int i = 1; i <= 3; i++) {
      assertThat(a.call("SEND " + carol + "@sh message " + i)).startsWith("OK SEND ");
    }

    String[] login = c.call("LOGIN " + carol + " " + PW).split(" ");
    assertThat(login[4]).as("acked").isEqualTo("0");
    assertThat(login[5]).as("latest").isEqualTo("3");
    c.send("SYNC");
    for (int i = 1; i <= 3; i++) {
      Msg msg = c.readMsg();
      assertThat(msg.seq()).isEqualTo(i);
      assertThat(msg.text()).isEqualTo("message " + i);
      assertThat(msg.from()).isEqualTo(alice + "@bj");
    }
    assertThat(c.read()).isEqualTo("OK SYNC 3 3");
    assertThat(c.call("ACK 2")).isEqualTo("OK ACK 2");
    assertThat(c.call("ACK 9")).startsWith("ERR 400 ");
    c.close();

    LineClient again = bj();
    String[] relogin = again.call("LOGIN " + carol + "@sh " + PW).split(" ");
    assertThat(relogin[4]).as("acked").isEqualTo("2");
    assertThat(relogin[5]).as("latest").isEqualTo("3");
    again.send("SYNC");
    assertThat(again.readMsg().seq()).isEqualTo(3);
    assertThat(again.read()).isEqualTo("OK SYNC 1 3");
    again.send("SYNC 0 2");
    assertThat(again.readMsg().seq()).isEqualTo(1);
    assertThat(again.readMsg().seq()).isEqualTo(2);
    assertThat(again.read()).isEqualTo("OK SYNC 2 3");
  }

  @Test
  void jsonSendWithTheSameIdIsStoredOnce() throws Exception {
    String nick = user("nick");
    String olga = user("olga");
    LineClient n = bj();
    n.registerAndLogin(nick, PW);
    LineClient o = bj();
    o.registerAndLogin(olga, PW);
    JsonObject send = new JsonObject().put("op", "send").put("id", "client-42").put("to", olga).put("text", "once");

    JsonObject first = n.callJson(send);
    JsonObject retry = n.callJson(send);
    assertThat(first.getString("op")).isEqualTo("ok");
    assertThat(first.getString("id")).isEqualTo("client-42");
    assertThat(retry).isEqualTo(first);
    assertThat(o.readMsg().seq()).isEqualTo(1);
    assertThat(o.poll(NO_PUSH_MILLIS)).as("delivered once").isNull();
    o.send("SYNC 0");
    assertThat(o.readMsg().text()).isEqualTo("once");
    assertThat(o.read()).isEqualTo("OK SYNC 1 1");
  }

  @Test
  void pushesFollowTheSpellingOfTheLatestRequest() throws Exception {
    String paul = user("paul");
    String quin = user("quin");
    LineClient p = bj();
    p.registerAndLogin(paul, PW);
    LineClient q = sh();
    q.registerAndLogin(quin, PW);
    assertThat(q.callJson(new JsonObject().put("op", "ping")).getString("op")).isEqualTo("pong");

    assertThat(p.call("SEND " + quin + "@sh json please")).startsWith("OK SEND ");
    JsonObject push = new JsonObject(q.read());
    assertThat(push.getString("op")).isEqualTo("msg");
    assertThat(push.getLong("seq")).isEqualTo(1);
    assertThat(push.getString("from")).isEqualTo(paul + "@bj");
    assertThat(push.getString("text")).isEqualTo("json please");
    assertThat(push.containsKey("id")).isFalse();
  }

  @Test
  void historyHasBothDirectionsOldestFirst() throws Exception {
    String rita = user("rita");
    String sam = user("sam");
    LineClient r = bj();
    r.registerAndLogin(rita, PW);
    LineClient s = sh();
    s.registerAndLogin(sam, PW);
    assertThat(r.call("SEND " + sam + "@sh one")).startsWith("OK SEND ");
    s.readMsg();
    assertThat(s.call("SEND " + rita + "@bj two")).startsWith("OK SEND ");
    r.readMsg();
    assertThat(r.call("SEND " + sam + "@sh three")).startsWith("OK SEND ");
    s.readMsg();

    r.send("HISTORY " + sam + "@sh");
    assertThat(r.read()).matches("HIST \\S+ " + rita + "@bj " + sam + "@sh \\d+ one");
    assertThat(r.read()).matches("HIST \\S+ " + sam + "@sh " + rita + "@bj \\d+ two");
    assertThat(r.read()).matches("HIST \\S+ " + rita + "@bj " + sam + "@sh \\d+ three");
    assertThat(r.read()).isEqualTo("OK HISTORY 3");
    s.send("HISTORY " + rita + "@bj 2");
    assertThat(s.read()).endsWith(" two");
    assertThat(s.read()).endsWith(" three");
    assertThat(s.read()).isEqualTo("OK HISTORY 2");
    assertThat(s.call("HISTORY " + user("ghost"))).startsWith("ERR 404 ");
  }

  @Test
  void sendErrors() throws Exception {
    String tom = user("tom");
    LineClient t = bj();
    t.registerAndLogin(tom, PW);
    assertThat(t.call("SEND " + user("ghost") + "@sh anyone there")).startsWith("ERR 404 ");
    assertThat(t.call("SEND " + tom + " " + "x".repeat(4001))).startsWith("ERR 413 ");
    assertThat(t.call("SEND " + tom + " " + "x".repeat(4000))).startsWith("OK SEND ");
    assertThat(t.readMsg().text()).as("a message to oneself is pushed back too").hasSize(4000);
    assertThat(t.call("SEND bad!address hi")).startsWith("ERR 400 ");
    assertThat(t.call("SEND " + tom)).startsWith("ERR 400 ");
  }

  private String user(String prefix) {
    return prefix + USERS.incrementAndGet();
  }

  private LineClient bj() throws Exception {
    return connect(cluster.bj.port());
  }

  private LineClient sh() throws Exception {
    return connect(cluster.sh.port());
  }

  private LineClient connect(int port) throws Exception {
    LineClient client = new LineClient(port);
    clients.add(client);
    return client;
  }
}
