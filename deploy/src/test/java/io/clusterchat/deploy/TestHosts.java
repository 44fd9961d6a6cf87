package io.clusterchat.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code deploy/testhosts.sh} from Java: test hosts 10.0.0.1..N made of network namespaces, with their files under
 * {@code home}. Every command is bounded in time; nothing here sends a byte to a test host (callers call
 * {@link #checkRoutes()} first).
 */
final class TestHosts {

  static final Path SCRIPT = Path.of("testhosts.sh").toAbsolutePath();
  private static final Pattern HOST = Pattern.compile("10\\.0\\.0\\.([1-9][0-9]?)");
  private static final long COMMAND_SECONDS = 180;

  private final Path home;

  TestHosts(Path home) {
    this.home = home;
  }

  /** Why the test hosts cannot be made here, or null when they can (Linux, root, a working {@code ip netns}). */
  static String missingPrerequisite() {
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return "test hosts need Linux (network namespaces)";
    }
    try {
      Result uid = run(List.of("id", "-u"), Path.of("."), Map.of(), COMMAND_SECONDS);
      if (!"0".equals(uid.output().trim())) {
        return "test hosts need root (they make network namespaces, veths and a bridge)";
      }
      Result netns = run(List.of("ip", "netns", "list"), Path.of("."), Map.of(), COMMAND_SECONDS);
      return netns.exitCode() == 0 ? null : "'ip netns' does not work here: " + netns.output();
    } catch (IOException e) {
      return "iproute2's 'ip' command is not here: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  Path home() {
    return home;
  }

  /** The working directory of a host, e.g. 10.0.0.3. */
  Path dir(String host) {
    java.util.regex.Matcher m = HOST.matcher(host);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a test host: " + host);
    }
    return home.resolve("cch" + m.group(1));
  }

  Map<String, String> environment() {
    return Map.of("TESTHOSTS_HOME", home.toString(), "TESTHOSTS", SCRIPT.toString());
  }

  Result script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    return run(command, SCRIPT.getParent(), environment(), COMMAND_SECONDS);
  }

  /** Like {@link #script}, failing unless it exits 0. */
  String must(String... args) throws IOException, InterruptedException {
    Result result = script(args);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("testhosts.sh " + String.join(" ", args) + " failed: " + result.output());
    }
    return result.output();
  }

  /** Fails unless every test host is routed through the bridge (never through this machine's real network). */
  void checkRoutes() throws IOException, InterruptedException {
    must("check");
  }

  /** Runs a shell line on a host in the background, as {@code name}; returns its pid. */
  long start(String host, String name, String line) throws IOException, InterruptedException {
    return Long.parseLong(must("run", host, name, "bash", "-c", line).trim());
  }

  Path log(String host, String name) {
    return dir(host).resolve(name + ".log");
  }

  static Result run(List<String> command, Path dir, Map<String, String> env, long seconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("testhosts", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in " + seconds + " s: " + Files.readString(out));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  record Result(int exitCode, String output) {
  }
}
