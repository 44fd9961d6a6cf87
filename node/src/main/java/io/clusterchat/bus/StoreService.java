package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.flag;
import static io.clusterchat.bus.BusFields.list;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.optionalString;
import static io.clusterchat.bus.BusFields.putIfPresent;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The persistence-node's event-bus contract: the only way into the database. Each request and reply is a record
 * below, sent as the JSON object its {@code toJson()} makes and read back with its {@code fromJson}; failures are
 * {@code ReplyException}s whose failure code is the protocol error code (404, 409, 400; 503 for a database fault).
 * Addresses are load-balanced over the persistence-nodes, except appends, which only a shard's owner takes.
 *
 * <p><b>Shards.</b> Inboxes are split into a fixed number of shards by {@link #shardOf} of the recipient's
 * address. Each shard has one writer at a time, the persistence-node holding its lease ({@code shard_leases} in the
 * shard's database); appends go to that node's own address, {@link #appendAddressOf}, which {@link StoreRouter}
 * finds from {@link #OWNERS} and the {@link #OWNER_CHANGED} broadcasts. Reads and every other write are served by
 * any persistence-node.
 */
public final class StoreService {

  /** Creates an account: {@link AccountCreate} to {@link AccountCreated}; fails 409 when the address is taken. */
  public static final String ACCOUNT_CREATE = "store.account.create";

  /**
   * Reads an account with its password hash, for the auth-node only: {@link AccountGet} to {@link Account}; fails
   * 404. Nothing else asks for the hash.
   */
  public static final String ACCOUNT_GET = "store.account.get";

  /**
   * Whether an account exists, for everyone but the auth-node (so password hashes never leave the auth-node and the
   * persistence-node): {@link AccountGet} to {@link AccountExists}.
   */
  public static final String ACCOUNT_EXISTS = "store.account.exists";

  /**
   * Revokes every token of an account by raising its token generation: {@link AccountGet} to
   * {@link AccountExists} with the new generation (not existing: nothing changes).
   */
  public static final String ACCOUNT_REVOKE_TOKENS = "store.account.revoke-tokens";

  /**
   * Appends a message to the recipient's inbox, replying only after the transaction that holds it committed
   * (group commit): {@link Append} to {@link Appended}. With a client id already stored for that sender, nothing new
   * is stored and the first append's reply comes back with {@code duplicate} true. Fails 404 when the recipient has
   * no account, 503 (unwritten) when it waited past the append deadline.
   */
  public static final String MESSAGE_APPEND = "store.message.append";

  /**
   * The prefix of each persistence-node's own append address, {@link #appendAddressOf}: {@link Append} to
   * {@link Appended} as {@link #MESSAGE_APPEND}, taken only for shards the node owns; any other fails
   * {@link #MOVED}, nothing stored. {@link #MESSAGE_APPEND} (any node) forwards there.
   */
  public static final String NODE_APPEND_PREFIX = "store.node.append.";

  /** Who owns which shard now, as the store's nodes last read their lease tables: nothing to {@link Owners}. */
  public static final String OWNERS = "store.shard.owners";

  /** Published by a persistence-node each time it takes or hands on a shard: {@link OwnerChanged}. */
  public static final String OWNER_CHANGED = "store.shard.owner-changed";

  /**
   * Published by each persistence-node every second for the coordinators' dashboard: {@link ShardReport}, the
   * shards it owns with their queue depth and commit latency.
   */
  public static final String SHARD_REPORT = "store.shard.report";

  /**
   * Failure code of an append sent to a node that does not own its shard (any more): nothing was stored; ask
   * {@link #OWNERS} and send it again. Never reaches a client: a router that runs out of time answers 503.
   */
  public static final int MOVED = 421;

  /** Reads a user's inbox: {@link InboxSync} to {@link InboxPage}, items in seq order. */
  public static final String INBOX_SYNC = "store.inbox.sync";

  /** Moves a user's acked cursor forward (never back): {@link InboxAck} to {@link Acked}; 400 beyond the latest. */
  public static final String INBOX_ACK = "store.inbox.ack";

  /** A user's cursor: {@link InboxCursor} to {@link Cursor}. */
  public static final String INBOX_CURSOR = "store.inbox.cursor";

  /** The last messages between two users, both directions, oldest first: {@link History} to {@link HistoryPage}. */
  public static final String HISTORY = "store.history";

  private static final String ADDRESS = "address";
  private static final String HASH = "hash";
  private static final String CREATED = "created";
  private static final String EXISTS = "exists";
  private static final String TOKEN_GENERATION = "tokenGeneration";
  private static final String USER = "user";
  private static final String PEER = "peer";
  private static final String FROM = "from";
  private static final String TO = "to";
  private static final String TEXT = "text";
  private static final String CLIENT_ID = "clientId";
  private static final String DEADLINE = "deadline";
  private static final String MSG = "msg";
  private static final String SEQ = "seq";
  private static final String TS = "ts";
  private static final String DUPLICATE = "duplicate";
  private static final String AFTER = "after";
  private static final String LIMIT = "limit";
  private static final String ITEMS = "items";
  private static final String ACKED = "acked";
  private static final String LATEST = "latest";
  private static final String SHARD = "shard";
  private static final String SHARDS = "shards";
  private static final String OWNER = "owner";
  private static final String EPOCH = "epoch";

  private StoreService() {
  }

  /**
   * The shard of an address (a recipient): CRC-32 of its UTF-8 bytes modulo the shard count. Stable across JVMs
   * and releases: it decides where every stored message lives, so it never changes.
   */
  public static int shardOf(String address, int shards) {
    CRC32 crc = new CRC32();
    crc.update(address.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % shards);
  }

  /** The append address of the persistence-node whose cluster member id is {@code memberId}. */
  public static String appendAddressOf(String memberId) {
    return NODE_APPEND_PREFIX + memberId;
  }

  /**
   * A new account: its address and its password hash (PHC string); optionally a deadline (wall-clock ms since the
   * epoch) past which the store must not commit it: it is refused 503, unwritten, because by then the asker has
   * given up and told its client that nothing was stored. Wall-clock, not a duration, so that time the request
   * spent on its way (a connection being set up, a queue) counts too; hosts keep their clocks in step (NTP).
   */
  public record AccountCreate(String address, String hash, Long deadline) {
    /** An account to create, with no time limit. */
    public AccountCreate(String address, String hash) {
      this(address, hash, null);
    }

    public JsonObject toJson() {
      return putIfPresent(new JsonObject().put(ADDRESS, address).put(HASH, hash), DEADLINE, deadline);
    }

    public static AccountCreate fromJson(JsonObject json) {
      return new AccountCreate(string(json, ADDRESS), string(json, HASH), optionalNumber(json, DEADLINE));
    }
  }

  /** The account that was created. */
  public record AccountCreated(String address) {
    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address);
    }

    public static AccountCreated fromJson(JsonObject json) {
      return new AccountCreated(string(json, ADDRESS));
    }
  }

  /** Which account to read. */
  public record AccountGet(String address) {
    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address);
    }

    public static AccountGet fromJson(JsonObject json) {
      return new AccountGet(string(json, ADDRESS));
    }
  }

  /** An account: address, password hash, creation time (ms since the epoch), token generation. */
  public record Account(String address, String hash, long created, long tokenGeneration) {
    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address).put(HASH, hash).put(CREATED, created)
          .put(TOKEN_GENERATION, tokenGeneration);
    }

    public static Account fromJson(JsonObject json) {
      return new Account(string(json, ADDRESS), string(json, HASH), number(json, CREATED),
          number(json, TOKEN_GENERATION));
    }
  }

  /** Whether the account asked about exists, and its token generation (0 when it does not). */
  public record AccountExists(boolean exists, long tokenGeneration) {
    public JsonObject toJson() {
      return new JsonObject().put(EXISTS, exists).put(TOKEN_GENERATION, tokenGeneration);
    }

    public static AccountExists fromJson(JsonObject json) {
      return new AccountExists(flag(json, EXISTS), number(json, TOKEN_GENERATION));
    }
  }

  /**
   * A message to store: sender, recipient, text, the sender's idempotency key (may be null), and optionally a
   * deadline (wall-clock ms since the epoch) past which the store must not commit it, as for {@link AccountCreate}.
   */
  public record Append(String from, String to, String text, String clientId, Long deadline) {
    /** A message to store with no deadline of the asker's (the store's own append deadline still holds). */
    public Append(String from, String to, String text, String clientId) {
      this(from, to, text, clientId, null);
    }

    public JsonObject toJson() {
      return putIfPresent(putIfPresent(new JsonObject().put(FROM, from).put(TO, to).put(TEXT, text),
          CLIENT_ID, clientId), DEADLINE, deadline);
    }

    public static Append fromJson(JsonObject json) {
      return new Append(string(json, FROM), string(json, TO), string(json, TEXT), optionalString(json, CLIENT_ID),
          optionalNumber(json, DEADLINE));
    }
  }

  /**
   * A shard's owner: the cluster member id of the persistence-node holding its lease (null while nobody does, as
   * during a hand-over), with the lease's epoch; a higher epoch is newer.
   */
  public record OwnerChanged(int shard, String owner, long epoch) {
    public JsonObject toJson() {
      return putIfPresent(new JsonObject().put(SHARD, shard).put(EPOCH, epoch), OWNER, owner);
    }

    public static OwnerChanged fromJson(JsonObject json) {
      return new OwnerChanged(BusFields.integer(json, SHARD), optionalString(json, OWNER), number(json, EPOCH));
    }
  }

  /**
   * One owned shard's state on its owner: lease epoch, appends waiting or being written, commits so far and their
   * mean and highest time over the last report interval (0 without commits).
   */
  public record ShardStatus(int shard, long epoch, long queue, long commits, double commitMillisMean,
                            double commitMillisMax) {
    public JsonObject toJson() {
      return new JsonObject().put(SHARD, shard).put(EPOCH, epoch).put("queue", queue).put("commits", commits)
          .put("commitMillisMean", commitMillisMean).put("commitMillisMax", commitMillisMax);
    }

    public static ShardStatus fromJson(JsonObject json) {
      return new ShardStatus(BusFields.integer(json, SHARD), number(json, EPOCH), number(json, "queue"),
          number(json, "commits"), json.getDouble("commitMillisMean", 0.0), json.getDouble("commitMillisMax", 0.0));
    }
  }

  /**
   * A persistence-node's report: its node id and cluster member id, the store's shard count, the databases it
   * writes (URLs without passwords, with the shards each holds) and the shards it owns.
   */
  public record ShardReport(String node, String member, int shards, List<String> databases,
                            List<ShardStatus> owned) {
    public JsonObject toJson() {
      return new JsonObject().put("node", node).put("member", member).put(SHARDS, shards)
          .put("databases", new JsonArray(databases))
          .put("owned", BusFields.array(owned, ShardStatus::toJson));
    }

    public static ShardReport fromJson(JsonObject json) {
      List<String> databases = new ArrayList<>();
      json.getJsonArray("databases", new JsonArray()).forEach(name -> databases.add(String.valueOf(name)));
      return new ShardReport(string(json, "node"), string(json, "member"), BusFields.integer(json, SHARDS),
          databases, list(json, "owned", ShardStatus::fromJson));
    }
  }

  /** The shard count of the store and every shard's owner (index = shard). */
  public record Owners(int shards, List<OwnerChanged> owners) {
    public JsonObject toJson() {
      return new JsonObject().put(SHARDS, shards).put(OWNER, BusFields.array(owners, OwnerChanged::toJson));
    }

    public static Owners fromJson(JsonObject json) {
      return new Owners(BusFields.integer(json, SHARDS), list(json, OWNER, OwnerChanged::fromJson));
    }
  }

  /** A stored message: its id, the recipient's inbox seq, the store time, and whether it was stored before. */
  public record Appended(String msg, long seq, long ts, String from, String to, String text, boolean duplicate) {
    public JsonObject toJson() {
      return new JsonObject().put(MSG, msg).put(SEQ, seq).put(TS, ts).put(FROM, from).put(TO, to).put(TEXT, text)
          .put(DUPLICATE, duplicate);
    }

    public static Appended fromJson(JsonObject json) {
      return new Appended(string(json, MSG), number(json, SEQ), number(json, TS), string(json, FROM),
          string(json, TO), string(json, TEXT), flag(json, DUPLICATE));
    }

    /** The same message as the first append's reply repeats it. */
    public Appended asDuplicate() {
      return new Appended(msg, seq, ts, from, to, text, true);
    }

    /** The message as it sits in the recipient's inbox (what is pushed). */
    public InboxItem item() {
      return new InboxItem(seq, msg, from, to, ts, text);
    }
  }

  /** A message in an inbox: what SYNC streams and a push carries. */
  public record InboxItem(long seq, String msg, String from, String to, long ts, String text) {
    public JsonObject toJson() {
      return new JsonObject().put(SEQ, seq).put(MSG, msg).put(FROM, from).put(TO, to).put(TS, ts).put(TEXT, text);
    }

    public static InboxItem fromJson(JsonObject json) {
      return new InboxItem(number(json, SEQ), string(json, MSG), string(json, FROM), string(json, TO),
          number(json, TS), string(json, TEXT));
    }
  }

  /**
   * A page of a user's inbox: the items after {@code after} (null: after the acked cursor), at most {@code limit}
   * (null: the protocol's default).
   */
  public record InboxSync(String user, Long after, Long limit) {
    public JsonObject toJson() {
      return putIfPresent(putIfPresent(new JsonObject().put(USER, user), AFTER, after), LIMIT, limit);
    }

    public static InboxSync fromJson(JsonObject json) {
      return new InboxSync(string(json, USER), optionalNumber(json, AFTER), optionalNumber(json, LIMIT));
    }
  }

  /** Inbox items in seq order, with the cursor read after them. */
  public record InboxPage(List<InboxItem> items, long acked, long latest) {
    public JsonObject toJson() {
      return new JsonObject().put(ITEMS, BusFields.array(items, InboxItem::toJson)).put(ACKED, acked)
          .put(LATEST, latest);
    }

    public static InboxPage fromJson(JsonObject json) {
      return new InboxPage(list(json, ITEMS, InboxItem::fromJson), number(json, ACKED), number(json, LATEST));
    }
  }

  /** Moves the acked cursor to {@code seq}. */
  public record InboxAck(String user, long seq) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(SEQ, seq);
    }

    public static InboxAck fromJson(JsonObject json) {
      return new InboxAck(string(json, USER), number(json, SEQ));
    }
  }

  /** The acked cursor after an ACK. */
  public record Acked(long acked) {
    public JsonObject toJson() {
      return new JsonObject().put(ACKED, acked);
    }

    public static Acked fromJson(JsonObject json) {
      return new Acked(number(json, ACKED));
    }
  }

  /** Whose cursor to read. */
  public record InboxCursor(String user) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user);
    }

    public static InboxCursor fromJson(JsonObject json) {
      return new InboxCursor(string(json, USER));
    }
  }

  /** A user's cursor: the highest seq acked, the highest seq in the inbox (0 and 0 for an empty inbox). */
  public record Cursor(long acked, long latest) {
    public JsonObject toJson() {
      return new JsonObject().put(ACKED, acked).put(LATEST, latest);
    }

    public static Cursor fromJson(JsonObject json) {
      return new Cursor(number(json, ACKED), number(json, LATEST));
    }
  }

  /** The conversation of {@code user} and {@code peer}: the last {@code limit} (null: the default) messages. */
  public record History(String user, String peer, Long limit) {
    public JsonObject toJson() {
      return putIfPresent(new JsonObject().put(USER, user).put(PEER, peer), LIMIT, limit);
    }

    public static History fromJson(JsonObject json) {
      return new History(string(json, USER), string(json, PEER), optionalNumber(json, LIMIT));
    }
  }

  /** A message of a conversation, either direction. */
  public record HistoryItem(String msg, String from, String to, long ts, String text) {
    public JsonObject toJson() {
      return new JsonObject().put(MSG, msg).put(FROM, from).put(TO, to).put(TS, ts).put(TEXT, text);
    }

    public static HistoryItem fromJson(JsonObject json) {
      return new HistoryItem(string(json, MSG), string(json, FROM), string(json, TO), number(json, TS),
          string(json, TEXT));
    }
  }

  /** A conversation's last messages, oldest first. */
  public record HistoryPage(List<HistoryItem> items) {
    public JsonObject toJson() {
      return new JsonObject().put(ITEMS, BusFields.array(items, HistoryItem::toJson));
    }

    public static HistoryPage fromJson(JsonObject json) {
      return new HistoryPage(list(json, ITEMS, HistoryItem::fromJson));
    }
  }
}
