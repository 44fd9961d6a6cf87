package io.clusterchat.persistence;

import java.nio.file.Path;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on the embedded default: an H2 file database in a temporary data directory, a new one for each
 * test (a restart within a test reopens its own file), so no test starts from the file another test closed.
 */
class H2StoreTest extends StoreGroupContract {

  @TempDir
  Path dataDir;
  private Server tcpServer;

  @Override
  protected PersistenceOptions options() {
    return new PersistenceOptions().setDataDir(dataDir.resolve("data").toString());
  }

  /** An H2 TCP server (started on first use) for the database-down case, which needs a network hop to cut. */
  @Override
  protected int proxiedDatabasePort() throws Exception {
    if (tcpServer == null) {
      tcpServer = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir",
          dataDir.resolve("served").toString()).start();
    }
    return tcpServer.getPort();
  }

  @Override
  protected PersistenceOptions optionsVia(int proxyPort) {
    return new PersistenceOptions().setJdbcUrl("jdbc:h2:tcp://127.0.0.1:" + proxyPort + "/clusterchat");
  }

  @AfterEach
  void stopTcpServer() {
    if (tcpServer != null) {
      tcpServer.stop();
      tcpServer = null;
    }
  }
}
