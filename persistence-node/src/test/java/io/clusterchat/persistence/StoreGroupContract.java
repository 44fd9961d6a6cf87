package io.clusterchat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.GroupService.GroupWrite;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.GroupMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The store's group contract (GroupService) through its event-bus addresses, as gateways use it; run on every
 * database with the rest of the {@link StoreContract}. Every test uses groups and users of its own.
 */
abstract class StoreGroupContract extends StoreContract {

  private static final int CONCURRENT_SENDS = 200;
  private static final int SENDERS = 4;

  @Test
  void createMakesTheCreatorOwnerAndACreateEntryAndCreatingAgainIs409() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String team = group("team");
    JsonObject created = write(GroupWrite.create(team, alice, null));
    assertThat(created.getLong("latest")).isEqualTo(1);
    assertThat(created.getLong("members")).isEqualTo(1);
    assertThat(created.getBoolean("duplicate")).isFalse();
    JsonObject entry = created.getJsonObject("entry");
    assertThat(entry.getString("group")).isEqualTo(team);
    assertThat(entry.getLong("seq")).isEqualTo(1);
    assertThat(entry.getString("msg")).startsWith("m");
    assertThat(entry.getString("event")).isEqualTo("create");
    assertThat(entry.getString("from")).isEqualTo(alice);
    assertThat(entry.getString("user")).isEqualTo(alice);
    assertThat(members(team, alice, 0, 100)).containsExactly(alice + " owner");

    assertWriteFails(GroupWrite.create(team, bob, GroupMode.OPEN), ErrorCode.CONFLICT, "group exists");
    assertWriteFails(GroupWrite.create(team, alice, null), ErrorCode.CONFLICT, "group exists");
    // The default mode is invite-only.
    assertWriteFails(GroupWrite.join(team, bob), ErrorCode.FORBIDDEN, "group is invite-only");
  }

  @Test
  void anyoneJoinsAnOpenGroupOnceButNotAnInviteOnlyOne() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String open = group("open");
    String closed = group("closed");
    write(GroupWrite.create(open, alice, GroupMode.OPEN));
    write(GroupWrite.create(closed, alice, GroupMode.INVITE));

    JsonObject joined = write(GroupWrite.join(open, bob));
    assertThat(joined.getJsonObject("entry").getLong("seq")).isEqualTo(2);
    assertThat(joined.getJsonObject("entry").getString("event")).isEqualTo("join");
    assertThat(joined.getJsonObject("entry").getString("user")).isEqualTo(bob);
    assertThat(joined.getLong("members")).isEqualTo(2);
    JsonObject again = write(GroupWrite.join(open, bob));
    assertThat(again.containsKey("entry")).isFalse();
    assertThat(again.getLong("latest")).isEqualTo(2);
    assertThat(again.getLong("members")).isEqualTo(2);

    assertWriteFails(GroupWrite.join(closed, bob), ErrorCode.FORBIDDEN, "group is invite-only");
    assertWriteFails(GroupWrite.join(group("nothing"), bob), ErrorCode.NOT_FOUND, "no such group");
  }

  @Test
  void onlyMembersInviteAndOnlyUsersWithAnAccount() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String carol = account("carol");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));

    assertWriteFails(GroupWrite.invite(team, carol, bob), ErrorCode.FORBIDDEN, "not a member");
    assertWriteFails(GroupWrite.invite(team, alice, user("ghost")), ErrorCode.NOT_FOUND, "no such user");
    JsonObject invited = write(GroupWrite.invite(team, alice, bob));
    JsonObject entry = invited.getJsonObject("entry");
    assertThat(entry.getString("event")).isEqualTo("invite");
    assertThat(entry.getString("from")).isEqualTo(alice);
    assertThat(entry.getString("user")).isEqualTo(bob);
    assertThat(write(GroupWrite.invite(team, bob, bob)).containsKey("entry")).isFalse();
    // A member invites too.
    assertThat(write(GroupWrite.invite(team, bob, carol)).getLong("members")).isEqualTo(3);
    assertWriteFails(GroupWrite.invite(group("nothing"), alice, bob), ErrorCode.NOT_FOUND, "no such group");
  }

  @Test
  void aFullGroupTakesNoMoreMembers() {
    deploy(options().setMaxGroupMembers(2));
    String alice = account("alice");
    String bob = account("bob");
    String carol = account("carol");
    String team = group("team");
    write(GroupWrite.create(team, alice, GroupMode.OPEN));
    write(GroupWrite.invite(team, alice, bob));
    assertWriteFails(GroupWrite.invite(team, alice, carol), ErrorCode.FORBIDDEN, "group is full");
    assertWriteFails(GroupWrite.join(team, carol), ErrorCode.FORBIDDEN, "group is full");
    write(GroupWrite.leave(team, bob));
    assertThat(write(GroupWrite.join(team, carol)).getLong("members")).isEqualTo(2);
  }

  @Test
  void whenTheOwnerLeavesTheLongestStandingMemberOwnsTheGroup() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String carol = account("carol");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));
    write(GroupWrite.invite(team, alice, bob));
    write(GroupWrite.invite(team, alice, carol));

    JsonObject left = write(GroupWrite.leave(team, alice));
    assertThat(left.getJsonObject("entry").getString("event")).isEqualTo("leave");
    assertThat(left.getJsonObject("entry").getString("user")).isEqualTo(alice);
    assertThat(left.getLong("members")).isEqualTo(2);
    assertThat(members(team, bob, 0, 100)).containsExactly(bob + " owner", carol + " member");
    assertWriteFails(GroupWrite.leave(team, alice), ErrorCode.FORBIDDEN, "not a member");
    assertWriteFails(GroupWrite.send(team, alice, "still here?", null), ErrorCode.FORBIDDEN, "not a member");

    write(GroupWrite.leave(team, bob));
    assertThat(members(team, carol, 0, 100)).containsExactly(carol + " owner");
    JsonObject last = write(GroupWrite.leave(team, carol));
    assertThat(last.getLong("members")).isZero();
    assertThat(last.getLong("latest")).isEqualTo(6);
  }

  @Test
  void onlyTheOwnerRemovesAndOnlyMembers() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String carol = account("carol");
    String dave = account("dave");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));
    write(GroupWrite.invite(team, alice, bob));
    write(GroupWrite.invite(team, alice, carol));

    assertWriteFails(GroupWrite.remove(team, bob, carol), ErrorCode.FORBIDDEN, "not the owner");
    assertWriteFails(GroupWrite.remove(team, dave, carol), ErrorCode.FORBIDDEN, "not the owner");
    assertWriteFails(GroupWrite.remove(team, alice, dave), ErrorCode.NOT_FOUND, "user is not a member");
    JsonObject removed = write(GroupWrite.remove(team, alice, carol));
    assertThat(removed.getJsonObject("entry").getString("event")).isEqualTo("remove");
    assertThat(removed.getJsonObject("entry").getString("from")).isEqualTo(alice);
    assertThat(removed.getJsonObject("entry").getString("user")).isEqualTo(carol);
    assertThat(members(team, alice, 0, 100)).containsExactly(alice + " owner", bob + " member");
    assertFails(GroupService.SYNC, syncRequest(team, carol, 0L), ErrorCode.FORBIDDEN, "not a member");
  }

  @Test
  void onlyMembersSendToAGroupThatExists() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String team = group("team");
    write(GroupWrite.create(team, alice, GroupMode.OPEN));
    assertWriteFails(GroupWrite.send(team, bob, "hi", null), ErrorCode.FORBIDDEN, "not a member");
    assertWriteFails(GroupWrite.send(group("nothing"), alice, "hi", null), ErrorCode.NOT_FOUND, "no such group");
    assertWriteFails(GroupWrite.send(team, alice, "é".repeat(2001), null), ErrorCode.TOO_LARGE,
        "message text too long");
    JsonObject sent = write(GroupWrite.send(team, alice, "é".repeat(2000), null));
    JsonObject entry = sent.getJsonObject("entry");
    assertThat(entry.getLong("seq")).isEqualTo(2);
    assertThat(entry.getString("kind")).isEqualTo("msg");
    assertThat(entry.containsKey("event")).isFalse();
    assertThat(entry.getString("from")).isEqualTo(alice);
    assertThat(entry.getLong("ts")).isPositive();
    assertThat(sent.getLong("latest")).isEqualTo(2);
  }

  @Test
  void concurrentSendsToOneGroupGetGapFreeSeqs() {
    deploy(options());
    String team = group("team");
    List<String> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      senders.add(account("sender" + s));
    }
    write(GroupWrite.create(team, senders.get(0), GroupMode.OPEN));
    for (String sender : senders.subList(1, SENDERS)) {
      write(GroupWrite.join(team, sender));
    }
    List<Future<JsonObject>> sends = new ArrayList<>();
    for (int i = 0; i < CONCURRENT_SENDS; i++) {
      String sender = senders.get(i % SENDERS);
      sends.add(request(GroupService.WRITE, GroupWrite.send(team, sender, "m" + i, "c" + i).toJson()));
    }
    List<Long> seqs = sends.stream().map(f -> await(f).getJsonObject("entry").getLong("seq")).sorted()
        .collect(Collectors.toList());
    long first = SENDERS + 1;
    assertThat(seqs).containsExactlyElementsOf(range(first, first + CONCURRENT_SENDS - 1));
    List<JsonObject> log = syncAll(team, senders.get(0));
    assertThat(log.stream().map(item -> item.getLong("seq"))).containsExactlyElementsOf(
        range(1, first + CONCURRENT_SENDS - 1));
    // Each sender's messages are in the order it sent them.
    for (String sender : senders) {
      List<Integer> numbers = log.stream().filter(item -> item.getString("text") != null)
          .filter(item -> item.getString("from").equals(sender))
          .map(item -> Integer.parseInt(item.getString("text").substring(1))).collect(Collectors.toList());
      assertThat(numbers).hasSize(CONCURRENT_SENDS / SENDERS).isSorted();
    }
  }

  @Test
  void aRetriedSendIsStoredOnceWithTheSameIdAndTime() {
    deploy(options().setBatchMaxDelayMillis(ONE_BATCH_DELAY_MILLIS));
    String alice = account("alice");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));
    JsonObject first = write(GroupWrite.send(team, alice, "once", "req-1"));
    JsonObject retry = write(GroupWrite.send(team, alice, "once", "req-1"));
    assertThat(first.getBoolean("duplicate")).isFalse();
    assertThat(retry.getBoolean("duplicate")).isTrue();
    assertThat(retry.getJsonObject("entry")).isEqualTo(first.getJsonObject("entry"));

    // Two copies in one batch.
    Future<JsonObject> one = request(GroupService.WRITE, GroupWrite.send(team, alice, "twice", "req-2").toJson());
    Future<JsonObject> two = request(GroupService.WRITE, GroupWrite.send(team, alice, "twice", "req-2").toJson());
    assertThat(await(two).getJsonObject("entry")).isEqualTo(await(one).getJsonObject("entry"));
    assertThat(await(one).getBoolean("duplicate") ^ await(two).getBoolean("duplicate")).isTrue();
    assertThat(texts(syncAll(team, alice))).containsExactly("once", "twice");
  }

  /** A fresh node knows no recent client ids: the stored copy is found through the database's constraint. */
  @Test
  void aSendRetriedAfterARestartIsFoundStoredAndLeavesNoGap() {
    PersistenceOptions options = options().setBatchMaxDelayMillis(ONE_BATCH_DELAY_MILLIS);
    Vertx first = Vertx.vertx();
    PersistenceNode node = await(PersistenceNode.deploy(first, options));
    String alice = account(first, "alice");
    String team = group("team");
    await(request(first, GroupService.WRITE, GroupWrite.create(team, alice, null).toJson()));
    JsonObject original = await(request(first, GroupService.WRITE,
        GroupWrite.send(team, alice, "x", "x").toJson()));
    await(node.close());
    await(first.close());

    deploy(options);
    Future<JsonObject> before = request(GroupService.WRITE, GroupWrite.send(team, alice, "new 1", "n1").toJson());
    Future<JsonObject> retry = request(GroupService.WRITE, GroupWrite.send(team, alice, "x", "x").toJson());
    Future<JsonObject> after = request(GroupService.WRITE, GroupWrite.send(team, alice, "new 2", "n2").toJson());
    assertThat(await(retry).getJsonObject("entry")).isEqualTo(original.getJsonObject("entry"));
    assertThat(await(retry).getBoolean("duplicate")).isTrue();
    assertThat(await(before).getJsonObject("entry").getLong("seq")).isEqualTo(3);
    assertThat(await(after).getJsonObject("entry").getLong("seq")).isEqualTo(4);
    assertThat(texts(syncAll(team, alice))).containsExactly("x", "new 1", "new 2");
  }

  @Test
  void aMemberSyncsFromItsJoiningOnAndFromItsReadCursor() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));
    write(GroupWrite.send(team, alice, "before bob", null));
    write(GroupWrite.invite(team, alice, bob));
    write(GroupWrite.send(team, alice, "after bob 1", null));
    write(GroupWrite.send(team, alice, "after bob 2", null));

    JsonObject fromStart = call(GroupService.SYNC, syncRequest(team, bob, 0L));
    assertThat(seqs(fromStart)).containsExactly(3L, 4L, 5L);
    JsonObject invite = fromStart.getJsonArray("items").getJsonObject(0);
    assertThat(invite.getString("event")).isEqualTo("invite");
    assertThat(invite.getString("kind")).isEqualTo("event");
    assertThat(fromStart.getLong("read")).isEqualTo(3);
    assertThat(fromStart.getLong("latest")).isEqualTo(5);
    // Without after: from the read cursor, which starts at the member's own joining entry.
    assertThat(seqs(call(GroupService.SYNC, syncRequest(team, bob, null)))).containsExactly(4L, 5L);
    call(GroupService.ACK, ackRequest(team, bob, 4));
    JsonObject unread = call(GroupService.SYNC, syncRequest(team, bob, null));
    assertThat(texts(unread)).containsExactly("after bob 2");
    assertThat(unread.getLong("read")).isEqualTo(4);
    JsonObject limited = call(GroupService.SYNC, syncRequest(team, alice, 0L).put("limit", 2));
    assertThat(seqs(limited)).containsExactly(1L, 2L);
    assertThat(limited.getLong("latest")).isEqualTo(5);
    assertFails(GroupService.SYNC, syncRequest(team, user("stranger"), null), ErrorCode.FORBIDDEN, "not a member");
    assertFails(GroupService.SYNC, syncRequest(group("nothing"), bob, null), ErrorCode.NOT_FOUND, "no such group");
  }

  @Test
  void ackMovesTheReadCursorForwardOnlyAndNotPastLatest() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String team = group("team");
    write(GroupWrite.create(team, alice, null));
    for (int i = 0; i < 3; i++) {
      write(GroupWrite.send(team, alice, "text " + i, null));
    }
    assertThat(call(GroupService.ACK, ackRequest(team, alice, 3)).getLong("read")).isEqualTo(3);
    assertThat(call(GroupService.ACK, ackRequest(team, alice, 2)).getLong("read")).isEqualTo(3);
    assertThat(call(GroupService.ACK, ackRequest(team, alice, 4)).getLong("read")).isEqualTo(4);
    assertFails(GroupService.ACK, ackRequest(team, alice, 5), ErrorCode.BAD_REQUEST, "seq beyond latest");
    assertFails(GroupService.ACK, ackRequest(team, bob, 1), ErrorCode.FORBIDDEN, "not a member");
    assertThat(call(GroupService.SYNC, syncRequest(team, alice, null)).getLong("read")).isEqualTo(4);
  }

  @Test
  void membersComeInJoiningOrderAPageAtATime() {
    deploy(options());
    String alice = account("alice");
    String team = group("team");
    write(GroupWrite.create(team, alice, GroupMode.OPEN));
    List<String> joined = new ArrayList<>(List.of(alice));
    for (String name : List.of("erin", "bob", "dave", "carol")) {
      String member = account(name);
      write(GroupWrite.join(team, member));
      joined.add(member);
    }
    JsonObject page = call(GroupService.MEMBERS, membersRequest(team, alice, 1, 2));
    assertThat(page.getLong("total")).isEqualTo(5);
    assertThat(page.getJsonArray("items")).containsExactly(
        new JsonObject().put("address", joined.get(1)).put("role", "member"),
        new JsonObject().put("address", joined.get(2)).put("role", "member"));
    assertThat(members(team, alice, 0, 100)).containsExactly(alice + " owner", joined.get(1) + " member",
        joined.get(2) + " member", joined.get(3) + " member", joined.get(4) + " member");
    assertThat(members(team, alice, 4, 100)).containsExactly(joined.get(4) + " member");
    assertFails(GroupService.MEMBERS, membersRequest(team, user("stranger"), 0, 10), ErrorCode.FORBIDDEN,
        "not a member");
    assertFails(GroupService.MEMBERS, membersRequest(group("nothing"), alice, 0, 10), ErrorCode.NOT_FOUND,
        "no such group");
  }

  @Test
  void listHasTheUsersGroupsByAddressWithTheirCursors() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String zoo = group("zoo");
    String art = group("art");
    String mid = group("mid");
    write(GroupWrite.create(zoo, alice, null));
    write(GroupWrite.create(art, bob, null));
    write(GroupWrite.send(art, bob, "one", null));
    write(GroupWrite.invite(art, bob, alice));
    write(GroupWrite.send(art, bob, "two", null));
    write(GroupWrite.create(mid, bob, null));
    write(GroupWrite.send(zoo, alice, "z", null));
    call(GroupService.ACK, ackRequest(zoo, alice, 2));

    JsonArray items = call(GroupService.LIST, new JsonObject().put("user", alice)).getJsonArray("items");
    assertThat(items).containsExactly(
        new JsonObject().put("group", art).put("latest", 4L).put("read", 3L).put("members", 2L).put("joined", 3L),
        new JsonObject().put("group", zoo).put("latest", 2L).put("read", 2L).put("members", 1L).put("joined", 1L));
    assertThat(call(GroupService.LIST, new JsonObject().put("user", user("nobody"))).getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void historyHasTheLastMessagesWithoutEventsFromTheMembersJoining() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String team = group("team");
    write(GroupWrite.create(team, alice, GroupMode.OPEN));
    write(GroupWrite.send(team, alice, "a1", null));
    write(GroupWrite.join(team, bob));
    write(GroupWrite.send(team, bob, "b1", null));
    write(GroupWrite.send(team, alice, "a2", null));
    write(GroupWrite.send(team, bob, "b2", null));

    JsonArray last = history(team, alice, 3);
    assertThat(last.stream().map(JsonObject.class::cast).map(item -> item.getString("text")))
        .containsExactly("b1", "a2", "b2");
    JsonObject oldest = last.getJsonObject(0);
    assertThat(oldest.getString("from")).isEqualTo(bob);
    assertThat(oldest.getString("to")).isEqualTo(team);
    assertThat(oldest.getString("msg")).startsWith("m");
    assertThat(history(team, alice, 100)).hasSize(4);
    assertThat(history(team, bob, 100).stream().map(JsonObject.class::cast).map(item -> item.getString("text")))
        .containsExactly("b1", "a2", "b2");
    assertFails(GroupService.HISTORY, new JsonObject().put("group", team).put("user", user("stranger")),
        ErrorCode.FORBIDDEN, "not a member");
  }

  @Test
  void aGroupWritePastItsDeadlineIsNotWritten() {
    deploy(options());
    String alice = account("alice");
    String team = group("team");
    assertWriteFails(GroupWrite.create(team, alice, null).withDeadline(System.currentTimeMillis()),
        ErrorCode.UNAVAILABLE, "store overloaded: not written");
    assertWriteFails(GroupWrite.join(team, alice), ErrorCode.NOT_FOUND, "no such group");
    assertWriteFails(GroupWrite.create("#Bad", alice, null), ErrorCode.BAD_REQUEST, "bad group address");
    assertThat(write(GroupWrite.create(team, alice, null)).getLong("latest")).isEqualTo(1);
  }

  // ---- helpers ----

  /** A group address unique to this test run. */
  private String group(String name) {
    return "#" + user(name);
  }

  private JsonObject write(GroupWrite write) {
    return call(GroupService.WRITE, write.toJson());
  }

  private void assertWriteFails(GroupWrite write, ErrorCode code, String reason) {
    assertFails(GroupService.WRITE, write.toJson(), code, reason);
  }

  private static JsonObject syncRequest(String group, String user, Long after) {
    return new GroupService.GroupSync(group, user, after, null).toJson();
  }

  private static JsonObject ackRequest(String group, String user, long seq) {
    return new GroupService.GroupAck(group, user, seq).toJson();
  }

  private static JsonObject membersRequest(String group, String user, long offset, long limit) {
    return new GroupService.MembersQuery(group, user, offset, limit).toJson();
  }

  /** Members as {@code "address role"}. */
  private List<String> members(String group, String user, long offset, long limit) {
    return call(GroupService.MEMBERS, membersRequest(group, user, offset, limit)).getJsonArray("items").stream()
        .map(JsonObject.class::cast).map(item -> item.getString("address") + " " + item.getString("role"))
        .collect(Collectors.toList());
  }

  private JsonArray history(String group, String user, long limit) {
    return call(GroupService.HISTORY, new GroupService.GroupHistory(group, user, limit).toJson())
        .getJsonArray("items");
  }

  /** The member's whole view of the log, a page at a time. */
  private List<JsonObject> syncAll(String group, String user) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonArray page = call(GroupService.SYNC, syncRequest(group, user, after).put("limit", 500))
          .getJsonArray("items");
      if (page.isEmpty()) {
        return all;
      }
      page.stream().map(JsonObject.class::cast).forEach(all::add);
      after = all.get(all.size() - 1).getLong("seq");
    }
  }

  private static List<Long> seqs(JsonObject page) {
    return page.getJsonArray("items").stream().map(JsonObject.class::cast).map(item -> item.getLong("seq"))
        .collect(Collectors.toList());
  }

  private static List<String> texts(JsonObject page) {
    return texts(page.getJsonArray("items").stream().map(JsonObject.class::cast).collect(Collectors.toList()));
  }

  private static List<String> texts(List<JsonObject> items) {
    return items.stream().map(item -> item.getString("text")).filter(text -> text != null)
        .collect(Collectors.toList());
  }

  private static List<Long> range(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().collect(Collectors.toList());
  }
}
