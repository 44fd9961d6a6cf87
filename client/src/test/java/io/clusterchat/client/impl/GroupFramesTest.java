package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatEvent.GroupMessage;
import io.clusterchat.client.ChatEvent.MembershipChange;
import io.clusterchat.client.ChatEvent.SentElsewhere;
import io.clusterchat.client.GroupMember;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.impl.Pending.Reply;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The group frames of PROTOCOL.md 1.1 and SENT, as the server's own builder ({@link ServerFrame}) writes them, read
 * back by the client in both spellings: the JSON one (what the client asks for) and the text one (pushes that come
 * before the client's first request).
 */
class GroupFramesTest {

  private static final long TS = 1_790_000_000_123L;

  @Test
  void gmsgInBothSpellings() {
    ServerFrame frame = ServerFrame.gmsg("#team@bj", 42, "m-1", "alice@bj", TS, "hi  there: spaces kept");
    GroupMessage expected = new GroupMessage("#team@bj", 42, "m-1", "alice@bj", TS, "hi  there: spaces kept");
    assertThat(Frames.groupMessage(frame.json(null))).isEqualTo(expected);
    assertThat(Frames.groupEntry(TextFrames.toJson(frame.text()))).isEqualTo(expected);
  }

  @Test
  void geventInBothSpellings() {
    ServerFrame frame = ServerFrame.gevent("#team@bj", 7, TS, "invite", "alice@bj", "bob@sh");
    MembershipChange expected = new MembershipChange("#team@bj", 7, TS, MembershipChange.INVITE, "alice@bj",
        "bob@sh");
    assertThat(Frames.groupEntry(frame.json(null))).isEqualTo(expected);
    assertThat(Frames.groupEntry(TextFrames.toJson(frame.text()))).isEqualTo(expected);
  }

  @Test
  void sentInBothSpellings() {
    JsonObject message = new JsonObject().put("msg", "m-9").put("to", "#team@bj").put("ts", TS)
        .put("text", "from my phone");
    ServerFrame frame = ServerFrame.sent(message);
    SentElsewhere expected = new SentElsewhere("m-9", "#team@bj", TS, "from my phone");
    assertThat(Frames.sentElsewhere(frame.json(null))).isEqualTo(expected);
    assertThat(Frames.sentElsewhere(TextFrames.toJson(frame.text()))).isEqualTo(expected);
  }

  @Test
  void groupAndMemberItems() {
    GroupSummary group = Frames.groupSummary(ServerFrame.group("#team@bj", 40, 28, 5).json(null));
    assertThat(group).isEqualTo(new GroupSummary("#team@bj", 40, 28, 5));
    assertThat(group.unread()).isEqualTo(12);
    GroupMember owner = Frames.member(ServerFrame.member("alice@bj", "owner").json(null));
    GroupMember member = Frames.member(ServerFrame.member("bob@sh", "member").json(null));
    assertThat(owner.isOwner()).isTrue();
    assertThat(member.isOwner()).isFalse();
    assertThat(member.address()).isEqualTo("bob@sh");
  }

  @Test
  void pagesAndSyncsFromTheirItems() {
    Reply members = new Reply(new JsonObject().put("op", "ok").put("count", 2).put("total", 9),
        List.of(ServerFrame.member("alice@bj", "owner").json(null), ServerFrame.member("bob@sh", "member")
            .json(null)));
    assertThat(Frames.memberPage(members).total()).isEqualTo(9);
    assertThat(Frames.memberPage(members).members()).extracting(GroupMember::address)
        .containsExactly("alice@bj", "bob@sh");
    Reply sync = new Reply(new JsonObject().put("op", "ok").put("count", 2).put("latest", 8),
        List.of(ServerFrame.gevent("#t@bj", 6, TS, "join", "bob@sh", "bob@sh").json(null),
            ServerFrame.gmsg("#t@bj", 7, "m", "bob@sh", TS, "hello").json(null)));
    assertThat(Frames.groupSync(sync).latest()).isEqualTo(8);
    assertThat(Frames.groupSync(sync).entries()).extracting(entry -> entry.seq()).containsExactly(6L, 7L);
    assertThat(Frames.groupSync(sync).entries().get(0)).isInstanceOf(MembershipChange.class);
    assertThat(Frames.groupSync(sync).entries().get(1)).isInstanceOf(GroupMessage.class);
    assertThat(Frames.joined(new JsonObject().put("op", "ok").put("group", "#t@bj").put("latest", 3L)).latest())
        .isEqualTo(3);
  }

  @Test
  void malformedTextGroupFramesAreNotReadAsFrames() {
    assertThat(TextFrames.toJson("GMSG #team@bj 1 m alice@bj")).isNull();
    assertThat(TextFrames.toJson("GMSG #team@bj x m alice@bj 5 text")).isNull();
    assertThat(TextFrames.toJson("GEVENT #team@bj 1 5 join alice@bj")).isNull();
    assertThat(TextFrames.toJson("SENT m bob@sh")).isNull();
  }
}
