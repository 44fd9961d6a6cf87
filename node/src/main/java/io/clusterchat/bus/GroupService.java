package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.flag;
import static io.clusterchat.bus.BusFields.list;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.optionalString;
import static io.clusterchat.bus.BusFields.putIfPresent;
import static io.clusterchat.bus.BusFields.string;

import io.clusterchat.protocol.GroupMode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The persistence-node's group contract (PROTOCOL.md 1.1, "Groups"): one log per group, in the shard of the group's
 * address ({@link StoreService#shardOf}), written only by that shard's owner, so that a group's seqs are gap-free
 * whoever writes. Membership changes are entries of the log like messages. Failures are {@code ReplyException}s
 * whose failure code is the protocol error code: 400, 403 (not a member, invite-only, not the owner, full, too many
 * groups), 404 (no such group or user), 409 (CREATE of a group that exists), 503.
 *
 * <p>Writes ({@link GroupWrite}) go to the owner's {@link #nodeWriteAddressOf} through {@link StoreRouter}, as
 * appends do, and are answered after commit; reads go to any persistence-node.
 */
public final class GroupService {

  /**
   * Any group write, on any persistence-node, forwarded to the group's shard owner: {@link GroupWrite} to
   * {@link GroupWritten}.
   */
  public static final String WRITE = "store.group.write";

  /** The prefix of each persistence-node's own group-write address: taken only for shards the node owns. */
  public static final String NODE_WRITE_PREFIX = "store.node.group.";

  /**
   * A member's page of a group's log, from its own joining on: {@link GroupSync} to {@link GroupPage}; 403 for a
   * non-member, 404 for no such group.
   */
  public static final String SYNC = "store.group.sync";

  /** Moves a member's read cursor forward (never back): {@link GroupAck} to {@link GroupAcked}; 400 past latest. */
  public static final String ACK = "store.group.ack";

  /** Members in joining order: {@link MembersQuery} to {@link MembersPage}; 403 for a non-member. */
  public static final String MEMBERS = "store.group.members";

  /** A user's groups with their cursors, over every shard: {@link UserGroups} to {@link GroupList}. */
  public static final String LIST = "store.group.list";

  /** A group's last messages (no membership events), oldest first: {@link GroupHistory} to a history page. */
  public static final String HISTORY = "store.group.history";

  /**
   * How many groups the store holds, and its largest ones, for the dashboard: {@link StatsQuery} to
   * {@link GroupStats}. Any persistence-node; it counts over every database of the store.
   */
  public static final String STATS = "store.group.stats";

  /** What a group write does; also the {@code <event>} of the membership entries it writes. */
  public enum Op {
    CREATE, JOIN, INVITE, LEAVE, REMOVE, SEND;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Op of(String name) {
      for (Op op : values()) {
        if (op.wireName().equals(name)) {
          return op;
        }
      }
      throw new BusContractException("unknown group op '" + name + "'");
    }
  }

  private static final String OP = "op";
  private static final String GROUP = "group";
  private static final String BY = "by";
  private static final String USER = "user";
  private static final String MODE = "mode";
  private static final String TEXT = "text";
  private static final String CLIENT_ID = "clientId";
  private static final String DEADLINE = "deadline";
  private static final String ENTRY = "entry";
  private static final String LATEST = "latest";
  private static final String MEMBERS_FIELD = "members";
  private static final String DUPLICATE = "duplicate";
  private static final String SEQ = "seq";
  private static final String MSG = "msg";
  private static final String TS = "ts";
  private static final String KIND = "kind";
  private static final String EVENT = "event";
  private static final String FROM = "from";
  private static final String AFTER = "after";
  private static final String LIMIT = "limit";
  private static final String OFFSET = "offset";
  private static final String ITEMS = "items";
  private static final String READ = "read";
  private static final String TOTAL = "total";
  private static final String ADDRESS = "address";
  private static final String ROLE = "role";
  private static final String OWNER = "owner";
  private static final String JOINED = "joined";

  private GroupService() {
  }

  /** The group-write address of the persistence-node whose cluster member id is {@code memberId}. */
  public static String nodeWriteAddressOf(String memberId) {
    return NODE_WRITE_PREFIX + memberId;
  }

  /**
   * One write to a group's log, by user {@code by}:
   * <ul>
   *   <li>{@code CREATE}: a new group in {@code mode} (null: invite), {@code by} its owner and first member; entry
   *   {@code create}. 409 if it exists.</li>
   *   <li>{@code JOIN}: {@code by} joins an open group; entry {@code join}. Already a member: no entry, the reply
   *   has a null entry. 403 for an invite-only group or a full one.</li>
   *   <li>{@code INVITE}: member {@code by} adds {@code user}; entry {@code invite}. Already a member: no entry.
   *   404 for no such user.</li>
   *   <li>{@code LEAVE}: {@code by} leaves; entry {@code leave}; the longest-standing member becomes owner when the
   *   owner leaves; the last member leaving leaves an empty group.</li>
   *   <li>{@code REMOVE}: the owner removes {@code user}; entry {@code remove}. 403 unless {@code by} owns it, 404
   *   when {@code user} is not a member.</li>
   *   <li>{@code SEND}: member {@code by} posts {@code text}; a message entry. With a {@code clientId} (the JSON
   *   request id) already stored for {@code by} in this group, nothing new is stored and the first entry comes back
   *   with {@code duplicate} true.</li>
   * </ul>
   * {@code deadline}: wall-clock ms past which the store must not commit it (as for {@link StoreService.Append}).
   */
  public record GroupWrite(Op op, String group, String by, String user, GroupMode mode, String text, String clientId,
                           Long deadline) {

    public static GroupWrite create(String group, String by, GroupMode mode) {
      return new GroupWrite(Op.CREATE, group, by, null, mode, null, null, null);
    }

    public static GroupWrite join(String group, String by) {
      return new GroupWrite(Op.JOIN, group, by, null, null, null, null, null);
    }

    public static GroupWrite invite(String group, String by, String user) {
      return new GroupWrite(Op.INVITE, group, by, user, null, null, null, null);
    }

    public static GroupWrite leave(String group, String by) {
      return new GroupWrite(Op.LEAVE, group, by, null, null, null, null, null);
    }

    public static GroupWrite remove(String group, String by, String user) {
      return new GroupWrite(Op.REMOVE, group, by, user, null, null, null, null);
    }

    public static GroupWrite send(String group, String by, String text, String clientId) {
      return new GroupWrite(Op.SEND, group, by, null, null, text, clientId, null);
    }

    /** The same write with a commit deadline. */
    public GroupWrite withDeadline(long deadlineMillis) {
      return new GroupWrite(op, group, by, user, mode, text, clientId, deadlineMillis);
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put(OP, op.wireName()).put(GROUP, group).put(BY, by);
      putIfPresent(json, USER, user);
      putIfPresent(json, MODE, mode == null ? null : mode.wireName());
      putIfPresent(json, TEXT, text);
      putIfPresent(json, CLIENT_ID, clientId);
      return putIfPresent(json, DEADLINE, deadline);
    }

    public static GroupWrite fromJson(JsonObject json) {
      String modeName = optionalString(json, MODE);
      GroupMode mode = modeName == null ? null : GroupMode.of(modeName);
      if (modeName != null && mode == null) {
        throw new BusContractException("unknown group mode '" + modeName + "'");
      }
      return new GroupWrite(Op.of(string(json, OP)), string(json, GROUP), string(json, BY),
          optionalString(json, USER), mode, optionalString(json, TEXT), optionalString(json, CLIENT_ID),
          optionalNumber(json, DEADLINE));
    }
  }

  /**
   * One entry of a group's log. A message ({@code event} null) has {@code text}; a membership change has
   * {@code event} (an {@link Op} wire name other than {@code send}), {@code from} the user who did it ({@code <by>})
   * and {@code user} the member it is about. {@code msg} is the entry's id, unique in the cluster.
   */
  public record GroupEntry(String group, long seq, String msg, String from, long ts, String text, String event,
                           String user) {

    public boolean isMessage() {
      return event == null;
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put(GROUP, group).put(SEQ, seq).put(MSG, msg).put(FROM, from).put(TS, ts)
          .put(KIND, isMessage() ? "msg" : EVENT);
      putIfPresent(json, TEXT, text);
      putIfPresent(json, EVENT, event);
      return putIfPresent(json, USER, user);
    }

    public static GroupEntry fromJson(JsonObject json) {
      return new GroupEntry(string(json, GROUP), number(json, SEQ), string(json, MSG), string(json, FROM),
          number(json, TS), optionalString(json, TEXT), optionalString(json, EVENT), optionalString(json, USER));
    }
  }

  /**
   * What a write did: the entry it wrote (null when it changed nothing, as a JOIN of a member), the group's latest
   * seq and member count after it, and whether a SEND was a repeat of one stored before.
   */
  public record GroupWritten(GroupEntry entry, long latest, long members, boolean duplicate) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put(LATEST, latest).put(MEMBERS_FIELD, members).put(DUPLICATE, duplicate);
      return entry == null ? json : json.put(ENTRY, entry.toJson());
    }

    public static GroupWritten fromJson(JsonObject json) {
      JsonObject entry = json.getJsonObject(ENTRY);
      return new GroupWritten(entry == null ? null : GroupEntry.fromJson(entry), number(json, LATEST),
          number(json, MEMBERS_FIELD), flag(json, DUPLICATE));
    }
  }

  /** A member's page of the log: after {@code after} (null: its read cursor), at most {@code limit}. */
  public record GroupSync(String group, String user, Long after, Long limit) {
    public JsonObject toJson() {
      return putIfPresent(putIfPresent(new JsonObject().put(GROUP, group).put(USER, user), AFTER, after), LIMIT,
          limit);
    }

    public static GroupSync fromJson(JsonObject json) {
      return new GroupSync(string(json, GROUP), string(json, USER), optionalNumber(json, AFTER),
          optionalNumber(json, LIMIT));
    }
  }

  /** Log entries in seq order, with the member's read cursor and the group's latest seq read after them. */
  public record GroupPage(List<GroupEntry> items, long read, long latest) {
    public JsonObject toJson() {
      return new JsonObject().put(ITEMS, BusFields.array(items, GroupEntry::toJson)).put(READ, read)
          .put(LATEST, latest);
    }

    public static GroupPage fromJson(JsonObject json) {
      return new GroupPage(list(json, ITEMS, GroupEntry::fromJson), number(json, READ), number(json, LATEST));
    }
  }

  /** Moves {@code user}'s read cursor of {@code group} to {@code seq}. */
  public record GroupAck(String group, String user, long seq) {
    public JsonObject toJson() {
      return new JsonObject().put(GROUP, group).put(USER, user).put(SEQ, seq);
    }

    public static GroupAck fromJson(JsonObject json) {
      return new GroupAck(string(json, GROUP), string(json, USER), number(json, SEQ));
    }
  }

  /** The read cursor after an ACK. */
  public record GroupAcked(long read) {
    public JsonObject toJson() {
      return new JsonObject().put(READ, read);
    }

    public static GroupAcked fromJson(JsonObject json) {
      return new GroupAcked(number(json, READ));
    }
  }

  /** Members of {@code group} in joining order, asked by member {@code user}. */
  public record MembersQuery(String group, String user, long offset, long limit) {
    public JsonObject toJson() {
      return new JsonObject().put(GROUP, group).put(USER, user).put(OFFSET, offset).put(LIMIT, limit);
    }

    public static MembersQuery fromJson(JsonObject json) {
      return new MembersQuery(string(json, GROUP), string(json, USER), number(json, OFFSET), number(json, LIMIT));
    }
  }

  /** A member and whether it owns the group. */
  public record Member(String address, boolean owner) {
    public String role() {
      return owner ? OWNER : "member";
    }

    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address).put(ROLE, role());
    }

    public static Member fromJson(JsonObject json) {
      return new Member(string(json, ADDRESS), OWNER.equals(string(json, ROLE)));
    }
  }

  /** A page of members and the group's member count. */
  public record MembersPage(List<Member> items, long total) {
    public JsonObject toJson() {
      return new JsonObject().put(ITEMS, BusFields.array(items, Member::toJson)).put(TOTAL, total);
    }

    public static MembersPage fromJson(JsonObject json) {
      return new MembersPage(list(json, ITEMS, Member::fromJson), number(json, TOTAL));
    }
  }

  /** Whose groups to list. */
  public record UserGroups(String user) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user);
    }

    public static UserGroups fromJson(JsonObject json) {
      return new UserGroups(string(json, USER));
    }
  }

  /**
   * One of a user's groups: its latest seq, the user's read cursor, its member count, and the seq of the user's
   * own joining (the log it sees starts there).
   */
  public record GroupSummary(String group, long latest, long read, long members, long joined) {
    public JsonObject toJson() {
      return new JsonObject().put(GROUP, group).put(LATEST, latest).put(READ, read).put(MEMBERS_FIELD, members)
          .put(JOINED, joined);
    }

    public static GroupSummary fromJson(JsonObject json) {
      return new GroupSummary(string(json, GROUP), number(json, LATEST), number(json, READ),
          number(json, MEMBERS_FIELD), number(json, JOINED));
    }
  }

  /** A user's groups, ordered by address. */
  public record GroupList(List<GroupSummary> items) {
    public JsonObject toJson() {
      return new JsonObject().put(ITEMS, BusFields.array(items, GroupSummary::toJson));
    }

    public static GroupList fromJson(JsonObject json) {
      return new GroupList(list(json, ITEMS, GroupSummary::fromJson));
    }
  }

  /**
   * A group's last {@code limit} (null: the default) messages as member {@code user} may see them (from its
   * joining on); answered with {@link StoreService.HistoryPage}, each item's {@code to} being the group.
   */
  public record GroupHistory(String group, String user, Long limit) {
    public JsonObject toJson() {
      return putIfPresent(new JsonObject().put(GROUP, group).put(USER, user), LIMIT, limit);
    }

    public static GroupHistory fromJson(JsonObject json) {
      return new GroupHistory(string(json, GROUP), string(json, USER), optionalNumber(json, LIMIT));
    }
  }

  /** The number of largest groups to list. */
  public record StatsQuery(int largest) {
    public JsonObject toJson() {
      return new JsonObject().put("largest", largest);
    }

    public static StatsQuery fromJson(JsonObject json) {
      return new StatsQuery(BusFields.integer(json, "largest"));
    }
  }

  /** A group's size for the dashboard: its member count and latest seq. */
  public record GroupSize(String group, long members, long latest) {
    public JsonObject toJson() {
      return new JsonObject().put(GROUP, group).put(MEMBERS_FIELD, members).put(LATEST, latest);
    }

    public static GroupSize fromJson(JsonObject json) {
      return new GroupSize(string(json, GROUP), number(json, MEMBERS_FIELD), number(json, LATEST));
    }
  }

  /** The store's group count and its largest groups, most members first. */
  public record GroupStats(long groups, List<GroupSize> largest) {
    public JsonObject toJson() {
      return new JsonObject().put("groups", groups).put("largest", BusFields.array(largest, GroupSize::toJson));
    }

    public static GroupStats fromJson(JsonObject json) {
      return new GroupStats(number(json, "groups"), list(json, "largest", GroupSize::fromJson));
    }
  }
}
