package io.clusterchat.deploy;

import io.clusterchat.deploy.TestHosts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Nodes on test hosts ({@link TestHosts}), what {@link MultiHostIT} and {@link FaultSuiteIT} share: bringing the
 * hosts up (waiting while another run has them), {@code clusterchat.jar} in every host's directory, starting a
 * node and waiting for its {@code ready} line, log tails, and taking the hosts down again, only when this run
 * brought them up, failed or not.
 */
final class HostCluster implements AutoCloseable {

  private static final long READY_SECONDS = 120;
  private static final long BUSY_PAUSE_MILLIS = 10_000;
  private static final int TAIL_LINES = 30;

  private final TestHosts hosts;
  private final int count;
  private boolean upByUs;
  /** Process name (log and pid file) -> its host, in start order. */
  private final Map<String, String> started = new LinkedHashMap<>();

  private HostCluster(TestHosts hosts, int count) {
    this.hosts = hosts;
    this.count = count;
  }

  /**
   * Brings up {@code count} test hosts with their files under {@code home}. When test hosts are up already (another
   * run's: never ours to take down), waits and tries again, for {@code waitWhileBusy} at most.
   */
  static HostCluster up(Path home, int count, Duration waitWhileBusy) throws IOException, InterruptedException {
    HostCluster cluster = new HostCluster(new TestHosts(home), count);
    long deadline = System.nanoTime() + waitWhileBusy.toNanos();
    while (true) {
      Result up = cluster.hosts.script("up", String.valueOf(count));
      if (up.exitCode() == 0) {
        cluster.upByUs = true;
        break;
      }
      if (!up.output().contains("up already") || System.nanoTime() > deadline) {
        throw new IllegalStateException("testhosts.sh up " + count + " failed (test hosts left over from an earlier "
            + "run? then run 'deploy/testhosts.sh down'): " + up.output());
      }
      System.out.println("test hosts are busy (another run has them): waiting");
      Thread.sleep(BUSY_PAUSE_MILLIS);
    }
    cluster.hosts.checkRoutes();
    return cluster;
  }

  TestHosts hosts() {
    return hosts;
  }

  /** {@code clusterchat.jar} (the shaded jar of this build) in {@code dir} and in every host's directory. */
  void linkJar(Path dir) throws IOException {
    Path jar = LocalClusterScenario.jar();
    Files.createSymbolicLink(Files.createDirectories(dir).resolve("clusterchat.jar"), jar);
    for (int k = 1; k <= count; k++) {
      Files.createSymbolicLink(Files.createDirectories(hosts.dir(host(k))).resolve("clusterchat.jar"), jar);
    }
  }

  static String host(int k) {
    return "10.0.0." + k;
  }

  /** Runs a shell line on a host as {@code name}; returns its pid. */
  long start(String host, String name, String line) throws IOException, InterruptedException {
    long pid = hosts.start(host, name, line);
    started.put(name, host);
    return pid;
  }

  /** Runs a node's line on a host as {@code name} and waits for its "node ID (...) ready" line; returns its pid. */
  long startNode(String host, String name, String nodeId, String line) throws Exception {
    long pid = start(host, name, line);
    awaitLog(host, name, "node " + nodeId + " (");
    return pid;
  }

  /** The pid recorded for a process started on a host. */
  long pid(String host, String name) throws IOException {
    return Long.parseLong(Files.readString(hosts.dir(host).resolve(name + ".pid")).trim());
  }

  /** Waits for a line containing {@code text} (a node's is "node ID (...) ready") or the process's end. */
  void awaitLog(String host, String name, String text) throws Exception {
    Path log = hosts.log(host, name);
    long pid = pid(host, name);
    long deadline = System.nanoTime() + Duration.ofSeconds(READY_SECONDS).toNanos();
    Pattern ready = Pattern.compile(Pattern.quote(text) + (text.startsWith("node ") ? ".*\\) ready" : ""));
    while (!ready.matcher(Files.readString(log)).find()) {
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (!alive || System.nanoTime() > deadline) {
        throw new AssertionError(name + " on " + host + (alive ? " is not ready in time" : " exited") + "; its log:\n"
            + tail(log));
      }
      Thread.sleep(200);
    }
  }

  void printLogTails() throws IOException {
    for (Map.Entry<String, String> process : started.entrySet()) {
      System.out.println("---- " + process.getKey() + " on " + process.getValue() + "\n"
          + tail(hosts.log(process.getValue(), process.getKey())));
    }
  }

  static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }

  /** Takes the test hosts down when this run brought them up (never another run's). */
  @Override
  public void close() throws IOException, InterruptedException {
    if (!upByUs) {
      return;
    }
    upByUs = false;
    hosts.must("down");
  }
}
