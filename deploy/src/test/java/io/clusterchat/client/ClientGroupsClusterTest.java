package io.clusterchat.client;

import static io.clusterchat.client.ClientTestCluster.PASSWORD;
import static io.clusterchat.client.ClientTestCluster.await;
import static io.clusterchat.client.ClientTestCluster.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatEvent.GroupMessage;
import io.clusterchat.client.ChatEvent.MembershipChange;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.protocol.GroupMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups (PROTOCOL.md 1.1) through the client library and the CLI against a real in-JVM cluster, as
 * {@link ClientClusterTest} builds it: members in both regions, pushes of messages and membership changes, SENT to a
 * user's other sessions, reads (MEMBERS, GROUPS, SYNC, HISTORY), the owner's rights, and the catch-up of a group
 * after a reconnect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientGroupsClusterTest {

  private static final long EVENT_WAIT_SECONDS = 15;

  @TempDir
  static Path dataDir;

  private ClientTestCluster fixture;
  private Vertx clientVertx;
  private Gateway bj;
  private Gateway sh;

  @BeforeAll
  void startCluster() throws Exception {
    fixture = ClientTestCluster.start(dataDir);
    clientVertx = fixture.clientVertx;
    bj = fixture.bj;
    sh = fixture.sh;
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void anOpenGroupAcrossRegions() throws Exception {
    Events aliceEvents = new Events();
    Events bobEvents = new Events();
    ChatClient alice = loggedIn(bj.port(), "galice", aliceEvents);
    ChatClient bob = loggedIn(sh.port(), "gbob", bobEvents);

    assertThat(await(alice.createGroup("#team", GroupMode.OPEN))).isEqualTo("#team@bj");
    Joined joined = await(bob.join("#team@bj"));
    assertThat(joined.group()).isEqualTo("#team@bj");
    MembershipChange join = aliceEvents.next(MembershipChange.class, change -> change.event().equals("join"));
    assertThat(join.user()).isEqualTo("gbob@sh");
    assertThat(join.group()).isEqualTo("#team@bj");

    Sent sent = await(alice.send("#team@bj", "hello team"));
    GroupMessage atBob = bobEvents.next(GroupMessage.class, message -> message.text().equals("hello team"));
    assertThat(atBob.from()).isEqualTo("galice@bj");
    assertThat(atBob.msg()).isEqualTo(sent.msg());
    assertThat(atBob.seq()).isGreaterThan(joined.latest());
    // A bare #team means the gateway's own region: for bob, on sh, a group that does not exist.
    assertThat(failure(bob.send("#team", "to sh's #team")).code()).isIn(403, 404);
  }

  @Test
  void readsOfAGroup() throws Exception {
    Events carolEvents = new Events();
    ChatClient carol = loggedIn(bj.port(), "gcarol", carolEvents);
    ChatClient dave = loggedIn(sh.port(), "gdave", new Events());
    await(carol.createGroup("#reads", GroupMode.OPEN));
    await(dave.join("#reads@bj"));
    await(carol.send("#reads", "one"));
    await(dave.send("#reads@bj", "two"));
    carolEvents.next(GroupMessage.class, message -> message.text().equals("two"));

    MemberPage page = await(carol.members("#reads", null, null));
    assertThat(page.total()).isEqualTo(2);
    assertThat(page.members()).extracting(GroupMember::address).containsExactly("gcarol@bj", "gdave@sh");
    assertThat(page.members().get(0).isOwner()).isTrue();
    assertThat(await(carol.members("#reads", 1, 1)).members()).extracting(GroupMember::address)
        .containsExactly("gdave@sh");

    GroupSummary reads = await(dave.groups()).stream().filter(group -> group.group().equals("#reads@bj"))
        .findFirst().orElseThrow();
    assertThat(reads.members()).isEqualTo(2);
    GroupSyncResult sync = await(dave.sync("#reads@bj", 0L, null));
    assertThat(sync.entries()).filteredOn(GroupMessage.class::isInstance).extracting(ChatEvent.GroupEntry::seq)
        .isSorted().hasSize(2);
    assertThat(sync.latest()).isEqualTo(reads.latest());
    await(dave.ack("#reads@bj", sync.latest()));
    assertThat(await(dave.groups()).stream().filter(group -> group.group().equals("#reads@bj")).findFirst()
        .orElseThrow().unread()).isZero();
    assertThat(await(dave.history("#reads@bj", null))).extracting(HistoryItem::text).containsExactly("one", "two");
  }

  @Test
  void inviteOnlyGroupsAndTheOwnersRights() throws Exception {
    Events erinEvents = new Events();
    ChatClient erin = loggedIn(bj.port(), "gerin", erinEvents);
    ChatClient frank = loggedIn(bj.port(), "gfrank", new Events());
    ChatClient grace = loggedIn(sh.port(), "ggrace", new Events());
    await(erin.createGroup("#private", null));
    assertThat(failure(frank.join("#private@bj")).code()).isEqualTo(403);
    assertThat(failure(frank.send("#private@bj", "let me in")).code()).isEqualTo(403);
    assertThat(await(erin.invite("#private", "gfrank"))).isEqualTo("gfrank@bj");
    await(frank.join("#private@bj"));
    await(erin.invite("#private", "ggrace@sh"));
    await(grace.join("#private@bj"));
    assertThat(failure(frank.remove("#private@bj", "ggrace@sh")).code()).as("only the owner removes").isEqualTo(403);
    assertThat(await(erin.remove("#private", "ggrace@sh"))).isEqualTo("ggrace@sh");
    assertThat(failure(grace.send("#private@bj", "still here?")).code()).isEqualTo(403);
    await(frank.leave("#private@bj"));
    assertThat(erinEvents.next(MembershipChange.class, change -> change.event().equals("leave")).user())
        .isEqualTo("gfrank@bj");
    assertThat(failure(erin.join("#nosuchgroup@bj")).code()).isEqualTo(404);
  }

  @Test
  void whatASessionSendsIsPushedToTheUsersOtherSessions() throws Exception {
    Events phoneEvents = new Events();
    ChatClient laptop = loggedIn(bj.port(), "gheidi", new Events());
    ChatClient phone = client(sh.port(), phoneEvents);
    await(phone.resume(laptop.session().token()));
    loggedIn(sh.port(), "givan", new Events());
    Sent sent = await(laptop.send("givan@sh", "from the laptop"));
    ChatEvent.SentElsewhere elsewhere = phoneEvents.next(ChatEvent.SentElsewhere.class, s -> true);
    assertThat(elsewhere.msg()).isEqualTo(sent.msg());
    assertThat(elsewhere.to()).isEqualTo("givan@sh");
    assertThat(elsewhere.text()).isEqualTo("from the laptop");
  }

  @Test
  void aReconnectCatchesUpTheGroupsOnce() throws Exception {
    TcpProxy link = await(TcpProxy.start(clientVertx, TestClusters.HOST, sh.port()));
    Events judyEvents = new Events();
    ChatClient kim = loggedIn(bj.port(), "gkim", new Events());
    ChatClient judy = loggedIn(link.port(), "gjudy", judyEvents);
    await(kim.createGroup("#catchup", GroupMode.OPEN));
    await(judy.join("#catchup@bj"));
    await(kim.send("#catchup", "before the drop"));
    judyEvents.next(GroupMessage.class, message -> message.text().equals("before the drop"));

    link.cut();
    assertThat(judyEvents.next(ChatEvent.Disconnected.class, lost -> true).reconnecting()).isTrue();
    while (await(kim.who("gjudy@sh")).online()) {
      Thread.sleep(50);
    }
    await(kim.send("#catchup", "while you were away"));
    link.heal();
    judyEvents.next(GroupMessage.class, message -> message.text().equals("while you were away"));
    judyEvents.next(ChatEvent.Reconnected.class, back -> true);
    await(kim.send("#catchup", "after the reconnect"));
    judyEvents.next(GroupMessage.class, message -> message.text().equals("after the reconnect"));
    assertThat(judyEvents.groupMessages).extracting(GroupMessage::text)
        .containsExactly("before the drop", "while you were away", "after the reconnect");
    await(link.close());
  }

  @Test
  void theCliChatsInAGroup() throws Exception {
    ChatClient mallory = loggedIn(bj.port(), "gmallory", new Events());
    await(mallory.createGroup("#cli", GroupMode.OPEN));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String script = String.join("\n", "/register gniaj " + PASSWORD, "/login gniaj " + PASSWORD, "/join #cli",
        "/to #cli", "hello from the cli", "/members #cli", "/groups", "/sync #cli 0", "/create #cli2 invite",
        "/invite #cli2 gmallory", "/leave #cli", "/quit") + "\n";
    String[] args = {"--host", TestClusters.HOST, "--port", String.valueOf(bj.port())};
    int code = ChatCli.run(args, new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(output, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("joined #cli@bj")
        .contains("  gmallory@bj (owner)")
        .contains("2 of 2 member(s) of #cli")
        .containsPattern("  #cli@bj: \\d+ unread, 2 member\\(s\\)")
        .contains("[#cli@bj] gniaj@bj: hello from the cli")
        .contains("created #cli2@bj (invite)")
        .contains("invited gmallory@bj to #cli2")
        .contains("left #cli")
        .doesNotContain("error ");
  }

  private ChatClient loggedIn(int port, String name, Events events) throws Exception {
    ChatClient client = client(port, events);
    await(client.register(name, PASSWORD));
    await(client.login(name, PASSWORD));
    return client;
  }

  private ChatClient client(int port, Events events) throws Exception {
    return fixture.client(port, events.queue::add);
  }

  /** One client's events, with the group messages it got kept in order. */
  private static final class Events {

    final BlockingQueue<ChatEvent> queue = new LinkedBlockingQueue<>();
    final List<GroupMessage> groupMessages = new ArrayList<>();

    <T extends ChatEvent> T next(Class<T> type, Predicate<T> wanted) throws InterruptedException {
      while (true) {
        ChatEvent event = queue.poll(EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("a %s event", type.getSimpleName()).isNotNull();
        if (event instanceof GroupMessage message) {
          groupMessages.add(message);
        }
        if (type.isInstance(event) && wanted.test(type.cast(event))) {
          return type.cast(event);
        }
      }
    }
  }
}
