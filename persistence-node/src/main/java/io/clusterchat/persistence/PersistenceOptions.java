package io.clusterchat.persistence;

import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a persistence node is configured with. Without a JDBC URL the node keeps an H2 file database under
 * the data directory, so the embedded default needs nothing installed; a {@code jdbc:postgresql:} URL selects
 * PostgreSQL. Setters validate and throw {@link IllegalArgumentException} with a message fit for an operator.
 */
public class PersistenceOptions {

  public static final String DEFAULT_DATA_DIR = "data";
  public static final String DEFAULT_DB_USER = "sa";
  public static final String DEFAULT_DB_PASSWORD = "";
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int DEFAULT_BATCH_MAX_SIZE = 512;
  /**
   * No wait: a batch is what queued while the previous commit ran, so an idle store commits an append at once and a
   * busy one batches by itself (an fsync takes milliseconds, and appends pile up behind it).
   */
  public static final long DEFAULT_BATCH_MAX_DELAY_MILLIS = 0;
  public static final int DEFAULT_MAX_PENDING_APPENDS = 100_000;
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;
  /** Below the gateways' default request timeout (5 s) by more than a slow commit takes. */
  public static final long DEFAULT_APPEND_DEADLINE_MILLIS = 3_000;
  private static final long MIN_APPEND_DEADLINE_MILLIS = 100;

  /** Shards of a new store: enough to spread over many writers and databases later, few enough to watch. */
  public static final int DEFAULT_SHARDS = 64;
  public static final int MAX_SHARDS = 4096;
  /** Append writers (threads, each with its own connection and group commit) per database on each node. */
  public static final int DEFAULT_WRITERS = 1;
  private static final int MAX_WRITERS = 64;

  /** Members a group may hold: {@code max-group-members}. */
  public static final int DEFAULT_MAX_GROUP_MEMBERS = Limits.DEFAULT_MAX_GROUP_MEMBERS;
  /** A bound that keeps a group's log and member list within what one shard writer and a MEMBERS walk handle. */
  private static final int MAX_GROUP_MEMBERS = 1_000_000;

  /** The file name (without H2's {@code .mv.db}) of the embedded database inside the data directory. */
  public static final String H2_DATABASE_NAME = "clusterchat";

  private static final String H2_PREFIX = "jdbc:h2:";
  private static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
  private static final int MAX_POOL_SIZE = 1024;
  private static final int MAX_BATCH_SIZE = 65_536;
  private static final long MAX_BATCH_DELAY_MILLIS = 1_000;
  private static final int MAX_PENDING_APPENDS = 10_000_000;
  /** HikariCP refuses connection timeouts below 250 ms. */
  private static final long MIN_CONNECT_TIMEOUT_MILLIS = 250;

  private String jdbcUrl;
  private String dataDir = DEFAULT_DATA_DIR;
  private String dbUser = DEFAULT_DB_USER;
  private String dbPassword = DEFAULT_DB_PASSWORD;
  private int poolSize = DEFAULT_POOL_SIZE;
  private int batchMaxSize = DEFAULT_BATCH_MAX_SIZE;
  private long batchMaxDelayMillis = DEFAULT_BATCH_MAX_DELAY_MILLIS;
  private int maxPendingAppends = DEFAULT_MAX_PENDING_APPENDS;
  private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
  private long appendDeadlineMillis = DEFAULT_APPEND_DEADLINE_MILLIS;
  private int shards = DEFAULT_SHARDS;
  private int writers = DEFAULT_WRITERS;
  private int maxGroupMembers = DEFAULT_MAX_GROUP_MEMBERS;
  private List<ShardDatabase> shardDatabases = List.of();

  public PersistenceOptions() {
  }

  public PersistenceOptions(PersistenceOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public PersistenceOptions(JsonObject json) {
    if (json.getString("jdbcUrl") != null) {
      setJdbcUrl(json.getString("jdbcUrl"));
    }
    setDataDir(json.getString("dataDir", DEFAULT_DATA_DIR));
    setDbUser(json.getString("dbUser", DEFAULT_DB_USER));
    setDbPassword(json.getString("dbPassword", DEFAULT_DB_PASSWORD));
    setPoolSize(json.getInteger("poolSize", DEFAULT_POOL_SIZE));
    setBatchMaxSize(json.getInteger("batchMaxSize", DEFAULT_BATCH_MAX_SIZE));
    setBatchMaxDelayMillis(json.getLong("batchMaxDelayMillis", DEFAULT_BATCH_MAX_DELAY_MILLIS));
    setMaxPendingAppends(json.getInteger("maxPendingAppends", DEFAULT_MAX_PENDING_APPENDS));
    setConnectTimeoutMillis(json.getLong("connectTimeoutMillis", DEFAULT_CONNECT_TIMEOUT_MILLIS));
    setAppendDeadlineMillis(json.getLong("appendDeadlineMillis", DEFAULT_APPEND_DEADLINE_MILLIS));
    setShards(json.getInteger("shards", DEFAULT_SHARDS));
    setWriters(json.getInteger("writers", DEFAULT_WRITERS));
    setMaxGroupMembers(json.getInteger("maxGroupMembers", DEFAULT_MAX_GROUP_MEMBERS));
    List<ShardDatabase> databases = new ArrayList<>();
    for (Object entry : json.getJsonArray("shardDatabases", new JsonArray())) {
      databases.add(ShardDatabase.parse(String.valueOf(entry)));
    }
    setShardDatabases(databases);
  }

  /** All settings; the password is included (it is needed to copy options), so never log this. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("jdbcUrl", jdbcUrl)
        .put("dataDir", dataDir)
        .put("dbUser", dbUser)
        .put("dbPassword", dbPassword)
        .put("poolSize", poolSize)
        .put("batchMaxSize", batchMaxSize)
        .put("batchMaxDelayMillis", batchMaxDelayMillis)
        .put("maxPendingAppends", maxPendingAppends)
        .put("appendDeadlineMillis", appendDeadlineMillis)
        .put("connectTimeoutMillis", connectTimeoutMillis)
        .put("shards", shards)
        .put("writers", writers)
        .put("maxGroupMembers", maxGroupMembers)
        .put("shardDatabases", new JsonArray(shardDatabases.stream().map(ShardDatabase::toString).toList()));
  }

  /** The JDBC URL as configured, or {@code null} for the embedded H2 database under the data directory. */
  public String getJdbcUrl() {
    return jdbcUrl;
  }

  /**
   * The database: a {@code jdbc:postgresql:} URL (production) or a {@code jdbc:h2:} URL; {@code null} for the
   * default H2 file database under the data directory.
   */
  public PersistenceOptions setJdbcUrl(String jdbcUrl) {
    if (jdbcUrl != null) {
      checkJdbcUrl(jdbcUrl);
    }
    this.jdbcUrl = jdbcUrl;
    return this;
  }

  private static void checkJdbcUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith(H2_PREFIX) && !jdbcUrl.startsWith(POSTGRESQL_PREFIX)) {
      throw new IllegalArgumentException("jdbc url must start with " + POSTGRESQL_PREFIX + " (PostgreSQL) or "
          + H2_PREFIX + " (H2), was '" + jdbcUrl + "'");
    }
  }

  /** The URL the node connects to: the configured one, or the H2 file database under the data directory. */
  public String effectiveJdbcUrl() {
    if (jdbcUrl != null) {
      return jdbcUrl;
    }
    String file = Path.of(dataDir).toAbsolutePath().resolve(H2_DATABASE_NAME).toString().replace('\\', '/');
    return H2_PREFIX + "file:" + file + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  public String getDataDir() {
    return dataDir;
  }

  /** The directory of the embedded H2 database (created when missing); unused with a JDBC URL. */
  public PersistenceOptions setDataDir(String dataDir) {
    if (dataDir == null || dataDir.isBlank()) {
      throw new IllegalArgumentException("data directory must not be empty");
    }
    this.dataDir = dataDir;
    return this;
  }

  public String getDbUser() {
    return dbUser;
  }

  /** The database user; H2 creates the database owned by it. */
  public PersistenceOptions setDbUser(String dbUser) {
    if (dbUser == null || dbUser.isBlank()) {
      throw new IllegalArgumentException("database user must not be empty");
    }
    this.dbUser = dbUser;
    return this;
  }

  public String getDbPassword() {
    return dbPassword;
  }

  /** The database password; empty for none (H2's default, PostgreSQL with trust auth). */
  public PersistenceOptions setDbPassword(String dbPassword) {
    if (dbPassword == null) {
      throw new IllegalArgumentException("database password must not be null (use \"\" for none)");
    }
    this.dbPassword = dbPassword;
    return this;
  }

  public int getPoolSize() {
    return poolSize;
  }

  /**
   * Database connections (and worker threads) for reads, ACKs and accounts; the append writer has one more
   * connection of its own.
   */
  public PersistenceOptions setPoolSize(int poolSize) {
    this.poolSize = checkRange("pool size", poolSize, 1, MAX_POOL_SIZE);
    return this;
  }

  public int getBatchMaxSize() {
    return batchMaxSize;
  }

  /** The most appends committed in one transaction (group commit). */
  public PersistenceOptions setBatchMaxSize(int batchMaxSize) {
    this.batchMaxSize = checkRange("batch max size", batchMaxSize, 1, MAX_BATCH_SIZE);
    return this;
  }

  public long getBatchMaxDelayMillis() {
    return batchMaxDelayMillis;
  }

  /**
   * How long the writer waits after a batch's first append for more to arrive; 0 commits whatever is queued at
   * once. Longer waits trade append latency for bigger batches.
   */
  public PersistenceOptions setBatchMaxDelayMillis(long batchMaxDelayMillis) {
    if (batchMaxDelayMillis < 0 || batchMaxDelayMillis > MAX_BATCH_DELAY_MILLIS) {
      throw new IllegalArgumentException("batch max delay must be in 0.." + MAX_BATCH_DELAY_MILLIS + " ms, was "
          + batchMaxDelayMillis);
    }
    this.batchMaxDelayMillis = batchMaxDelayMillis;
    return this;
  }

  public int getMaxPendingAppends() {
    return maxPendingAppends;
  }

  /** Appends waiting for the writer beyond which new ones fail 503 at once instead of queueing without bound. */
  public PersistenceOptions setMaxPendingAppends(int maxPendingAppends) {
    this.maxPendingAppends = checkRange("max pending appends", maxPendingAppends, 1, MAX_PENDING_APPENDS);
    return this;
  }

  public long getConnectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /**
   * How long a request waits for a database connection before failing 503; keep it below the gateways' request
   * timeout so a down database answers 503 rather than a timeout.
   */
  public PersistenceOptions setConnectTimeoutMillis(long connectTimeoutMillis) {
    if (connectTimeoutMillis < MIN_CONNECT_TIMEOUT_MILLIS) {
      throw new IllegalArgumentException("database connect timeout must be at least " + MIN_CONNECT_TIMEOUT_MILLIS
          + " ms, was " + connectTimeoutMillis);
    }
    this.connectTimeoutMillis = connectTimeoutMillis;
    return this;
  }

  public long getAppendDeadlineMillis() {
    return appendDeadlineMillis;
  }

  /**
   * How long an append may wait in the queue before the writer takes it; one still waiting then fails 503 and is
   * never written. Keep it below the gateways' request timeout by more than a commit takes, so that a gateway that
   * gave up (and answered {@code ERR 503}, "nothing was stored") is never proved wrong by a late commit.
   */
  public PersistenceOptions setAppendDeadlineMillis(long appendDeadlineMillis) {
    if (appendDeadlineMillis < MIN_APPEND_DEADLINE_MILLIS) {
      throw new IllegalArgumentException("append deadline must be at least " + MIN_APPEND_DEADLINE_MILLIS
          + " ms, was " + appendDeadlineMillis);
    }
    this.appendDeadlineMillis = appendDeadlineMillis;
    return this;
  }

  public int getShards() {
    return shards;
  }

  /**
   * How many shards the store's inboxes are split into. Fixed when the store is created: every database records
   * it, and a node configured otherwise refuses to start.
   */
  public PersistenceOptions setShards(int shards) {
    this.shards = checkRange("shards", shards, 1, MAX_SHARDS);
    checkShardDatabases(shardDatabases, shards);
    return this;
  }

  public int getWriters() {
    return writers;
  }

  /**
   * Append writers per database on this node: each is a thread with a connection of its own that group-commits
   * the appends of its share of the node's shards (shard modulo writers), in parallel with the others.
   */
  public PersistenceOptions setWriters(int writers) {
    this.writers = checkRange("writers", writers, 1, MAX_WRITERS);
    return this;
  }

  public int getMaxGroupMembers() {
    return maxGroupMembers;
  }

  /**
   * The most members a group may hold; a JOIN or INVITE beyond fails 403. The same on every persistence-node
   * (whichever owns a group's shard decides).
   */
  public PersistenceOptions setMaxGroupMembers(int maxGroupMembers) {
    this.maxGroupMembers = checkRange("max group members", maxGroupMembers, 1, MAX_GROUP_MEMBERS);
    return this;
  }

  public List<ShardDatabase> getShardDatabases() {
    return shardDatabases;
  }

  /**
   * The shard map: which shards live in which database, when not all in the default one ({@link #getJdbcUrl}, or
   * the embedded H2 file). Ranges must not overlap; shards no range names stay in the default database. Every
   * persistence-node of a cluster must be given the same map.
   */
  public PersistenceOptions setShardDatabases(List<ShardDatabase> shardDatabases) {
    List<ShardDatabase> copy = List.copyOf(shardDatabases);
    checkShardDatabases(copy, shards);
    this.shardDatabases = copy;
    return this;
  }

  /** The database of {@code shard}: its range's URL, else the default. */
  public String jdbcUrlOf(int shard) {
    for (ShardDatabase database : shardDatabases) {
      if (database.holds(shard)) {
        return database.jdbcUrl();
      }
    }
    return effectiveJdbcUrl();
  }

  private static void checkShardDatabases(List<ShardDatabase> databases, int shards) {
    for (int i = 0; i < databases.size(); i++) {
      ShardDatabase database = databases.get(i);
      if (database.last() >= shards) {
        throw new IllegalArgumentException("shard database " + database + " names shards beyond the "
            + shards + " the store has (0.." + (shards - 1) + ")");
      }
      for (int j = 0; j < i; j++) {
        if (databases.get(j).overlaps(database)) {
          throw new IllegalArgumentException("shard databases " + databases.get(j) + " and " + database
              + " overlap");
        }
      }
    }
  }

  /**
   * A range of shards and the database that holds them: {@code FIRST-LAST=URL} (or {@code N=URL} for one shard).
   */
  public record ShardDatabase(int first, int last, String jdbcUrl) {
    public ShardDatabase {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("shard range " + first + "-" + last + " is empty or negative");
      }
      checkJdbcUrl(jdbcUrl);
    }

    /** Reads {@code FIRST-LAST=URL}. */
    public static ShardDatabase parse(String text) {
      int equals = text.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("shard database must be FIRST-LAST=JDBC-URL, was '" + text + "'");
      }
      String range = text.substring(0, equals).trim();
      int dash = range.indexOf('-');
      try {
        int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash).trim());
        int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1).trim());
        return new ShardDatabase(first, last, text.substring(equals + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("shard range must be FIRST-LAST, was '" + range + "'");
      }
    }

    boolean holds(int shard) {
      return shard >= first && shard <= last;
    }

    boolean overlaps(ShardDatabase other) {
      return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
      return first + "-" + last + "=" + jdbcUrl;
    }
  }

  private static int checkRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", was " + value);
    }
    return value;
  }
}
