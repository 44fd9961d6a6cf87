package io.clusterchat.persistence.impl;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.GroupService.Op;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;

/**
 * One {@link GroupService.GroupWrite} on its way through its shard's writer: checked on the event loop, written by
 * the {@link GroupWriter} of the group's shard, answered once its batch committed (or failed).
 */
public final class PendingGroupWrite extends PendingWrite<GroupService.GroupWritten> {

  final Op op;
  final String group;
  final String by;
  /** The member an INVITE or REMOVE is about; null for the other ops. */
  final String user;
  /** The mode of a CREATE (invite when none was given); null for the other ops. */
  final GroupMode mode;
  /** A SEND's text; null for the other ops. */
  final String text;
  /** A SEND's idempotency key, or null. */
  final String clientId;

  private PendingGroupWrite(GroupService.GroupWrite request, String user, GroupMode mode,
                            long deadlineMillis) {
    super(deadlineMillis);
    this.op = request.op();
    this.group = request.group();
    this.by = request.by();
    this.user = user;
    this.mode = mode;
    this.text = op == Op.SEND ? request.text() : null;
    this.clientId = op == Op.SEND ? request.clientId() : null;
  }

  /** Checks a group write; throws a 400 or 413 {@link StoreFailure} when bad. */
  public static PendingGroupWrite of(GroupService.GroupWrite request) {
    RequestFields.group(request.group(), "group");
    RequestFields.address(request.by(), "by");
    String user = null;
    if (request.op() == Op.INVITE || request.op() == Op.REMOVE) {
      user = RequestFields.address(request.user(), "user");
    }
    if (request.op() == Op.SEND) {
      if (request.text() == null) {
        throw StoreFailure.badRequest("missing text");
      }
      if (!Limits.isTextLength(request.text())) {
        throw new StoreFailure(ErrorCode.TOO_LARGE, "message text too long");
      }
      RequestFields.clientId(request.clientId());
    }
    GroupMode mode = null;
    if (request.op() == Op.CREATE) {
      mode = request.mode() == null ? GroupMode.INVITE : request.mode();
    }
    return new PendingGroupWrite(request, user, mode, deadlineOf(request.deadline()));
  }

  /** The key a retried SEND is recognised by, or {@code null} when it has none (or is no SEND). */
  DedupKey dedupKey() {
    return clientId == null ? null : new DedupKey(group, by, clientId);
  }

  /** A sender's idempotency key in one group. */
  record DedupKey(String group, String sender, String clientId) {
  }
}
