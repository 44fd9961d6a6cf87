package io.clusterchat.persistence;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on PostgreSQL at 127.0.0.1:5432, database {@code test}, user {@code postgres} (trust auth),
 * in a schema of its own that is dropped afterwards. With {@code CI=true} an unreachable server fails the run;
 * elsewhere these tests are skipped with the reason.
 */
class PostgresStoreTest extends StoreGroupContract {

  private static final String HOST = "127.0.0.1";
  private static final int PORT = 5432;
  private static final String DATABASE = "test";
  private static final String USER = "postgres";
  private static final int PROBE_TIMEOUT_SECONDS = 5;

  private static String schema;

  @BeforeAll
  static void createSchema() throws SQLException {
    String candidate = "store_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(
        url(PORT) + "?connectTimeout=" + PROBE_TIMEOUT_SECONDS, USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + candidate);
      schema = candidate;
    } catch (SQLException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw new SQLException("CI=true requires PostgreSQL at " + HOST + ":" + PORT + "/" + DATABASE
            + " (user " + USER + ", trust auth): " + e.getMessage(), e);
      }
      assumeTrue(false, "PostgreSQL tests skipped: no server at " + HOST + ":" + PORT + "/" + DATABASE
          + " for user " + USER + " (" + e.getMessage() + "); with CI=true this fails instead");
    }
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (schema == null) {
      return;
    }
    try (Connection connection = DriverManager.getConnection(url(PORT), USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    schema = null;
  }

  private static String url(int port) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
  }

  @Override
  protected PersistenceOptions options() {
    return optionsFor(PORT);
  }

  @Override
  protected int proxiedDatabasePort() {
    return PORT;
  }

  @Override
  protected PersistenceOptions optionsVia(int proxyPort) {
    return optionsFor(proxyPort);
  }

  private static PersistenceOptions optionsFor(int port) {
    return new PersistenceOptions()
        .setJdbcUrl(url(port) + "?currentSchema=" + schema)
        .setDbUser(USER)
        .setDbPassword("");
  }
}
