package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.PersistenceOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shard map made real: one {@link Database} per distinct database of the options' map, each migrated and
 * checked to hold exactly the shards the map gives it (its {@code shard_leases} rows, made when it is new) and to
 * have been created with the same shard count. Every method but {@link #open} and {@link #close} is non-blocking.
 */
public final class ShardDatabases implements AutoCloseable {

  private static final String SELECT_LAYOUT = "SELECT shards FROM store_layout WHERE id = 1";
  private static final String INSERT_LAYOUT = "INSERT INTO store_layout (id, shards) VALUES (1, ?)";
  private static final String SELECT_SHARDS = "SELECT shard FROM shard_leases";
  private static final String SELECT_LAST_ID = "SELECT COALESCE(MAX(id), 0) FROM messages";
  private static final String INSERT_SHARD = "INSERT INTO shard_leases (shard, epoch, owner, owner_name, beat,"
      + " last_id) VALUES (?, 0, NULL, NULL, 0, ?)";

  private final int shards;
  private final Database[] byShard;
  private final Map<Database, int[]> shardsByDatabase;

  private ShardDatabases(int shards, Database[] byShard, Map<Database, int[]> shardsByDatabase) {
    this.shards = shards;
    this.byShard = byShard;
    this.shardsByDatabase = shardsByDatabase;
  }

  /** Opens, migrates and checks every database of the map. Blocks. */
  public static ShardDatabases open(PersistenceOptions options) {
    int shards = options.getShards();
    Map<String, List<Integer>> shardsByUrl = new LinkedHashMap<>();
    for (int shard = 0; shard < shards; shard++) {
      shardsByUrl.computeIfAbsent(options.jdbcUrlOf(shard), url -> new ArrayList<>()).add(shard);
    }
    Database[] byShard = new Database[shards];
    Map<Database, int[]> shardsByDatabase = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, List<Integer>> entry : shardsByUrl.entrySet()) {
        Database database = Database.open(options, entry.getKey());
        int[] held = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
        shardsByDatabase.put(database, held);
        for (int shard : held) {
          byShard[shard] = database;
        }
        checkLayout(database, shards, held);
      }
    } catch (RuntimeException e) {
      shardsByDatabase.keySet().forEach(Database::close);
      throw e;
    }
    return new ShardDatabases(shards, byShard, shardsByDatabase);
  }

  public int shards() {
    return shards;
  }

  public int shardOf(String address) {
    return StoreService.shardOf(address, shards);
  }

  public Database of(int shard) {
    return byShard[shard];
  }

  /** The database holding {@code address}'s inbox (and account). */
  public Database ofAddress(String address) {
    return byShard[shardOf(address)];
  }

  public Collection<Database> databases() {
    return shardsByDatabase.keySet();
  }

  /** The shards {@code database} holds, ascending. */
  public int[] shardsOf(Database database) {
    return shardsByDatabase.get(database).clone();
  }

  /** Readiness: every database answers. Blocks. */
  public void ping() throws SQLException {
    for (Database database : databases()) {
      database.ping();
    }
  }

  @Override
  public void close() {
    databases().forEach(Database::close);
  }

  /**
   * Records the shard count and this database's shards when it is new, else checks them: a node given another
   * count or another map than the one the store was created with would write shards where nobody reads them.
   */
  private static void checkLayout(Database database, int shards, int[] held) {
    try {
      database.withConnection(connection -> {
        int recorded = recordedShards(connection, shards);
        if (recorded != shards) {
          throw new IllegalStateException("the database " + database.name() + " belongs to a store of " + recorded
              + " shards, not " + shards + " (the shard count is fixed when the store is created)");
        }
        Set<Integer> present = presentShards(connection);
        if (present.isEmpty()) {
          insertShards(connection, shards, held);
          present = presentShards(connection);
        }
        Set<Integer> expected = new TreeSet<>();
        for (int shard : held) {
          expected.add(shard);
        }
        if (!present.equals(expected)) {
          throw new IllegalStateException("the database " + database.name() + " holds shards " + ranges(present)
              + " but this node's shard map gives it " + ranges(expected)
              + " (every persistence-node must have the same map)");
        }
        return null;
      });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the shard layout of " + database.name() + ": " + e.getMessage(),
          e);
    }
  }

  private static int recordedShards(Connection connection, int shards) throws SQLException {
    Integer recorded = selectLayout(connection);
    if (recorded == null) {
      try (PreparedStatement insert = connection.prepareStatement(INSERT_LAYOUT)) {
        insert.setInt(1, shards);
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!Database.isUniqueViolation(e)) {
          throw e;
        }
        // Another node created it first: its count is the store's.
      }
      recorded = selectLayout(connection);
    }
    return recorded;
  }

  private static Integer selectLayout(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_LAYOUT);
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getInt(1) : null;
    }
  }

  private static Set<Integer> presentShards(Connection connection) throws SQLException {
    Set<Integer> present = new TreeSet<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_SHARDS);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        present.add(rows.getInt(1));
      }
    }
    return present;
  }

  /**
   * The database's lease rows, in one transaction. Each shard's id counter starts so that its first id is above
   * every id already stored (a store from before shards keeps its messages and their ids).
   */
  private static void insertShards(Connection connection, int shards, int[] held) throws SQLException {
    connection.setAutoCommit(false);
    try {
      long highest;
      try (PreparedStatement select = connection.prepareStatement(SELECT_LAST_ID);
          ResultSet row = select.executeQuery()) {
        highest = row.next() ? row.getLong(1) : 0;
      }
      try (PreparedStatement insert = connection.prepareStatement(INSERT_SHARD)) {
        for (int shard : held) {
          insert.setInt(1, shard);
          insert.setLong(2, MessageIds.lastIdBelow(highest, shard, shards));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    } catch (SQLException e) {
      Database.rollbackQuietly(connection);
      if (!isUniqueViolation(e)) {
        throw e;
      }
      // Another node made the rows at the same time; they are checked like any others.
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static boolean isUniqueViolation(SQLException failure) {
    for (SQLException e = failure; e != null; e = e.getNextException()) {
      if (Database.isUniqueViolation(e)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 0-31, 40} for a set of shards. */
  static String ranges(Collection<Integer> shards) {
    StringBuilder text = new StringBuilder("[");
    Integer first = null;
    Integer previous = null;
    for (int shard : new TreeSet<>(shards)) {
      if (previous != null && shard == previous + 1) {
        previous = shard;
        continue;
      }
      appendRange(text, first, previous);
      first = shard;
      previous = shard;
    }
    appendRange(text, first, previous);
    return text.append(']').toString();
  }

  private static void appendRange(StringBuilder text, Integer first, Integer last) {
    if (first == null) {
      return;
    }
    if (text.length() > 1) {
      text.append(", ");
    }
    text.append(first);
    if (!first.equals(last)) {
      text.append('-').append(last);
    }
  }
}
