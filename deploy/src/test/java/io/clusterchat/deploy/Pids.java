package io.clusterchat.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Processes the tests did not start themselves, by pid (the nodes local-cluster.sh launched). */
final class Pids {

  private Pids() {
  }

  /**
   * True while {@code pid} runs. A process that has exited but is not yet reaped (a zombie) is not running:
   * {@link ProcessHandle#isAlive()} says it is, until the parent (here, often init) reaps it.
   */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // "pid (comm) S ...": the state follows the last ')', as comm may hold spaces and parentheses.
      String afterComm = stat.substring(stat.lastIndexOf(')') + 1).trim();
      return !afterComm.startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }
}
