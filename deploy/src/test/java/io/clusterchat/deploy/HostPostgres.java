package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.deploy.TestHosts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own on one test host, run as user {@code postgres} from the newest
 * {@code /usr/lib/postgresql/VERSION/bin}, its data under the test's directory, trusting 10.0.0.0/24, on port 5432 of
 * that host only: what {@link MultiHostIT} and {@link FaultSuiteIT} share.
 */
final class HostPostgres implements AutoCloseable {

  static final String NAME = "postgres";
  private static final long COMMAND_SECONDS = 120;

  private final HostCluster cluster;
  private final String host;
  private final Path dir;
  private Path data;

  private HostPostgres(HostCluster cluster, String host, Path dir) {
    this.cluster = cluster;
    this.host = host;
    this.dir = dir;
  }

  /** Why no server can be made here, or null (Debian's {@code postgresql} package gives the binaries). */
  static String missing() {
    return bin("initdb").toFile().canExecute() ? null
        : "PostgreSQL's server binaries are not here (/usr/lib/postgresql/*/bin/initdb)";
  }

  /**
   * A fresh server on {@code host}, its files under {@code work/pg} ({@code work} is opened for user postgres to pass
   * through), ready to accept connections when this returns.
   */
  static HostPostgres start(HostCluster cluster, Path work, String host) throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    HostPostgres pg = new HostPostgres(cluster, host, Files.createDirectories(work.resolve("pg")));
    pg.start();
    return pg;
  }

  private void start() throws Exception {
    run(List.of("chown", "postgres:", dir.toString()));
    data = dir.resolve("data");
    asPostgres(List.of(bin("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres"));
    Files.writeString(data.resolve("pg_hba.conf"), "host all all 10.0.0.0/24 trust\n",
        java.nio.file.StandardOpenOption.APPEND);
    cluster.start(host, NAME, "exec setpriv --reuid postgres --regid postgres --init-groups " + bin("postgres")
        + " -D " + data + " -c listen_addresses=" + host + " -c unix_socket_directories=" + dir + " -c port=5432");
    cluster.awaitLog(host, NAME, "database system is ready to accept connections");
  }

  /** {@code jdbc:postgresql://HOST:5432/DATABASE}. */
  String url(String database) {
    return "jdbc:postgresql://" + host + ":5432/" + database;
  }

  /** Stops the server (fast shutdown), if it was made. */
  @Override
  public void close() throws Exception {
    if (data != null && Files.isDirectory(data)) {
      asPostgres(List.of(bin("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-t", "30", "stop"));
      data = null;
    }
  }

  /** A PostgreSQL server binary, from the newest /usr/lib/postgresql/VERSION/bin. */
  static Path bin(String name) {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
          .max((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
              Integer.parseInt(b.getFileName().toString())))
          .orElse(root).resolve("bin").resolve(name);
    } catch (IOException e) {
      return root.resolve("bin").resolve(name);
    }
  }

  private void asPostgres(List<String> command) throws Exception {
    List<String> line = new ArrayList<>(List.of("setpriv", "--reuid", "postgres", "--regid", "postgres",
        "--init-groups"));
    line.addAll(command);
    run(line);
  }

  private void run(List<String> command) throws Exception {
    Result result = TestHosts.run(command, dir, Map.of(), COMMAND_SECONDS);
    assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
  }
}
