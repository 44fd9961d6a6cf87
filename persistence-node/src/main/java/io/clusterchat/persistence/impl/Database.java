package io.clusterchat.persistence.impl;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.clusterchat.persistence.PersistenceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool to the store's database, migrated to the current schema when opened. Every method blocks:
 * call it from a worker thread or the append writer, never from an event loop.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final String H2_PREFIX = "jdbc:h2:";
  /** H2 runs the PostgreSQL dialect of the migrations and queries, with PostgreSQL's lower-case names. */
  private static final String[] H2_SETTINGS = {"MODE=PostgreSQL", "DATABASE_TO_LOWER=TRUE",
      "DEFAULT_NULL_ORDERING=HIGH"};
  /** Lets the PostgreSQL driver send a JDBC batch of inserts as multi-row INSERTs: group commit's fast path. */
  private static final String PG_REWRITE_BATCHES = "reWriteBatchedInserts";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String CONSTRAINT_VIOLATION_CLASS = "23";
  /** How long a PostgreSQL session may sit idle inside a transaction before the server rolls it back. */
  private static final int IDLE_IN_TRANSACTION_MILLIS = 2_000;
  /** The shard keeper's connection (leases), beside the readers' pool and one per append writer. */
  private static final int KEEPER_CONNECTIONS = 1;

  private final HikariDataSource pool;
  private final boolean h2;
  private final String name;

  private Database(HikariDataSource pool, boolean h2, String name) {
    this.pool = pool;
    this.h2 = h2;
    this.name = name;
  }

  /**
   * Opens a pool to {@code jdbcUrl} (one of the options' databases) and runs pending Flyway migrations; fails with
   * a message naming the database.
   */
  public static Database open(PersistenceOptions options, String jdbcUrl) {
    String url = connectionUrl(jdbcUrl);
    if (options.getJdbcUrl() == null && jdbcUrl.equals(options.effectiveJdbcUrl())) {
      createDataDir(options.getDataDir());
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(options, url));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to the database at " + redact(url) + ": " + e.getMessage(), e);
    }
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(pool)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new IllegalStateException("cannot migrate the database at " + redact(url) + ": " + e.getMessage(), e);
    }
    LOG.info("store database {} ready", redact(url));
    return new Database(pool, url.startsWith(H2_PREFIX), redact(jdbcUrl));
  }

  /** The URL connected to: the configured one plus the settings the store relies on, when absent. */
  static String connectionUrl(String configured) {
    String url = configured;
    if (url.startsWith(H2_PREFIX)) {
      for (String setting : H2_SETTINGS) {
        String key = setting.substring(0, setting.indexOf('=') + 1);
        if (!url.toUpperCase(Locale.ROOT).contains(";" + key)) {
          url = url + ";" + setting;
        }
      }
      return url;
    }
    if (!url.contains(PG_REWRITE_BATCHES + "=")) {
      url = url + (url.contains("?") ? "&" : "?") + PG_REWRITE_BATCHES + "=true";
    }
    return url;
  }

  private static HikariConfig poolConfig(PersistenceOptions options, String url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("clusterchat-store");
    config.setJdbcUrl(url);
    config.setUsername(options.getDbUser());
    config.setPassword(options.getDbPassword());
    config.setMaximumPoolSize(options.getPoolSize() + options.getWriters() + KEEPER_CONNECTIONS);
    config.setConnectionTimeout(options.getConnectTimeoutMillis());
    if (!url.startsWith(H2_PREFIX)) {
      // A writer frozen (SIGSTOP, a long pause) inside a transaction keeps its row locks, and the node taking its
      // shards over would wait for them; PostgreSQL ends such a session, rolling it back, once it idles this long
      // in the transaction. A live writer's transaction never idles: its statements follow one another at once.
      config.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + IDLE_IN_TRANSACTION_MILLIS);
    }
    config.setValidationTimeout(options.getConnectTimeoutMillis());
    return config;
  }

  private static void createDataDir(String dataDir) {
    try {
      Files.createDirectories(Path.of(dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
  }

  /** Drops a password from a URL before it is logged. */
  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** The database's URL without its password, for logs and the dashboard. */
  public String name() {
    return name;
  }

  /** Work done on one pooled connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection (auto-commit on) and gives the connection back, or throws it away
   * when the work failed for any reason but a constraint: a connection that saw the database go away must not
   * be handed out again.
   */
  public <T> T withConnection(Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        return work.run(connection);
      } catch (SQLException e) {
        discardUnlessConstraint(connection, e);
        throw e;
      }
    }
  }

  /**
   * Unless {@code e} is a constraint violation, evicts {@code connection} and every other pooled connection:
   * when the database went away, the idle connections are as dead as this one, and handing them out one by one
   * would fail one request each after the database is back.
   */
  public void discardUnlessConstraint(Connection connection, SQLException e) {
    String state = e.getSQLState();
    if (state == null || !state.startsWith(CONSTRAINT_VIOLATION_CLASS)) {
      pool.evictConnection(connection);
      pool.getHikariPoolMXBean().softEvictConnections();
    }
  }

  /**
   * Makes what was just committed on {@code connection} survive a crash. PostgreSQL's commit already waits for
   * its WAL flush; H2 only writes its file in the background, so it is told to write and fsync now.
   */
  public void makeDurable(Connection connection) throws SQLException {
    if (h2) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CHECKPOINT SYNC");
      }
    }
  }

  /** Readiness: a pooled connection answers the cheapest query. Blocks up to the connect timeout. */
  public void ping() throws SQLException {
    withConnection(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
      }
      return null;
    });
  }

  public static boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  /** Whether a failure (or any exception chained to it, as JDBC batches do) is a unique-constraint violation. */
  public static boolean causedByUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        for (SQLException e = (SQLException) t; e != null; e = e.getNextException()) {
          if (isUniqueViolation(e)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  public static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed (the connection is probably gone): {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
