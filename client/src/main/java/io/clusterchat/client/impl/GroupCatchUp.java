package io.clusterchat.client.impl;

import io.clusterchat.client.ChatException;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.impl.Pending.Items;
import io.clusterchat.client.impl.Pending.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups' part of a reconnect, after the inbox's: GROUPS, then a SYNC of each group with entries after both
 * the user's read cursor there and what the client has seen, in pages, its items reported as events. One group
 * after another, on the connection being restored, before the client says it is ready again.
 */
final class GroupCatchUp {

  /** Sends a request of the client's own on the connection being restored. */
  @FunctionalInterface
  interface Requester {
    Future<Reply> request(String op, JsonObject fields, Items items);
  }

  private static final Logger LOG = LoggerFactory.getLogger(GroupCatchUp.class);

  private final GroupSeqs seen;
  private final Requester requester;
  private final int page;

  GroupCatchUp(GroupSeqs seen, Requester requester, int page) {
    this.seen = seen;
    this.requester = requester;
    this.page = page;
  }

  /**
   * Catches up every group that needs it. A server that refuses (one without groups answers 400 or 503) leaves the
   * groups as they are: the reconnect still succeeds, and pushes go on. A lost connection fails the attempt.
   */
  Future<Void> run() {
    return requester.request("groups", new JsonObject(), Items.COLLECT).compose(reply -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject item : reply.items()) {
        GroupSummary group = Frames.groupSummary(item);
        // Entries up to the read cursor were handled by an earlier session: never report them again.
        seen.raiseFloor(group.group(), group.read());
        long after = seen.floor(group.group());
        if (group.latest() > after) {
          chain = chain.compose(v -> syncFrom(group.group(), after));
        }
      }
      return chain;
    }).recover(e -> e instanceof ChatException refused && !refused.clientSide()
        ? refused(refused) : Future.failedFuture(e));
  }

  private Future<Void> syncFrom(String group, long after) {
    JsonObject fields = new JsonObject().put("group", group).put("after", after).put("limit", page);
    return requester.request("sync", fields, Items.EMIT).compose(reply ->
        reply.frame().getLong("count", 0L) < page ? Future.succeededFuture()
            : syncFrom(group, Frames.highestSeq(reply.items(), after + page)));
  }

  private static Future<Void> refused(ChatException refusal) {
    LOG.debug("group catch-up refused: {}", refusal.getMessage());
    return Future.succeededFuture();
  }
}
