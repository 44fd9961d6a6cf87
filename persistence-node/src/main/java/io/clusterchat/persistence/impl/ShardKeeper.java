package io.clusterchat.persistence.impl;

import io.clusterchat.bus.BusMessages;
import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's share of the shards: every {@value #TICK_MILLIS} ms, on a thread of its own, it renews the
 * leases it holds, reads every lease row of every database, and takes, keeps or hands on shards so that each
 * shard ends up with the node that rendezvous hashing picks among the live persistence-nodes.
 *
 * <p><b>Safety</b> rests on the epoch alone: taking a lease raises it (a compare-and-set on the epoch and beat
 * this node read), and every commit of a writer checks its own epoch and ownership in the same transaction, so a
 * node that lost a lease (frozen, cut off, slow) can never commit into the shard again. Everything here only
 * decides <i>when</i> to take a lease, which is a matter of availability.
 *
 * <p><b>Liveness</b>: an owner raises its leases' beat every {@value #RENEW_MILLIS} ms. A lease whose beat has not
 * moved for {@value #EXPIRY_MILLIS} ms by this node's clock, or for {@value #GONE_EXPIRY_MILLIS} ms when its
 * owner has left this node's cluster view, has expired, and the shard's chosen node takes it. No clocks of two
 * hosts are ever compared. A live owner's lease is never taken: a shard moves to a new node by hand-over, where
 * the owner stops taking appends, answers those it has, and clears the owner; the new node takes it at its next
 * tick. A node that sees no data member for {@value #ISOLATION_MILLIS} ms is cut off: it hands on everything and
 * takes nothing until it sees one again.
 */
public final class ShardKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShardKeeper.class);
  static final long TICK_MILLIS = 200;
  static final long RENEW_MILLIS = 500;
  static final long EXPIRY_MILLIS = 3_000;
  static final long GONE_EXPIRY_MILLIS = 1_000;
  static final long ISOLATION_MILLIS = 5_000;
  private static final long REPORT_MILLIS = 1_000;
  /**
   * A persistence-node is a candidate for shards only while its keeper reports (every {@value #REPORT_MILLIS} ms):
   * one that has joined the cluster but not started its store yet, or is frozen, would leave the shards handed to it
   * without an owner.
   */
  static final long READY_MILLIS = 3_000;
  private static final long STOP_WAIT_SECONDS = 5;
  private static final int TAKE_TIMEOUT_SECONDS = 1;

  private static final String SELECT_LEASES = "SELECT shard, epoch, owner, owner_name, beat FROM shard_leases";
  private static final String RENEW = "UPDATE shard_leases SET beat = beat + 1"
      + " WHERE shard = ? AND epoch = ? AND owner = ?";
  private static final String TAKE_FREE = "UPDATE shard_leases SET epoch = epoch + 1, owner = ?, owner_name = ?,"
      + " beat = beat + 1 WHERE shard = ? AND epoch = ? AND beat = ? AND owner IS NULL";
  private static final String TAKE_EXPIRED = "UPDATE shard_leases SET epoch = epoch + 1, owner = ?,"
      + " owner_name = ?, beat = beat + 1 WHERE shard = ? AND epoch = ? AND beat = ? AND owner = ?";
  private static final String RELEASE = "UPDATE shard_leases SET owner = NULL, owner_name = NULL, beat = beat + 1"
      + " WHERE shard = ? AND epoch = ? AND owner = ?";

  private final Vertx vertx;
  private final ShardDatabases databases;
  private final StorePeers peers;
  private final Map<Integer, ShardLease> held = new ConcurrentHashMap<>();
  /** The last lease row read per shard, and when (this node's clock) its epoch, owner or beat last moved. */
  private final Map<Integer, Observed> observed = new HashMap<>();
  /** Persistence-node name -> when its keeper's last shard report arrived (System.nanoTime()). */
  private final Map<String, Long> reportedAt = new ConcurrentHashMap<>();
  private MessageConsumer<Object> reports;
  private volatile StoreService.Owners owners;
  private final ScheduledExecutorService thread;
  private long lastRenewNanos;
  private long lastReportNanos;
  private long isolatedSinceNanos = -1;
  private long lastTickNanos;
  private final Map<Database, Boolean> failing = new HashMap<>();

  /** A lease row as read, and when this node first saw it in this state. */
  private record Observed(long epoch, String owner, String ownerName, long beat, long sinceNanos) {
    boolean sameAs(long epoch, String owner, long beat) {
      return this.epoch == epoch && this.beat == beat && Objects.equals(this.owner, owner);
    }
  }

  public ShardKeeper(Vertx vertx, ShardDatabases databases, StorePeers peers) {
    this.vertx = vertx;
    this.databases = databases;
    this.peers = peers;
    List<StoreService.OwnerChanged> none = new ArrayList<>();
    for (int shard = 0; shard < databases.shards(); shard++) {
      none.add(new StoreService.OwnerChanged(shard, null, -1));
    }
    this.owners = new StoreService.Owners(databases.shards(), List.copyOf(none));
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread keeper = new Thread(runnable, "clusterchat-shard-keeper");
      keeper.setDaemon(true);
      return keeper;
    });
  }

  /**
   * Starts keeping; the future completes after the first round, in which the node took every shard it is chosen
   * for that nobody holds (a new store, or one whose nodes all stopped cleanly).
   */
  public Future<Void> start() {
    reports = vertx.eventBus().consumer(StoreService.SHARD_REPORT, this::reported);
    Promise<Void> firstRound = Promise.promise();
    thread.execute(() -> {
      tickSafely();
      firstRound.complete();
    });
    thread.scheduleWithFixedDelay(this::tickSafely, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return firstRound.future();
  }

  /** The lease this node holds on {@code shard} now, or null. */
  public ShardLease lease(int shard) {
    ShardLease lease = held.get(shard);
    return lease == null || lease.lost() ? null : lease;
  }

  /** Every shard's owner as last read. */
  public StoreService.Owners owners() {
    return owners;
  }

  public List<ShardLease> held() {
    return List.copyOf(held.values());
  }

  /**
   * Stops the keeper and hands every shard on at once (appends still queued fail 503 meanwhile: the stop has
   * already failed them), so the others need not wait for the leases to expire. Blocks.
   */
  @Override
  public void close() {
    if (reports != null) {
      reports.unregister();
    }
    thread.shutdown();
    try {
      thread.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ShardLease lease : held.values()) {
      release(lease);
    }
  }

  private void reported(Message<Object> message) {
    try {
      reportedAt.put(StoreService.ShardReport.fromJson(BusMessages.body(message)).node(), System.nanoTime());
    } catch (RuntimeException e) { // BusContractException, or a body that is no JSON object
      LOG.warn("ignored a bad {} message: {}", StoreService.SHARD_REPORT, e.getMessage());
    }
  }

  /** Whether the keeper of the node of this name has reported lately (this node's own always has). */
  private boolean reporting(String name, long now) {
    if (name.equals(peers.selfName())) {
      return true;
    }
    Long at = reportedAt.get(name);
    return at != null && now - at < TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("shard keeper tick failed", e);
    }
  }

  private void tick() {
    long now = System.nanoTime();
    if (lastTickNanos != 0 && now - lastTickNanos > TimeUnit.MILLISECONDS.toNanos(GONE_EXPIRY_MILLIS)) {
      // This node was paused (a freeze, a long GC): what it saw before says nothing about who is alive now.
      LOG.warn("the shard keeper was held up for {} ms: it watches every lease afresh",
          TimeUnit.NANOSECONDS.toMillis(now - lastTickNanos));
      observed.clear();
    }
    lastTickNanos = now;
    boolean isolated = isolated(now);
    boolean renew = now - lastRenewNanos >= TimeUnit.MILLISECONDS.toNanos(RENEW_MILLIS);
    if (renew) {
      lastRenewNanos = now;
    }
    for (Database database : databases.databases()) {
      try {
        if (renew) {
          renew(database);
        }
        if (failing.remove(database) != null) {
          // Nobody could beat while the database was away: its leases are watched afresh, not all expired.
          LOG.info("shard leases of {} readable again", database.name());
          for (int shard : databases.shardsOf(database)) {
            observed.remove(shard);
          }
        }
        act(database, read(database, now), now, isolated);
      } catch (SQLException e) {
        if (failing.put(database, Boolean.TRUE) == null) {
          LOG.warn("cannot keep the shard leases of {}: {}", database.name(), e.getMessage());
        }
      }
    }
    List<StoreService.OwnerChanged> table = new ArrayList<>(owners.owners());
    observed.forEach((shard, row) -> table.set(shard, new StoreService.OwnerChanged(shard, row.owner(),
        row.epoch())));
    owners = new StoreService.Owners(databases.shards(), List.copyOf(table));
    if (now - lastReportNanos >= TimeUnit.MILLISECONDS.toNanos(REPORT_MILLIS)) {
      lastReportNanos = now;
      report();
    }
  }

  private boolean isolated(long now) {
    if (peers.seesDataMember()) {
      if (isolatedSinceNanos >= 0) {
        LOG.info("sees a data member again: takes shards again");
      }
      isolatedSinceNanos = -1;
      return false;
    }
    if (isolatedSinceNanos < 0) {
      isolatedSinceNanos = now;
    }
    boolean isolated = now - isolatedSinceNanos >= TimeUnit.MILLISECONDS.toNanos(ISOLATION_MILLIS);
    if (isolated && !held.isEmpty()) {
      LOG.warn("no data member seen for {} ms: cut off from the cluster, hands on its {} shards",
          ISOLATION_MILLIS, held.size());
    }
    return isolated;
  }

  /**
   * Raises the beat of every lease held in {@code database}, each row in a statement of its own that commits at
   * once: a transaction over several rows would keep their locks while this node is frozen (SIGSTOP, a long pause)
   * in the middle of it, and the node taking the leases over would wait on them. A lease whose row says otherwise
   * is lost.
   */
  private void renew(Database database) throws SQLException {
    List<ShardLease> leases = new ArrayList<>();
    for (ShardLease lease : held.values()) {
      if (lease.database == database && !lease.lost()) {
        leases.add(lease);
      }
    }
    if (leases.isEmpty()) {
      return;
    }
    List<ShardLease> gone = database.withConnection(connection -> {
      List<ShardLease> missing = new ArrayList<>();
      try (PreparedStatement update = connection.prepareStatement(RENEW)) {
        for (ShardLease lease : leases) {
          int index = 1;
          update.setInt(index++, lease.shard);
          update.setLong(index++, lease.epoch);
          update.setString(index, peers.self());
          if (update.executeUpdate() == 0) {
            missing.add(lease);
          }
        }
      }
      return missing;
    });
    gone.forEach(lease -> lost(lease, "its lease row names another owner or epoch"));
  }

  private Map<Integer, Observed> read(Database database, long now) throws SQLException {
    return database.withConnection(connection -> {
      Map<Integer, Observed> rows = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement(SELECT_LEASES);
          ResultSet row = select.executeQuery()) {
        // A change is seen now, not at the tick's start: a node paused in between (SIGSTOP, a long GC) would
        // otherwise date the change back to before the pause and see a live lease as expired right after.
        long seenAt = Math.max(now, System.nanoTime());
        while (row.next()) {
          int shard = row.getInt("shard");
          long epoch = row.getLong("epoch");
          String owner = row.getString("owner");
          long beat = row.getLong("beat");
          Observed before = observed.get(shard);
          Observed seen = before != null && before.sameAs(epoch, owner, beat) ? before
              : new Observed(epoch, owner, row.getString("owner_name"), beat, seenAt);
          observed.put(shard, seen);
          rows.put(shard, seen);
        }
      }
      return rows;
    });
  }

  private void act(Database database, Map<Integer, Observed> rows, long now, boolean isolated) {
    // Without a data member there is no event bus: take nothing (and hand everything on once cut off for long).
    List<String> candidates = isolated || !peers.seesDataMember() ? List.of() : candidates(now);
    for (Map.Entry<Integer, Observed> entry : rows.entrySet()) {
      int shard = entry.getKey();
      Observed row = entry.getValue();
      ShardLease lease = held.get(shard);
      if (lease != null && (lease.lost() || !peers.self().equals(row.owner()) || lease.epoch != row.epoch())) {
        lost(lease, "another node holds it now (" + row.ownerName() + ", epoch " + row.epoch() + ")");
        lease = null;
      }
      String chosen = Rendezvous.choose(shard, candidates);
      if (lease != null) {
        if (peers.selfName().equals(chosen)) {
          lease.keep();
        } else if ((chosen != null || isolated) && lease.drained()) {
          release(lease);
        }
      } else if (peers.selfName().equals(chosen) && (row.owner() == null || expired(row, now))) {
        take(database, shard, row);
      }
    }
  }

  /**
   * The names of the live persistence-nodes that may hold shards: those whose leases are not all standing still.
   */
  private List<String> candidates(long now) {
    long at = System.nanoTime();
    List<String> live = new ArrayList<>(peers.persistenceNodes());
    live.removeIf(name -> !reporting(name, at));
    if (!live.contains(peers.selfName())) {
      live.add(peers.selfName());
    }
    for (Observed row : observed.values()) {
      // A lease of this node's name but another member id is an earlier run's: it does not make this run dead.
      if (row.owner() != null && !row.owner().equals(peers.self()) && !peers.selfName().equals(row.ownerName())
          && expired(row, now)) {
        live.remove(row.ownerName());
      }
    }
    return live;
  }

  private boolean expired(Observed row, long now) {
    long still = now - row.sinceNanos();
    if (still >= TimeUnit.MILLISECONDS.toNanos(EXPIRY_MILLIS)) {
      return true;
    }
    return !peers.persistenceNodes().contains(row.ownerName())
        && still >= TimeUnit.MILLISECONDS.toNanos(GONE_EXPIRY_MILLIS);
  }

  private void take(Database database, int shard, Observed row) {
    try {
      Long lastId = database.withConnection(connection -> {
        int taken;
        try (PreparedStatement update = connection.prepareStatement(row.owner() == null ? TAKE_FREE : TAKE_EXPIRED)) {
          // A row locked by a frozen owner's open transaction must not hold up the takeover of every other shard.
          update.setQueryTimeout(TAKE_TIMEOUT_SECONDS);
          int index = 1;
          update.setString(index++, peers.self());
          update.setString(index++, peers.selfName());
          update.setInt(index++, shard);
          update.setLong(index++, row.epoch());
          update.setLong(index++, row.beat());
          if (row.owner() != null) {
            update.setString(index, row.owner());
          }
          taken = update.executeUpdate();
        }
        return taken == 0 ? null : lastId(connection, shard, row.epoch() + 1);
      });
      if (lastId == null) {
        return;
      }
      ShardLease lease = new ShardLease(shard, row.epoch() + 1, database, databases.shards(), lastId);
      held.put(shard, lease);
      observed.put(shard, new Observed(lease.epoch, peers.self(), peers.selfName(), row.beat() + 1,
          System.nanoTime()));
      LOG.info("took shard {} at epoch {}{}", shard, lease.epoch,
          row.owner() == null ? "" : " from " + row.ownerName() + ", whose lease expired");
      publish(new StoreService.OwnerChanged(shard, peers.self(), lease.epoch));
    } catch (SQLException e) {
      LOG.warn("could not take shard {}: {}", shard, e.getMessage());
    }
  }

  private long lastId(Connection connection, int shard, long epoch) throws SQLException {
    Long lastId = ShardLease.readLastId(connection, shard, epoch, peers.self());
    if (lastId == null) {
      throw new SQLException("shard " + shard + " changed hands while being taken");
    }
    return lastId;
  }


  /** Hands a drained lease on: clears the owner, so the chosen node takes it at its next tick. */
  private void release(ShardLease lease) {
    held.remove(lease.shard, lease);
    lease.lose();
    try {
      lease.database.withConnection(connection -> {
        try (PreparedStatement update = connection.prepareStatement(RELEASE)) {
          int index = 1;
          update.setInt(index++, lease.shard);
          update.setLong(index++, lease.epoch);
          update.setString(index, peers.self());
          update.executeUpdate();
        }
        return null;
      });
      observed.put(lease.shard, new Observed(lease.epoch, null, null, -1, System.nanoTime()));
      LOG.info("handed shard {} on at epoch {}", lease.shard, lease.epoch);
      publish(new StoreService.OwnerChanged(lease.shard, null, lease.epoch));
    } catch (SQLException e) {
      LOG.warn("could not hand shard {} on (it expires instead): {}", lease.shard, e.getMessage());
    }
  }

  private void lost(ShardLease lease, String why) {
    if (held.remove(lease.shard, lease)) {
      lease.lose();
        LOG.warn("lost shard {} (epoch {}): {}", lease.shard, lease.epoch, why);
    }
  }

  private void publish(StoreService.OwnerChanged change) {
    vertx.eventBus().publish(StoreService.OWNER_CHANGED, change.toJson());
  }

  private void report() {
    List<StoreService.ShardStatus> statuses = new ArrayList<>();
    for (ShardLease lease : held.values()) {
      statuses.add(lease.report());
    }
    statuses.sort((a, b) -> Integer.compare(a.shard(), b.shard()));
    List<String> names = new ArrayList<>();
    for (Database database : databases.databases()) {
      names.add(database.name() + " " + ShardDatabases.ranges(boxed(databases.shardsOf(database))));
    }
    vertx.eventBus().publish(StoreService.SHARD_REPORT,
        new StoreService.ShardReport(peers.selfName(), peers.self(), databases.shards(), names, statuses).toJson());
  }

  private static List<Integer> boxed(int[] shards) {
    List<Integer> list = new ArrayList<>(shards.length);
    for (int shard : shards) {
      list.add(shard);
    }
    return list;
  }

  /** Rendezvous (highest random weight) hashing: each shard goes to the candidate with the highest score. */
  static final class Rendezvous {
    // SplitMix64's constants (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", 2014).
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX_2 = 0x94D049BB133111EBL;
    private static final int SHIFT_1 = 30;
    private static final int SHIFT_2 = 27;
    private static final int SHIFT_3 = 31;
    private static final int HIGH_HALF = 32;

    private Rendezvous() {
    }

    /** The chosen candidate, or null when there is none. */
    static String choose(int shard, List<String> candidates) {
      String best = null;
      long bestScore = 0;
      for (String candidate : candidates) {
        long score = mix(((long) candidate.hashCode() << HIGH_HALF) ^ shard);
        if (best == null || Long.compareUnsigned(score, bestScore) > 0
            || score == bestScore && candidate.compareTo(best) > 0) {
          best = candidate;
          bestScore = score;
        }
      }
      return best;
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash of a 64-bit value. */
    private static long mix(long value) {
      long z = value + GOLDEN_GAMMA;
      z = (z ^ (z >>> SHIFT_1)) * MIX_1;
      z = (z ^ (z >>> SHIFT_2)) * MIX_2;
      return z ^ (z >>> SHIFT_3);
    }
  }
}
