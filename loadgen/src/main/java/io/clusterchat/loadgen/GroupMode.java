package io.clusterchat.loadgen;

import io.clusterchat.loadgen.impl.ChatLines;
import io.clusterchat.loadgen.impl.Connector;
import io.clusterchat.loadgen.impl.GroupLedger;
import io.clusterchat.loadgen.impl.GroupLines;
import io.clusterchat.loadgen.impl.LineSocket;
import io.clusterchat.loadgen.impl.LoadRun;
import io.clusterchat.loadgen.impl.LongRing;
import io.clusterchat.loadgen.impl.Measurement;
import io.clusterchat.loadgen.impl.RunOptions;
import io.clusterchat.loadgen.impl.Shards;
import io.clusterchat.loadgen.impl.Targets;
import io.clusterchat.loadgen.impl.Tasks;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen group}: G groups (PROTOCOL.md 1.1) of N members each, every member on a connection of its own,
 * spread round robin over the gateways given. Each group's first member creates it as an {@code open} group (a new
 * random name each run) and the others JOIN; then the first S members of each group send, at a fixed total rate
 * shared by all senders of all groups, or in a closed loop ({@code --rate 0}: each sender sends its next message
 * when the previous one is stored). Each text carries its send time and the sender's slot and counter.
 *
 * <p>Every member counts its GMSG pushes: latency from the intended send time (corrected for coordinated omission)
 * to each member's push, and, by the group's seq, the gaps and duplicates of each member (every message seq after
 * its join exactly once, its own messages and membership changes aside; see {@link GroupLedger}). With fewer
 * {@code --users} than G x N memberships, a user is a member of several groups on one connection (for "1,000
 * groups of 100 members" on 10,000 connections).
 */
@Command(name = "group", mixinStandardHelpOptions = true,
    description = "Group chat load: groups of many members on one or more gateways, a few of each group sending, "
        + "every member counting its pushes (latency, gaps, duplicates).")
public final class GroupMode extends LoadRun {

  private static final long SETTLE_MILLIS = 10_000;
  /** Well inside the gateways' idle timeout (120 s by default): logging in thousands of members takes minutes. */
  private static final long HEARTBEAT_MILLIS = 20_000;
  /** Ephemeral ports one source address can use towards one server port (as the connections mode). */
  private static final int PORTS_PER_SOURCE = 25_000;
  /** Source addresses 127.0.0.1 to 127.0.0.254. */
  private static final int MAX_SOURCES = 254;
  /** The text's send time, slot and counter with their spaces at their longest: 19 + 1 + 5 + 1 + 10 + 1. */
  private static final int MIN_SIZE = 40;
  /** Random characters in the run's group names: a new name per run, so every run starts with empty logs. */
  private static final int RANDOM_NAME_CHARS = 5;
  private static final int BASE36 = 36;
  /** Login progress is printed this many times. */
  private static final int PROGRESS_LINES = 10;
  /** More memberships than this are more than one generator can hold. */
  private static final long MAX_MEMBERSHIPS = 10_000_000;
  private static final char PAD = 'x';
  private static final String PREFIX_PATTERN = "[a-z][a-z0-9]{0,7}";

  @Option(names = "--target", required = true, split = ",", paramLabel = "HOST:PORT",
      description = "the gateways; users are spread over them round robin (several: --target a:1,b:2)")
  List<String> targets;

  @Option(names = "--groups", paramLabel = "G", description = "groups chatting at once (default: ${DEFAULT-VALUE})")
  int groups = 1;

  @Option(names = "--members", paramLabel = "N", description = "members of each group (default: ${DEFAULT-VALUE})")
  int members = 1000;

  @Option(names = "--senders", paramLabel = "S",
      description = "members of each group that send, its first S (default: ${DEFAULT-VALUE})")
  int senders = 10;

  @Option(names = "--users", paramLabel = "U",
      description = "accounts, one connection each (default: G x N, every member its own); fewer, and each is a "
          + "member of several groups; at least N")
  Integer users;

  @Option(names = "--rate", required = true, paramLabel = "PER_SECOND",
      description = "messages a second in all, shared by every sender of every group; 0 for a closed loop (each "
          + "sender one message in flight)")
  double rate;

  @Option(names = "--size", paramLabel = "BYTES",
      description = "message text bytes, at least 40 (default: ${DEFAULT-VALUE})")
  int size = 64;

  @Option(names = "--concurrency", paramLabel = "C",
      description = "users creating and joining groups at once (default: ${DEFAULT-VALUE})")
  int concurrency = 64;

  @Option(names = "--login-concurrency", paramLabel = "L",
      description = "accounts registered and logged in at once (default: ${DEFAULT-VALUE}); each costs the "
          + "auth-node a password hash")
  int loginConcurrency = 8;

  @Option(names = "--sources", paramLabel = "K",
      description = "source addresses 127.0.0.1 .. 127.0.0.K (loopback targets only; default: as many as the "
          + "connections per target need)")
  Integer sources;

  @Option(names = "--prefix", paramLabel = "NAME",
      description = "user names are <prefix>u<k> (a rerun reuses the accounts); group names <prefix><random>-<g> "
          + "(default: ${DEFAULT-VALUE})")
  String prefix = "lg";

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "the users' password (default: ${DEFAULT-VALUE})")
  String password = "loadgen-password";

  private final LongAdder messagesSent = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder pushes = new LongAdder();
  private final LongAdder expectedPushes = new LongAdder();
  private final LongAdder eventPushes = new LongAdder();
  private final LongAdder loginFailures = new LongAdder();
  private final LongAdder joinFailures = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final AtomicInteger loggedIn = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  /** From the members' line handlers on until the end: a connection closing meanwhile is a failure. */
  private volatile boolean running;
  private volatile boolean sending;
  private volatile Measurement measurement;
  /** Per shard, per group: written only on that shard, merged once the shards have stopped counting. */
  private GroupLedger[][] ledgers;

  @Override
  protected String mode() {
    return "group";
  }

  @Override
  protected void validate() {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("--target needs at least one HOST:PORT");
    }
    targets.forEach(target -> Targets.parse("--target", target));
    RunOptions.positive("--groups", groups);
    if (members < 2) {
      throw new IllegalArgumentException("--members must be at least 2 (a sender and a reader), was " + members);
    }
    if (senders < 1 || senders > members) {
      throw new IllegalArgumentException("--senders must be 1 to --members (" + members + "), was " + senders);
    }
    if ((long) groups * members > MAX_MEMBERSHIPS) {
      throw new IllegalArgumentException("--groups x --members must be at most " + MAX_MEMBERSHIPS);
    }
    validateUsers();
    RunOptions.atLeastZero("--rate", rate);
    if (size < MIN_SIZE || size > Limits.MAX_TEXT_BYTES) {
      throw new IllegalArgumentException("--size must be " + MIN_SIZE + " to " + Limits.MAX_TEXT_BYTES
          + " (the text carries the send time, slot and counter), was " + size);
    }
    RunOptions.positive("--concurrency", concurrency);
    RunOptions.positive("--login-concurrency", loginConcurrency);
    if (sources != null && (sources < 1 || sources > MAX_SOURCES)) {
      throw new IllegalArgumentException("--sources must be 1 to " + MAX_SOURCES + ", was " + sources);
    }
    if (!prefix.matches(PREFIX_PATTERN)) {
      throw new IllegalArgumentException("--prefix must be a letter and up to 7 more letters or digits, was "
          + prefix);
    }
  }

  /** A group's members are N users in a row (modulo U): distinct only if U is at least N. */
  private void validateUsers() {
    int userCount = userCount();
    if (userCount < members || userCount > groups * members) {
      throw new IllegalArgumentException("--users must be --members (" + members + ") to --groups x --members ("
          + groups * members + "), was " + userCount);
    }
    long groupsPerUser = ((long) groups * members + userCount - 1) / userCount;
    if (groupsPerUser > Limits.MAX_GROUPS_PER_USER) {
      throw new IllegalArgumentException("each user would be in " + groupsPerUser + " groups, more than the "
          + Limits.MAX_GROUPS_PER_USER + " a user may be in: raise --users");
    }
  }

  private int userCount() {
    return users != null ? users : groups * members;
  }

  private int sourceCount() {
    int perTarget = (userCount() + targets.size() - 1) / targets.size();
    return sources != null ? sources : Math.max(1, (perTarget + PORTS_PER_SOURCE - 1) / PORTS_PER_SOURCE);
  }

  @Override
  protected JsonObject parameters() {
    return new JsonObject().put("targets", new JsonArray(new ArrayList<>(targets))).put("groups", groups)
        .put("members", members).put("senders", senders).put("users", userCount()).put("rate", rate)
        .put("size", size).put("sources", sourceCount()).put("durationSeconds", run.durationSeconds)
        .put("warmupSeconds", run.warmupSeconds);
  }

  @Override
  protected Future<JsonObject> execute(Vertx vertx, Shards shards) {
    List<Connector> clients = new ArrayList<>();
    for (int k = 1; k <= sourceCount(); k++) {
      clients.add(client(vertx, sourceCount() == 1 ? null : "127.0.0." + k));
    }
    List<List<User>> byShard = shards.perShard();
    User[] all = new User[userCount()];
    for (int u = 0; u < all.length; u++) {
      all[u] = new User(u, shards.shardOf(u), Targets.parse("--target", targets.get(u % targets.size())),
          clients.get(u % clients.size()));
      byShard.get(all[u].shard).add(all[u]);
    }
    Group[] chats = newGroups(all);
    ledgers = new GroupLedger[shards.size()][groups];
    for (GroupLedger[] shardLedgers : ledgers) {
      for (int g = 0; g < groups; g++) {
        shardLedgers[g] = new GroupLedger(senders);
      }
    }
    warnAboutTheRateLimit();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<User> mine = byShard.get(shard);
      shards.periodic(shard, HEARTBEAT_MILLIS, () -> mine.forEach(User::heartbeat));
    }
    long setupStart = System.nanoTime();
    List<User> creators = List.of(all).stream().filter(User::creates).toList();
    List<User> joiners = List.of(all).stream().filter(user -> !user.creates()).toList();
    return forEachUser(shards, creators, loginConcurrency, User::open)
        .compose(v -> loggedInEnough(creators.size()))
        .compose(v -> forEachUser(shards, creators, concurrency, User::createGroups))
        // Every JOIN is pushed to every live member: joiners hang up after joining, so that a group of N costs
        // N pushes of its joins rather than N squared, and come back with RESUME (no password hash) to listen.
        .compose(v -> forEachUser(shards, joiners, loginConcurrency, user -> user.open()
            .compose(opened -> user.joinGroups()).compose(joined -> user.hangUp())))
        .compose(v -> forEachUser(shards, creators, concurrency, User::joinGroups))
        .compose(v -> forEachUser(shards, joiners, concurrency, User::resume))
        .compose(v -> forEachUser(shards, List.of(all), all.length, User::listen))
        .compose(v -> {
          double setupSeconds = (System.nanoTime() - setupStart) / (double) TimeUnit.SECONDS.toNanos(1);
          out.printf(Locale.ROOT, "%d of %d users logged in, %d groups of %d set up in %.1f s (%d join failures)%n",
              loggedIn.get(), all.length, groups, members, setupSeconds, joinFailures.sum());
          return send(vertx, shards, byShard, all)
              .compose(window -> account(shards, byShard, chats).map(tally -> window.mergeIn(tally)
                  .put("setupSeconds", setupSeconds)));
        })
        .map(this::withTotals)
        .eventually(() -> {
          running = false;
          return Future.join(List.of(all).stream().map(User::close).toList());
        });
  }

  /** The groups and their members: member m of group g is user (g x N + m) mod U; the first S members send. */
  private Group[] newGroups(User[] all) {
    String runName = prefix
        + Long.toString(ThreadLocalRandom.current().nextLong(pow36(RANDOM_NAME_CHARS)), BASE36);
    Group[] chats = new Group[groups];
    for (int g = 0; g < groups; g++) {
      chats[g] = new Group(g, runName + "-" + g);
      for (int m = 0; m < members; m++) {
        User user = all[(int) (((long) g * members + m) % all.length)];
        user.memberships.add(new Member(chats[g], user, m, m < senders ? m : -1));
      }
    }
    return chats;
  }

  private static long pow36(int digits) {
    long value = 1;
    for (int i = 0; i < digits; i++) {
      value *= BASE36;
    }
    return value;
  }

  private void warnAboutTheRateLimit() {
    double perSender = rate / ((double) groups * senders);
    if (perSender > Limits.DEFAULT_RATE_LIMIT) {
      out.printf(Locale.ROOT, "note: %.0f messages/s per sender is over the gateway's default per-connection "
          + "limit of %d frames/s: expect ERR 429 unless the gateways' rate limit is raised%n", perSender,
          Limits.DEFAULT_RATE_LIMIT);
    }
  }

  private static Future<Void> forEachUser(Shards shards, List<User> some, int parallelism,
                                          Function<User, Future<?>> task) {
    return Tasks.forEach(some.size(), Math.max(1, parallelism), i -> shards.on(some.get(i).shard, () ->
        task.apply(some.get(i)).map(done -> (Object) null)));
  }

  private Future<Void> loggedInEnough(int userCount) {
    return loggedIn.get() > 0 ? Future.succeededFuture()
        : Future.failedFuture("none of the " + userCount + " users could log in: " + firstFailure.get());
  }

  private void failed(Throwable cause) {
    firstFailure.compareAndSet(null, String.valueOf(cause.getMessage()));
  }

  /** The measured sending: warm-up, window, then the settling of what is still due. */
  private Future<JsonObject> send(Vertx vertx, Shards shards, List<List<User>> byShard, User[] all) {
    Measurement step = new Measurement(out, "delivery", "stored");
    measurement = step;
    running = true;
    sending = true;
    List<List<Member>> sendersByShard = new ArrayList<>();
    int totalSenders = 0;
    for (List<User> mine : byShard) {
      List<Member> shardSenders = new ArrayList<>();
      mine.forEach(user -> user.memberships.stream().filter(Member::sends).forEach(shardSenders::add));
      sendersByShard.add(shardSenders);
      totalSenders += shardSenders.size();
    }
    if (totalSenders == 0) {
      return Future.failedFuture("no sender joined its group: " + firstFailure.get());
    }
    List<Future<Long>> started = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<Member> mine = sendersByShard.get(shard);
      if (rate == 0) {
        started.add(shards.on(shard, () -> {
          mine.forEach(member -> member.send(System.nanoTime()));
          return Future.succeededFuture(-1L);
        }));
      } else if (!mine.isEmpty()) {
        // Each shard's share of the rate follows its share of the senders: every sender sends as often.
        started.add(shards.paced(shard, rate * mine.size() / totalSenders, mine, () -> sending, Member::send));
      }
    }
    return Future.all(started)
        .compose(v -> step.run(vertx, run.warmupSeconds, run.durationSeconds, () -> open(all)))
        .compose(v -> {
          sending = false;
          started.forEach(timer -> vertx.cancelTimer(timer.result()));
          return Tasks.until(vertx, this::settled, SETTLE_MILLIS);
        })
        .map(v -> step.report());
  }

  private boolean settled() {
    return unanswered() == 0 && pushes.sum() >= expectedPushes.sum();
  }

  private long unanswered() {
    return messagesSent.sum() - acknowledged.sum() - refused.sum();
  }

  private static int open(User[] all) {
    int open = 0;
    for (User user : all) {
      if (user.socket != null && user.socket.isOpen()) {
        open++;
      }
    }
    return open;
  }

  /**
   * Stops the counting on every shard (on the shard, so nothing is recorded after), then merges the shards' ledgers
   * and checks each member against its group's.
   */
  private Future<JsonObject> account(Shards shards, List<List<User>> byShard, Group[] chats) {
    List<Future<Void>> stopped = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<User> mine = byShard.get(shard);
      stopped.add(shards.on(shard, () -> {
        mine.forEach(user -> user.memberships.forEach(member -> member.frozen = true));
        return Future.succeededFuture();
      }));
    }
    return Future.all(stopped).map(v -> tally(byShard, chats));
  }

  private JsonObject tally(List<List<User>> byShard, Group[] chats) {
    GroupLedger[] merged = new GroupLedger[groups];
    long seenByNobody = 0;
    long created = 0;
    for (int g = 0; g < groups; g++) {
      created += chats[g].address == null ? 0 : 1;
      merged[g] = new GroupLedger(senders);
      for (GroupLedger[] shardLedgers : ledgers) {
        merged[g].merge(shardLedgers[g]);
      }
      seenByNobody += Math.max(0, chats[g].acknowledged.sum() - merged[g].messagesSeen());
    }
    long gaps = 0;
    long duplicates = 0;
    long withGaps = 0;
    long withDuplicates = 0;
    long maxGaps = 0;
    for (List<User> mine : byShard) {
      for (User user : mine) {
        for (Member member : user.memberships) {
          if (member.seen == null) {
            continue;
          }
          long memberGaps = merged[member.group.index].gaps(member.seen);
          gaps += memberGaps;
          duplicates += member.seen.duplicates();
          withGaps += memberGaps > 0 ? 1 : 0;
          withDuplicates += member.seen.duplicates() > 0 ? 1 : 0;
          maxGaps = Math.max(maxGaps, memberGaps);
        }
      }
    }
    return new JsonObject().put("gaps", gaps).put("duplicates", duplicates).put("membersWithGaps", withGaps)
        .put("membersWithDuplicates", withDuplicates).put("maxGapsOfAMember", maxGaps)
        .put("messagesSeenByNobody", seenByNobody).put("groupsCreated", created);
  }

  private JsonObject withTotals(JsonObject result) {
    long expected = expectedPushes.sum();
    return result
        .put("rate", rate).put("closedLoop", rate == 0)
        .put("pushesPerSecond", result.getLong("receivedPerSecond"))
        .put("users", userCount()).put("loggedIn", loggedIn.get()).put("loginFailures", loginFailures.sum())
        .put("droppedWhileRunning", dropped.sum())
        .put("connectionFailures", loginFailures.sum() + dropped.sum())
        .put("joinFailures", joinFailures.sum())
        .put("messagesSent", messagesSent.sum()).put("acknowledged", acknowledged.sum())
        .put("refused", refused.sum()).put("unanswered", unanswered())
        .put("pushesDelivered", pushes.sum()).put("pushesExpected", expected)
        .put("undelivered", Math.max(0, expected - pushes.sum()))
        .put("membershipEventPushes", eventPushes.sum());
  }

  @Override
  protected String summary(JsonObject result) {
    JsonObject delivery = result.getJsonObject("latency").getJsonObject("delivery");
    String load = rate == 0 ? "closed loop" : Math.round(rate) + " messages/s offered";
    return String.format(Locale.ROOT, "%d pushes/s (%s), push p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
            + "max %.3f ms; %d sent, %d acknowledged, %d refused; gaps %d, duplicates %d, undelivered %d; "
            + "%d connection failures, %d join failures (%d groups of %d, %d senders each, %d s)",
        result.getLong("pushesPerSecond"), load, delivery.getDouble("p50Ms"), delivery.getDouble("p90Ms"),
        delivery.getDouble("p99Ms"), delivery.getDouble("maxMs"), result.getLong("messagesSent"),
        result.getLong("acknowledged"), result.getLong("refused"), result.getLong("gaps"),
        result.getLong("duplicates"), result.getLong("undelivered"), result.getLong("connectionFailures"),
        result.getLong("joinFailures"), groups, members, senders, run.durationSeconds);
  }

  /** A group of the run: its name, its address once created, and how many members it has. */
  private static final class Group {

    final int index;
    final String name;
    final AtomicInteger joined = new AtomicInteger();
    final LongAdder acknowledged = new LongAdder();
    /** Set by its creator's shard, read by the joiners' later. */
    volatile String address;

    Group(int index, String name) {
      this.index = index;
      this.name = name;
    }
  }

  /** One membership: a user in a group, maybe one of its senders. Confined to the user's shard. */
  private final class Member {

    final Group group;
    final User user;
    /** Its place in the group: 0 created it. */
    final int position;
    /** Its sender slot, or -1. */
    final int slot;
    private final String padding;
    GroupLedger.Seen seen;
    boolean frozen;
    private long counter;

    Member(Group group, User user, int position, int slot) {
      this.group = group;
      this.user = user;
      this.position = position;
      this.slot = slot;
      this.padding = slot < 0 ? "" : String.valueOf(PAD).repeat(Math.max(1, size - MIN_SIZE));
    }

    boolean sends() {
      return slot >= 0 && seen != null;
    }

    void joined(long latest) {
      seen = new GroupLedger.Seen(latest, slot);
      group.joined.incrementAndGet();
      user.byGroup.put(group.address, this);
    }

    void send(long intendedNanos) {
      Measurement current = measurement;
      current.sent.increment();
      messagesSent.increment();
      LineSocket socket = user.socket;
      if (socket == null || !socket.isOpen()) {
        current.errors.increment();
        refused.increment();
        return;
      }
      counter++;
      user.awaiting.add(this);
      user.awaitingNanos.add(intendedNanos);
      socket.send("SEND " + group.address + " " + GroupLines.text(intendedNanos, slot, counter, padding));
    }
  }

  /** One account on one connection, a member of one or more groups. Confined to its shard. */
  private final class User {

    final int index;
    final int shard;
    final String name;
    final SocketAddress target;
    final Connector client;
    final List<Member> memberships = new ArrayList<>(1);
    /** Its groups by full address, as pushes name them. */
    final Map<String, Member> byGroup = new HashMap<>();
    /** Its SENDs awaiting their replies, in order, and their intended times. */
    final ArrayDeque<Member> awaiting = new ArrayDeque<>();
    final LongRing awaitingNanos = new LongRing();
    volatile LineSocket socket;
    private boolean loggedInHere;
    private String token;

    User(int index, int shard, SocketAddress target, Connector client) {
      this.index = index;
      this.shard = shard;
      this.name = prefix + "u" + index;
      this.target = target;
      this.client = client;
    }

    Future<Void> open() {
      return ChatLines.connect(client, target, run.timeoutMillis())
          .compose(greeted -> {
            socket = greeted.socket();
            return ChatLines.registerAndLogin(socket, name, password, run.timeoutMillis());
          })
          .<Void>map(login -> {
            loggedInHere = true;
            token = login.token();
            progress(loggedIn.incrementAndGet());
            return null;
          })
          .recover(this::lost);
    }

    /** Counts a failed connect, login or resume, and leaves the user's memberships out of the run. */
    private Future<Void> lost(Throwable cause) {
      loginFailures.increment();
      failed(cause);
      close();
      socket = null;
      loggedInHere = false;
      for (Member member : memberships) {
        if (member.seen != null) {
          member.seen = null;
          member.group.joined.decrementAndGet();
        }
      }
      return Future.succeededFuture();
    }

    /** Whether it creates a group: it keeps its first connection throughout. */
    boolean creates() {
      return memberships.stream().anyMatch(member -> member.position == 0);
    }

    Future<Void> hangUp() {
      Future<Void> closed = close();
      socket = null;
      return closed;
    }

    /** Back on a new connection of the same session, once it has joined its groups. */
    Future<Void> resume() {
      if (!loggedInHere) {
        return Future.succeededFuture();
      }
      return ChatLines.connect(client, target, run.timeoutMillis())
          .compose(greeted -> {
            socket = greeted.socket();
            return ChatLines.resume(socket, token, run.timeoutMillis());
          })
          .<Void>mapEmpty()
          .recover(this::lost);
    }

    private void progress(int count) {
      int total = userCount();
      int step = Math.max(1, total / PROGRESS_LINES);
      if (count % step == 0 || count == total) {
        out.printf(Locale.ROOT, "%d of %d users logged in%n", count, total);
      }
    }

    /** CREATEs the groups it is the first member of; a refusal fails the run (the server may not have groups). */
    Future<Void> createGroups() {
      Future<Void> chain = Future.succeededFuture();
      for (Member member : memberships) {
        if (member.position == 0 && loggedInHere) {
          chain = chain.compose(v -> GroupLines.create(socket, member.group.name, run.timeoutMillis())
              .map(address -> {
                member.group.address = address;
                member.joined(0);
                return null;
              }));
        }
      }
      return chain;
    }

    /** JOINs its other groups; a refusal is counted, and that membership left out. */
    Future<Void> joinGroups() {
      Future<Void> chain = Future.succeededFuture();
      for (Member member : memberships) {
        if (member.position != 0 && loggedInHere && member.group.address != null) {
          chain = chain.compose(v -> GroupLines.join(socket, member.group.address, run.timeoutMillis())
              .<Void>map(latest -> {
                member.joined(latest);
                return null;
              })
              .recover(e -> {
                joinFailures.increment();
                failed(e);
                return Future.succeededFuture();
              }));
        }
      }
      return chain;
    }

    Future<Void> listen() {
      LineSocket mine = socket;
      if (mine != null) {
        mine.handler(this::onLine);
        mine.closeHandler(v -> {
          if (running) {
            dropped.increment();
          }
        });
      }
      return Future.succeededFuture();
    }

    void heartbeat() {
      LineSocket mine = socket;
      if (loggedInHere && mine != null && mine.isOpen()) {
        mine.send("PING");
      }
    }

    Future<Void> close() {
      LineSocket mine = socket;
      return mine == null ? Future.succeededFuture() : mine.close().recover(e -> Future.succeededFuture());
    }

    // GMSG <group> <seq> ...; GEVENT ...; OK SEND <msg-id> <ts>; ERR <code> <reason>; PONG
    private void onLine(String line) {
      long now = System.nanoTime();
      if (line.startsWith(GroupLines.GMSG)) {
        onGroupMessage(line, now);
      } else if (line.startsWith(GroupLines.GEVENT)) {
        eventPushes.increment();
      } else if (line.startsWith("OK SEND ")) {
        onReply(now, true);
      } else if (line.startsWith("ERR ")) {
        onReply(now, false);
      }
    }

    private void onGroupMessage(String line, long now) {
      GroupLines.GroupMessage message = GroupLines.parse(line);
      Member member = message == null ? null : byGroup.get(message.group());
      if (member == null || member.frozen) {
        return;
      }
      Measurement current = measurement;
      current.latency("delivery").record(now - message.sentNanos());
      current.received.increment();
      pushes.increment();
      member.seen.record(message.seq());
      ledgers[shard][member.group.index].attribute(message.slot(), message.seq());
    }

    /** The reply to the oldest SEND awaiting one (an ERR that answered a PING is taken for a SEND's). */
    private void onReply(long now, boolean stored) {
      Member sender = awaiting.poll();
      long intended = awaitingNanos.poll(now);
      if (sender == null) {
        return;
      }
      Measurement current = measurement;
      if (stored) {
        acknowledged.increment();
        sender.group.acknowledged.increment();
        // Every other member is pushed the message: the settling waits for those pushes.
        expectedPushes.add(sender.group.joined.get() - 1);
        current.latency("stored").record(now - intended);
      } else {
        refused.increment();
        current.errors.increment();
      }
      if (rate == 0 && sending) {
        sender.send(now);
      }
    }
  }
}
