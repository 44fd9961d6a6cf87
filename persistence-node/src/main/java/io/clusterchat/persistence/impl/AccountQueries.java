package io.clusterchat.persistence.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Account creation and lookup. Blocking: runs on worker threads. */
public final class AccountQueries {

  private static final int MAX_HASH_CHARS = 512;
  private static final String INSERT =
      "INSERT INTO accounts (address, password_hash, created_ms) VALUES (?, ?, ?)";
  private static final String SELECT =
      "SELECT password_hash, created_ms, token_generation FROM accounts WHERE address = ?";
  private static final String SELECT_GENERATION = "SELECT token_generation FROM accounts WHERE address = ?";
  private static final String RAISE_GENERATION =
      "UPDATE accounts SET token_generation = token_generation + 1 WHERE address = ?";

  static final String TOO_LATE = "not written: past the request's deadline";

  private final ShardDatabases databases;

  /** Each account lives in the database of its address's shard, beside its inbox. */
  public AccountQueries(ShardDatabases databases) {
    this.databases = databases;
  }

  /** An account to create, and the wall-clock time (ms) from which it must not be written. */
  public record Create(StoreService.AccountCreate request, long deadline) {
    public static Create of(StoreService.AccountCreate request) {
      Long deadline = request.deadline();
      if (deadline != null && deadline < 0) {
        throw new BusContractException("deadline must not be negative");
      }
      return new Create(request, deadline == null ? Long.MAX_VALUE : deadline);
    }

    boolean late() {
      return System.currentTimeMillis() >= deadline;
    }
  }

  /**
   * Creates an account; 409 when the address is taken, decided by the primary key. A request that is past its
   * deadline before its insert or before its commit is rolled back and refused 503: nothing was written.
   */
  public StoreService.AccountCreated create(Create create) throws SQLException {
    StoreService.AccountCreate request = create.request();
    String address = RequestFields.address(request.address(), "address");
    String hash = RequestFields.string(request.hash(), "hash", MAX_HASH_CHARS);
    Database database = databases.ofAddress(address);
    database.withConnection(connection -> {
      refuseIfLate(create);
      connection.setAutoCommit(false);
      try {
        insert(connection, address, hash);
        refuseIfLate(create);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        Database.rollbackQuietly(connection);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
      database.makeDurable(connection);
      return null;
    });
    return new StoreService.AccountCreated(address);
  }

  private static void refuseIfLate(Create create) {
    if (create.late()) {
      throw StoreFailure.unavailable(TOO_LATE);
    }
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

  /** Whether the account exists, with its token generation; its hash is not read. */
  public StoreService.AccountExists exists(StoreService.AccountGet request) throws SQLException {
    String address = RequestFields.address(request.address(), "address");
    return databases.ofAddress(address).withConnection(connection -> generation(connection, address));
  }

  /** Raises the account's token generation: every token issued before is no longer good for RESUME. */
  public StoreService.AccountExists revokeTokens(StoreService.AccountGet request) throws SQLException {
    String address = RequestFields.address(request.address(), "address");
    Database database = databases.ofAddress(address);
    return database.withConnection(connection -> {
      try (PreparedStatement update = connection.prepareStatement(RAISE_GENERATION)) {
        update.setString(1, address);
        update.executeUpdate();
      }
      database.makeDurable(connection);
      return generation(connection, address);
    });
  }

  private static StoreService.AccountExists generation(Connection connection, String address) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_GENERATION)) {
      select.setString(1, address);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? new StoreService.AccountExists(true, row.getLong("token_generation"))
            : new StoreService.AccountExists(false, 0);
      }
    }
  }

  /** An account with its hash; 404 when there is no such account. */
  public StoreService.Account get(StoreService.AccountGet request) throws SQLException {
    String address = RequestFields.address(request.address(), "address");
    return databases.ofAddress(address).withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(SELECT)) {
        select.setString(1, address);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            throw new StoreFailure(ErrorCode.NOT_FOUND, "no such user");
          }
          return new StoreService.Account(address, row.getString("password_hash"), row.getLong("created_ms"),
              row.getLong("token_generation"));
        }
      }
    });
  }
}
