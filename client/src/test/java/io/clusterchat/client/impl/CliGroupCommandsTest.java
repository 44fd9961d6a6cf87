package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.client.ChatException;
import io.clusterchat.client.GroupMember;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.GroupSyncResult;
import io.clusterchat.client.Joined;
import io.clusterchat.client.MemberPage;
import io.clusterchat.client.Sent;
import io.vertx.core.Future;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CLI's group commands without a server: each command line must become the right {@link ChatClient} call, and
 * the answers and pushes must print as documented (tests may drive the CLI through a pipe and read these lines).
 */
class CliGroupCommandsTest {

  private static final long TS = 1_790_000_000_000L;

  /** The calls made, as {@code method(arg, arg)}. */
  private final List<String> calls = new ArrayList<>();
  /** Canned answers by method name; a method without one answers null. */
  private final Map<String, Object> answers = new HashMap<>();
  private final List<String> printed = new ArrayList<>();
  private final CliSession session = new CliSession(fakeClient(), recordingConsole(), 1_000);

  private ChatClient fakeClient() {
    return (ChatClient) Proxy.newProxyInstance(ChatClient.class.getClassLoader(), new Class<?>[] {ChatClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("eventHandler")) {
            return proxy;
          }
          calls.add(method.getName() + "(" + (args == null ? "" : String.join(", ",
              Arrays.stream(args).map(String::valueOf).toList())) + ")");
          Object answer = answers.get(method.getName());
          return answer instanceof Throwable failure ? Future.failedFuture(failure) : Future.succeededFuture(answer);
        });
  }

  private Console recordingConsole() {
    return new Console() {
      @Override
      public String readLine(String prompt) {
        return null;
      }

      @Override
      public String readPassword(String prompt) {
        return null;
      }

      @Override
      public void println(String line) {
        printed.add(line);
      }

      @Override
      public boolean interactive() {
        return false;
      }

      @Override
      public void close() {
      }
    };
  }

  @Test
  void createTakesAnOptionalMode() {
    answers.put("createGroup", "#team@bj");
    session.execute("/create #team open");
    session.execute("/create #team");
    session.execute("/create #team secret");
    assertThat(calls).containsExactly("createGroup(#team, OPEN)", "createGroup(#team, null)");
    assertThat(printed).containsExactly("created #team@bj (open)", "created #team@bj",
        "usage: /create #<group> [open|invite]");
  }

  @Test
  void groupCommandsNameTheGroupWithOrWithoutItsHash() {
    answers.put("join", new Joined("#team@bj", 4));
    answers.put("invite", "bob@bj");
    answers.put("remove", "bob@bj");
    session.execute("/join #team");
    session.execute("/join team@sh");
    session.execute("/invite #team bob");
    session.execute("/remove #team bob");
    session.execute("/leave #team");
    assertThat(calls).containsExactly("join(#team)", "join(#team@sh)", "invite(#team, bob)", "remove(#team, bob)",
        "leave(#team)");
    assertThat(printed).contains("joined #team@bj; /to #team@bj to talk there", "invited bob@bj to #team",
        "removed bob@bj from #team", "left #team");
  }

  @Test
  void missingArgumentsPrintTheUsage() {
    session.execute("/join");
    session.execute("/invite #team");
    session.execute("/members #team 1 2 3");
    session.execute("/sync #team x");
    session.execute("/ack #team");
    assertThat(calls).isEmpty();
    assertThat(printed).containsExactly("usage: /join #<group>", "usage: /invite #<group> <user>",
        "usage: /members #<group> [<offset> [<limit>]]", "usage: /sync #<group> [<after> [<limit>]]",
        "usage: /ack #<group> <seq>");
  }

  @Test
  void membersPrintsOnePerLineAndTheTotal() {
    answers.put("members", new MemberPage(List.of(new GroupMember("alice@bj", "owner"),
        new GroupMember("bob@sh", "member")), 7));
    session.execute("/members #team 5 2");
    session.execute("/members #team");
    assertThat(calls).containsExactly("members(#team, 5, 2)", "members(#team, null, null)");
    assertThat(printed).startsWith("  alice@bj (owner)", "  bob@sh", "2 of 7 member(s) of #team");
  }

  @Test
  void groupsShowsUnreadCounts() {
    answers.put("groups", List.of(new GroupSummary("#team@bj", 40, 28, 5), new GroupSummary("#ops@sh", 3, 3, 2)));
    session.execute("/groups");
    assertThat(printed).containsExactly("  #team@bj: 12 unread, 5 member(s), latest #40, read #28",
        "  #ops@sh: 0 unread, 2 member(s), latest #3, read #3", "2 group(s)");
  }

  @Test
  void aGroupAsTheCurrentPeerGetsPlainLines() {
    answers.put("send", new Sent("m-1", TS, "k"));
    session.execute("/to #team");
    session.execute("hello team");
    session.execute("/send #ops@sh also there");
    assertThat(calls).containsExactly("send(#team, hello team)", "send(#ops@sh, also there)");
  }

  @Test
  void syncAndAckTellTheInboxFromAGroup() {
    answers.put("sync", new GroupSyncResult(List.of(
        new ChatEvent.MembershipChange("#team@bj", 3, TS, "join", "bob@sh", "bob@sh"),
        new ChatEvent.GroupMessage("#team@bj", 4, "m", "bob@sh", TS, "hi all")), 4));
    session.execute("/sync #team 2 10");
    session.execute("/ack #team 4");
    session.execute("/ack 9");
    assertThat(calls).containsExactly("sync(#team, 2, 10)", "ack(#team, 4)", "ack(9)");
    assertThat(printed).containsExactly("[#team@bj] * bob@sh joined", "[#team@bj] bob@sh: hi all",
        "2 item(s) in #team, latest #4; /ack #team 4 to mark them read", "acknowledged #team up to #4",
        "acknowledged up to #9");
  }

  @Test
  void refusalsPrintTheServersError() {
    answers.put("join", new ChatException(403, "invite-only group"));
    session.execute("/join #secret");
    assertThat(printed).containsExactly("error 403: invite-only group");
  }

  @Test
  void pushesAreDescribed() {
    assertThat(CliSession.describe(new ChatEvent.GroupMessage("#team@bj", 5, "m", "alice@bj", TS, "hi")))
        .isEqualTo("[#team@bj] alice@bj: hi");
    assertThat(CliSession.describe(new ChatEvent.SentElsewhere("m", "bob@sh", TS, "from my laptop")))
        .isEqualTo("[you -> bob@sh] from my laptop");
    assertThat(change("create", "alice@bj", "alice@bj")).isEqualTo("[#team@bj] * alice@bj created the group");
    assertThat(change("join", "bob@bj", "bob@bj")).isEqualTo("[#team@bj] * bob@bj joined");
    assertThat(change("invite", "alice@bj", "bob@bj")).isEqualTo("[#team@bj] * bob@bj was invited by alice@bj");
    assertThat(change("leave", "bob@bj", "bob@bj")).isEqualTo("[#team@bj] * bob@bj left");
    assertThat(change("remove", "alice@bj", "bob@bj")).isEqualTo("[#team@bj] * bob@bj was removed by alice@bj");
  }

  @Test
  void helpListsTheGroupCommands() {
    session.execute("/help");
    assertThat(printed.get(0)).contains("/create #<group> [open|invite]", "/join #<group>",
        "/invite #<group> <user>", "/leave #<group>", "/remove #<group> <user>", "/members #<group>", "/groups",
        "/to #<group>", "/sync #<group>", "/ack #<group> <seq>");
  }

  private static String change(String event, String by, String user) {
    return CliSession.describe(new ChatEvent.MembershipChange("#team@bj", 1, TS, event, by, user));
  }
}
