package io.clusterchat.persistence.impl;

import io.clusterchat.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Account creation and lookup. Blocking: runs on worker threads. */
public final class AccountQueries {

  private static final int MAX_HASH_CHARS = 512;
  private static final String INSERT =
      "INSERT INTO accounts (address, password_hash, created_ms) VALUES (?, ?, ?)";
  private static final String SELECT = "SELECT password_hash, created_ms FROM accounts WHERE address = ?";

  private final Database database;

  public AccountQueries(Database database) {
    this.database = database;
  }

  /** {@code {"address","hash"}} to {@code {"address"}}; 409 when taken, decided by the primary key. */
  public JsonObject create(JsonObject request) throws SQLException {
    String address = RequestFields.address(request, "address");
    String hash = RequestFields.string(request, "hash", MAX_HASH_CHARS);
    database.withConnection(connection -> {
      insert(connection, address, hash);
      database.makeDurable(connection);
      return null;
    });
    return new JsonObject().put("address", address);
  }

  private static void insert(Connection connection, String address, String hash) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      int insertIndex = 1;
      insert.setString(insertIndex++, address);
      insert.setString(insertIndex++, hash);
      insert.setLong(insertIndex++, System.currentTimeMillis());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw new StoreFailure(ErrorCode.CONFLICT, "name already registered");
      }
      throw e;
    }
  }

  /** {@code {"address"}} to {@code {"address","hash","created"}}; 404 when there is no such account. */
  public JsonObject get(JsonObject request) throws SQLException {
    String address = RequestFields.address(request, "address");
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(SELECT)) {
        select.setString(1, address);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            throw new StoreFailure(ErrorCode.NOT_FOUND, "no such user");
          }
          return new JsonObject()
              .put("address", address)
              .put("hash", row.getString(1))
              .put("created", row.getLong(2));
        }
      }
    });
  }
}
