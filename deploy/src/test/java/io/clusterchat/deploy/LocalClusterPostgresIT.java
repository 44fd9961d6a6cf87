package io.clusterchat.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

/**
 * The same local cluster configured for PostgreSQL ({@code CLUSTERCHAT_JDBC_URL}), in a schema of its own at
 * 127.0.0.1:5432 (database {@code test}, user {@code postgres}). With {@code CI=true} PostgreSQL must be there;
 * elsewhere the class is skipped, saying why, when it is not.
 */
class LocalClusterPostgresIT extends LocalClusterScenario {

  private static final int PORT_OFFSET = 21_000;
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private final String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @Override
  int portOffset() {
    return PORT_OFFSET;
  }

  @Override
  Map<String, String> environment() throws SQLException {
    try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    } catch (SQLException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw e;
      }
      Assumptions.abort("PostgreSQL is not reachable at " + SERVER + " (" + e.getMessage()
          + "); CI=true makes this a failure");
    }
    return Map.of("CLUSTERCHAT_JDBC_URL", SERVER + "?currentSchema=" + schema, "CLUSTERCHAT_DB_USER", USER);
  }

  @AfterAll
  void dropSchema() throws SQLException {
    try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
         Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      // Nothing was created when PostgreSQL was not there.
    }
  }
}
