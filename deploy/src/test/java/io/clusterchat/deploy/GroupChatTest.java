package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.metrics.NodeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups (PROTOCOL.md 1.1) through real sockets to the two gateways of a real cluster (every role, one JVM): every
 * command in both spellings, every 403, the log's gap-free seqs under senders on two gateways, catching up with
 * SYNC, membership events in order, the JSON id's dedup, LEAVE and REMOVE stopping pushes at once, and SENT to a
 * user's other sessions. Each test uses names of its own, so they share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupChatTest {

  private static final String PW = "s3cret-pass";
  private static final int NO_PUSH_MILLIS = 500;
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Pattern GMSG = Pattern.compile("GMSG (\\S+) (\\d+) (\\S+) (\\S+) (\\d+) (.*)");

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

  /** The issue's scenario: two users on two gateways and a third offline create, invite, chat, catch up, leave. */
  @Test
  void twoGatewaysAndAnOfflineMemberChatInAGroup() throws Exception {
    String alice = name("alice");
    String bob = name("bob");
    String carol = name("carol");
    String team = "#" + name("team");
    LineClient a = bj();
    a.registerAndLogin(alice, PW);
    LineClient b = sh();
    b.registerAndLogin(bob, PW);
    LineClient c = bj();
    c.registerAndLogin(carol, PW);
    c.call("QUIT");

    assertThat(a.call("CREATE " + team)).isEqualTo("OK CREATE " + team + "@bj");
    assertThat(a.call("INVITE " + team + " " + bob + "@sh")).isEqualTo("OK INVITE " + team + "@bj " + bob + "@sh");
    assertThat(b.read()).matches("GEVENT " + team + "@bj 2 \\d+ invite " + alice + "@bj " + bob + "@sh");
    assertThat(a.call("INVITE " + team + " " + carol)).isEqualTo("OK INVITE " + team + "@bj " + carol + "@bj");
    assertThat(b.read()).matches("GEVENT " + team + "@bj 3 \\d+ invite " + alice + "@bj " + carol + "@bj");

    String[] sent = a.call("SEND " + team + " hello team").split(" ");
    assertThat(sent[0] + " " + sent[1]).isEqualTo("OK SEND");
    assertThat(b.read()).isEqualTo("GMSG " + team + "@bj 4 " + sent[2] + " " + alice + "@bj " + sent[3]
        + " hello team");
    assertThat(b.call("SEND " + team + "@bj hi from sh")).startsWith("OK SEND ");
    assertThat(a.read()).matches("GMSG " + team + "@bj 5 \\S+ " + bob + "@sh \\d+ hi from sh");
    assertThat(a.poll(NO_PUSH_MILLIS)).as("the sender is not pushed its own message").isNull();

    LineClient back = bj();
    back.call("LOGIN " + carol + " " + PW);
    // The read cursor starts at the member's own joining: unread is what came after it.
    assertThat(back.call("GROUPS")).isEqualTo("GROUP " + team + "@bj 5 3 3");
    assertThat(back.read()).isEqualTo("OK GROUPS 1");
    back.send("SYNC " + team);
    assertThat(back.read()).matches("GMSG " + team + "@bj 4 \\S+ " + alice + "@bj \\d+ hello team");
    assertThat(back.read()).matches("GMSG " + team + "@bj 5 \\S+ " + bob + "@sh \\d+ hi from sh");
    assertThat(back.read()).isEqualTo("OK SYNC 2 5");
    back.send("SYNC " + team + " 0");
    assertThat(back.read()).as("the log from the member's own joining on")
        .matches("GEVENT " + team + "@bj 3 \\d+ invite " + alice + "@bj " + carol + "@bj");
    assertThat(back.read()).contains(" 4 ");
    assertThat(back.read()).contains(" 5 ");
    assertThat(back.read()).isEqualTo("OK SYNC 3 5");
    assertThat(back.call("ACK " + team + " 5")).isEqualTo("OK ACK 5");
    assertThat(back.call("GROUPS")).isEqualTo("GROUP " + team + "@bj 5 5 3");
    assertThat(back.read()).isEqualTo("OK GROUPS 1");

    assertThat(back.call("LEAVE " + team)).isEqualTo("OK LEAVE " + team + "@bj");
    assertThat(a.read()).matches("GEVENT " + team + "@bj 6 \\d+ leave " + carol + "@bj " + carol + "@bj");
    assertThat(b.read()).matches("GEVENT " + team + "@bj 6 \\d+ leave " + carol + "@bj " + carol + "@bj");
    assertThat(a.call("SEND " + team + " after carol left")).startsWith("OK SEND ");
    assertThat(b.read()).endsWith(" after carol left");
    assertThat(back.poll(NO_PUSH_MILLIS)).as("no push after LEAVE").isNull();
    assertThat(back.call("SYNC " + team)).startsWith("ERR 403 ");
  }

  /** Every command of the Groups table in the JSON spelling, with its reply's fields and the request's id. */
  @Test
  void everyGroupCommandInJson() throws Exception {
    String dora = name("dora");
    String emil = name("emil");
    String group = "#" + name("json") + "@bj";
    LineClient d = bj();
    d.registerAndLogin(dora, PW);
    LineClient e = sh();
    e.registerAndLogin(emil, PW);

    assertThat(d.callJson(json("create", "1").put("group", group).put("mode", "open")))
        .isEqualTo(json("ok", "1").put("group", group));
    assertThat(e.callJson(json("join", "2").put("group", group)))
        .isEqualTo(json("ok", "2").put("group", group).put("latest", 2));
    JsonObject joinEvent = new JsonObject(d.read());
    assertThat(joinEvent.getString("op")).isEqualTo("gevent");
    assertThat(joinEvent.getString("group")).isEqualTo(group);
    assertThat(joinEvent.getLong("seq")).isEqualTo(2);
    assertThat(joinEvent.getString("event")).isEqualTo("join");
    assertThat(joinEvent.getString("by")).isEqualTo(emil + "@sh");
    assertThat(joinEvent.getString("user")).isEqualTo(emil + "@sh");
    assertThat(joinEvent.getLong("ts")).isPositive();

    JsonObject sent = d.callJson(json("send", "3").put("to", group).put("text", "json hello"));
    assertThat(sent.getString("op")).isEqualTo("ok");
    assertThat(sent.getString("id")).isEqualTo("3");
    JsonObject gmsg = new JsonObject(e.read());
    assertThat(gmsg).isEqualTo(new JsonObject().put("op", "gmsg").put("group", group).put("seq", 3)
        .put("msg", sent.getString("msg")).put("from", dora + "@bj").put("ts", sent.getLong("ts"))
        .put("text", "json hello"));

    e.send(json("sync", "4").put("group", group).put("after", 0).encode());
    assertThat(new JsonObject(e.read()).getString("event")).isEqualTo("join");
    assertThat(new JsonObject(e.read()).getString("text")).isEqualTo("json hello");
    assertThat(new JsonObject(e.read())).isEqualTo(json("ok", "4").put("count", 2).put("latest", 3));
    assertThat(e.callJson(json("ack", "5").put("group", group).put("seq", 3)))
        .isEqualTo(json("ok", "5").put("seq", 3));

    e.send(json("groups", "6").encode());
    assertThat(new JsonObject(e.read())).isEqualTo(new JsonObject().put("op", "group").put("group", group)
        .put("latest", 3).put("read", 3).put("members", 2));
    assertThat(new JsonObject(e.read())).isEqualTo(json("ok", "6").put("count", 1));

    d.send(json("members", "7").put("group", group).encode());
    assertThat(new JsonObject(d.read())).isEqualTo(new JsonObject().put("op", "member").put("address", dora + "@bj")
        .put("role", "owner"));
    assertThat(new JsonObject(d.read())).isEqualTo(new JsonObject().put("op", "member").put("address", emil + "@sh")
        .put("role", "member"));
    assertThat(new JsonObject(d.read())).isEqualTo(json("ok", "7").put("count", 2).put("total", 2));
    d.send(json("members", "8").put("group", group).put("offset", 1).put("limit", 1).encode());
    assertThat(new JsonObject(d.read()).getString("address")).isEqualTo(emil + "@sh");
    assertThat(new JsonObject(d.read())).isEqualTo(json("ok", "8").put("count", 1).put("total", 2));

    d.send(json("history", "9").put("peer", group).encode());
    JsonObject hist = new JsonObject(d.read());
    assertThat(hist).isEqualTo(new JsonObject().put("op", "hist").put("msg", sent.getString("msg"))
        .put("from", dora + "@bj").put("to", group).put("ts", sent.getLong("ts")).put("text", "json hello"));
    assertThat(new JsonObject(d.read())).isEqualTo(json("ok", "9").put("count", 1));

    String fred = name("fred");
    LineClient f = bj();
    f.registerAndLogin(fred, PW);
    assertThat(d.callJson(json("invite", "10").put("group", group).put("user", fred)))
        .isEqualTo(json("ok", "10").put("group", group).put("address", fred + "@bj"));
    assertThat(d.callJson(json("remove", "11").put("group", group).put("user", fred + "@bj")))
        .isEqualTo(json("ok", "11").put("group", group).put("address", fred + "@bj"));
    drain(e);
    assertThat(e.callJson(json("leave", "12").put("group", group)))
        .isEqualTo(json("ok", "12").put("group", group));
  }

  /** Each 403 of PROTOCOL.md's Groups section, and 404s and 409. */
  @Test
  void notAllowedIsForbidden() throws Exception {
    String gina = name("gina");
    String hugo = name("hugo");
    String ida = name("ida");
    String priv = "#" + name("private");
    String open = "#" + name("open");
    LineClient g = bj();
    g.registerAndLogin(gina, PW);
    LineClient h = bj();
    h.registerAndLogin(hugo, PW);
    LineClient i = sh();
    i.registerAndLogin(ida, PW);
    assertThat(g.call("CREATE " + priv)).startsWith("OK CREATE ");
    assertThat(g.call("CREATE " + open + " open")).startsWith("OK CREATE ");
    assertThat(h.call("CREATE " + priv)).startsWith("ERR 409 ");

    assertThat(h.call("JOIN " + priv)).as("invite-only").startsWith("ERR 403 ");
    assertThat(h.call("SEND " + priv + " let me in")).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("SYNC " + priv)).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("ACK " + priv + " 1")).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("HISTORY " + priv)).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("MEMBERS " + priv)).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("INVITE " + priv + " " + hugo)).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("LEAVE " + priv)).as("not a member").startsWith("ERR 403 ");
    assertThat(h.call("REMOVE " + priv + " " + gina)).as("not a member").startsWith("ERR 403 ");

    assertThat(h.call("JOIN " + open)).startsWith("OK JOIN " + open + "@bj ");
    assertThat(i.call("JOIN " + open + "@bj")).startsWith("OK JOIN ");
    drain(g);
    drain(h);
    assertThat(h.call("REMOVE " + open + " " + ida + "@sh")).as("not the owner").startsWith("ERR 403 ");
    assertThat(g.call("REMOVE " + open + " " + name("nobody"))).startsWith("ERR 404 ");
    assertThat(g.call("INVITE " + open + " " + name("ghost"))).startsWith("ERR 404 ");
    assertThat(h.call("JOIN #" + name("nosuch"))).startsWith("ERR 404 ");
    assertThat(h.call("SEND #" + name("nosuch") + " hi")).startsWith("ERR 404 ");
    assertThat(h.call("CREATE #bad!name")).startsWith("ERR 400 ");
    assertThat(h.call("CREATE #" + name("other") + "@sh")).as("another region's name").startsWith("ERR 400 ");
    assertThat(h.call("CREATE #" + name("mode") + " secret")).startsWith("ERR 400 ");
    assertThat(h.call("SEND " + open + " " + "x".repeat(4001))).startsWith("ERR 413 ");
  }

  /** The owner's leaving hands the group to the longest-standing member, who may then REMOVE. */
  @Test
  void theLongestStandingMemberBecomesOwner() throws Exception {
    String jan = name("jan");
    String kai = name("kai");
    String lea = name("lea");
    String club = "#" + name("club");
    LineClient j = bj();
    j.registerAndLogin(jan, PW);
    LineClient k = bj();
    k.registerAndLogin(kai, PW);
    LineClient l = sh();
    l.registerAndLogin(lea, PW);
    assertThat(j.call("CREATE " + club + " open")).startsWith("OK CREATE ");
    assertThat(k.call("JOIN " + club)).startsWith("OK JOIN ");
    assertThat(l.call("JOIN " + club + "@bj")).startsWith("OK JOIN ");
    drain(j);
    assertThat(j.call("LEAVE " + club)).startsWith("OK LEAVE ");
    drain(k);
    drain(l);

    k.send("MEMBERS " + club);
    assertThat(k.read()).isEqualTo("MEMBER " + kai + "@bj owner");
    assertThat(k.read()).isEqualTo("MEMBER " + lea + "@sh member");
    assertThat(k.read()).isEqualTo("OK MEMBERS 2 2");
    assertThat(k.call("REMOVE " + club + " " + lea + "@sh")).isEqualTo("OK REMOVE " + club + "@bj " + lea + "@sh");
    assertThat(l.read()).as("the removed member is told")
        .matches("GEVENT " + club + "@bj 5 \\d+ remove " + kai + "@bj " + lea + "@sh");
    assertThat(k.call("SEND " + club + " only me now")).startsWith("OK SEND ");
    assertThat(l.poll(NO_PUSH_MILLIS)).as("no push after REMOVE").isNull();
  }

  /** Membership changes are log entries in order, pushed to every member, and SYNCed like messages. */
  @Test
  void membershipEventsAreInOrder() throws Exception {
    String max = name("max");
    String nia = name("nia");
    String oli = name("oli");
    String band = "#" + name("band");
    LineClient m = bj();
    m.registerAndLogin(max, PW);
    LineClient n = sh();
    n.registerAndLogin(nia, PW);
    LineClient o = bj();
    o.registerAndLogin(oli, PW);
    assertThat(m.call("CREATE " + band + " open")).startsWith("OK CREATE ");
    assertThat(m.call("INVITE " + band + " " + nia + "@sh")).startsWith("OK INVITE ");
    assertThat(n.read()).contains(" 2 ").contains(" invite ");
    assertThat(o.call("JOIN " + band)).startsWith("OK JOIN " + band + "@bj 3");
    assertThat(n.read()).matches("GEVENT " + band + "@bj 3 \\d+ join " + oli + "@bj " + oli + "@bj");
    assertThat(o.call("LEAVE " + band)).startsWith("OK LEAVE ");
    assertThat(n.read()).matches("GEVENT " + band + "@bj 4 \\d+ leave " + oli + "@bj " + oli + "@bj");
    // Max wrote seq 2 himself: the session that writes an entry is not pushed it.
    assertThat(m.read()).contains(" 3 ").contains(" join ");
    assertThat(m.read()).contains(" 4 ").contains(" leave ");

    m.send("SYNC " + band + " 0");
    assertThat(m.read()).matches("GEVENT " + band + "@bj 1 \\d+ create " + max + "@bj " + max + "@bj");
    assertThat(m.read()).contains(" 2 ").contains(" invite ");
    assertThat(m.read()).contains(" 3 ").contains(" join ");
    assertThat(m.read()).contains(" 4 ").contains(" leave ");
    assertThat(m.read()).isEqualTo("OK SYNC 4 4");
    n.send("SYNC " + band + "@bj 0");
    assertThat(n.read()).as("a member sees the log from its own joining on").contains(" 2 ").contains(" invite ");
    assertThat(n.read()).contains(" 3 ");
    assertThat(n.read()).contains(" 4 ");
    assertThat(n.read()).isEqualTo("OK SYNC 3 4");
  }

  /** Senders on both gateways at once: every member sees every seq once, from 1 up with no gap. */
  @Test
  void seqsAreGapFreeUnderConcurrentSendersOnTwoGateways() throws Exception {
    int sendersPerGateway = 3;
    int messagesEach = 30;
    String room = "#" + name("room");
    String owner = name("owner");
    LineClient creator = bj();
    creator.registerAndLogin(owner, PW);
    assertThat(creator.call("CREATE " + room + " open")).startsWith("OK CREATE ");
    List<LineClient> senders = new ArrayList<>();
    for (int s = 0; s < 2 * sendersPerGateway; s++) {
      LineClient client = s % 2 == 0 ? bj() : sh();
      client.registerAndLogin(name("s"), PW);
      assertThat(client.call("JOIN " + room + "@bj")).startsWith("OK JOIN ");
      senders.add(client);
    }
    String reader = name("reader");
    LineClient watcher = sh();
    watcher.registerAndLogin(reader, PW);
    String[] joined = watcher.call("JOIN " + room + "@bj").split(" ");
    long from = Long.parseLong(joined[3]) + 1;
    drain(creator);

    ExecutorService pool = Executors.newFixedThreadPool(senders.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (LineClient sender : senders) {
        done.add(pool.submit(() -> {
          for (int k = 0; k < messagesEach; k++) {
            sender.send("SEND " + room + "@bj m" + k);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    int total = senders.size() * messagesEach;
    for (LineClient member : List.of(creator, watcher)) {
      Set<Long> seqs = new HashSet<>();
      while (seqs.size() < total) {
        Matcher m = GMSG.matcher(member.read());
        assertThat(m.matches()).isTrue();
        assertThat(seqs.add(Long.parseLong(m.group(2)))).as("each seq once").isTrue();
      }
      assertThat(seqs).allMatch(seq -> seq >= from && seq < from + total);
    }
    watcher.send("SYNC " + room + "@bj " + (from - 1) + " 1000");
    for (long seq = from; seq < from + total; seq++) {
      assertThat(watcher.read()).startsWith("GMSG " + room + "@bj " + seq + " ");
    }
    assertThat(watcher.read()).isEqualTo("OK SYNC " + total + " " + (from + total - 1));
  }

  /** A JSON SEND repeated with the same id is stored and pushed once, and answered with the same msg and ts. */
  @Test
  void aRepeatedJsonSendIsStoredOnce() throws Exception {
    String pia = name("pia");
    String quentin = name("quentin");
    String group = "#" + name("dedup") + "@bj";
    LineClient p = bj();
    p.registerAndLogin(pia, PW);
    LineClient q = sh();
    q.registerAndLogin(quentin, PW);
    assertThat(p.call("CREATE " + group + " open")).startsWith("OK CREATE ");
    assertThat(q.call("JOIN " + group)).startsWith("OK JOIN ");
    p.read();
    JsonObject send = json("send", "retry-1").put("to", group).put("text", "exactly once");
    JsonObject first = p.callJson(send);
    JsonObject again = p.callJson(send);
    assertThat(first.getString("op")).isEqualTo("ok");
    assertThat(again).isEqualTo(first);
    assertThat(q.read()).contains(" exactly once");
    assertThat(q.poll(NO_PUSH_MILLIS)).as("pushed once").isNull();
    assertThat(q.call("SYNC " + group + " 2")).contains(" exactly once");
    assertThat(q.read()).isEqualTo("OK SYNC 1 3");
  }

  /** A user's other sessions see what it sent, 1:1 or to a group; the sending session does not. */
  @Test
  void otherSessionsOfTheSenderAreToldWhatItSent() throws Exception {
    String rosa = name("rosa");
    String sven = name("sven");
    LineClient phone = bj();
    phone.registerAndLogin(rosa, PW);
    LineClient laptop = sh();
    assertThat(laptop.call("LOGIN " + rosa + "@bj " + PW)).startsWith("OK LOGIN ");
    LineClient tablet = bj();
    assertThat(tablet.call("LOGIN " + rosa + " " + PW)).startsWith("OK LOGIN ");
    LineClient s = sh();
    s.registerAndLogin(sven, PW);

    String[] ok = phone.call("SEND " + sven + "@sh hi sven").split(" ");
    String sent = "SENT " + ok[2] + " " + sven + "@sh " + ok[3] + " hi sven";
    assertThat(laptop.read()).isEqualTo(sent);
    assertThat(tablet.read()).isEqualTo(sent);
    assertThat(phone.poll(NO_PUSH_MILLIS)).as("not the sending session").isNull();
    s.readMsg();

    assertThat(tablet.callJson(json("ping", null))).isEqualTo(new JsonObject().put("op", "pong"));
    String group = "#" + name("devices") + "@bj";
    assertThat(phone.call("CREATE " + group)).startsWith("OK CREATE ");
    assertThat(laptop.read()).matches("GEVENT " + Pattern.quote(group) + " 1 \\d+ create .*");
    assertThat(new JsonObject(tablet.read()).getString("event")).isEqualTo("create");
    String[] posted = phone.call("SEND " + group + " note to self").split(" ");
    List<String> onLaptop = List.of(laptop.read(), laptop.read());
    assertThat(onLaptop).containsExactlyInAnyOrder(
        "GMSG " + group + " 2 " + posted[2] + " " + rosa + "@bj " + posted[3] + " note to self",
        "SENT " + posted[2] + " " + group + " " + posted[3] + " note to self");
    JsonObject first = new JsonObject(tablet.read());
    JsonObject second = new JsonObject(tablet.read());
    assertThat(List.of(first.getString("op"), second.getString("op"))).containsExactlyInAnyOrder("gmsg", "sent");
  }

  /** A session that logs in later is a member session of the user's groups at once, on any gateway. */
  @Test
  void aNewSessionGetsItsGroupsPushesAtOnce() throws Exception {
    String tara = name("tara");
    String ugo = name("ugo");
    String group = "#" + name("later");
    LineClient t = bj();
    t.registerAndLogin(tara, PW);
    LineClient u = bj();
    u.registerAndLogin(ugo, PW);
    assertThat(t.call("CREATE " + group + " open")).startsWith("OK CREATE ");
    assertThat(u.call("JOIN " + group)).startsWith("OK JOIN ");
    t.read();
    // Ugo's first session closes; a new one on the other gateway must get the pushes right after OK LOGIN.
    u.call("QUIT");
    LineClient again = sh();
    assertThat(again.call("LOGIN " + ugo + "@bj " + PW)).startsWith("OK LOGIN ");
    assertThat(t.call("SEND " + group + " are you there")).startsWith("OK SEND ");
    assertThat(again.read()).endsWith(" are you there");
    // Each gateway holds a member session of the group, and knows the other does.
    for (ClusterNode gateway : List.of(cluster.gatewayBj, cluster.gatewaySh)) {
      MeterRegistry meters = NodeMetrics.of(gateway.vertx()).registry();
      assertThat(meters.get("clusterchat.gateway.groups").gauge().value()).isGreaterThanOrEqualTo(1);
      assertThat(meters.get("clusterchat.gateway.group.interest").gauge().value()).isGreaterThanOrEqualTo(1);
    }
  }

  private static JsonObject json(String op, String id) {
    JsonObject json = new JsonObject().put("op", op);
    return id == null ? json : json.put("id", id);
  }

  /** Reads and drops whatever pushes have arrived. */
  private static void drain(LineClient client) throws Exception {
    while (client.poll(NO_PUSH_MILLIS) != null) {
      // dropped
    }
  }

  private static String name(String prefix) {
    return prefix + NAMES.incrementAndGet();
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
