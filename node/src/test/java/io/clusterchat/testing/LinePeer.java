package io.clusterchat.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * A client nobody here wrote, run as a process and driven by lines: Debian's {@code openssl s_client -quiet} on a
 * TLS port, or a Python {@code websockets} client ({@code ws_peer.py}) on a WebSocket URL. Lines written go to its
 * stdin, each line it prints is one frame it received. For tests, on the test thread (it blocks).
 */
public final class LinePeer implements AutoCloseable {

  /** What {@link #next} returns once the process has ended. */
  public static final String EOF = "!eof";
  private static final String HOST = "127.0.0.1";
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final List<String> seen = new ArrayList<>();

  private LinePeer(List<String> command) throws IOException {
    process = new ProcessBuilder(command).start();
    stdin = process.getOutputStream();
    pump(process.getInputStream(), line -> lines.add(line), true);
    pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), false);
  }

  /** {@code openssl s_client -quiet -connect 127.0.0.1:port} plus {@code extra} arguments. */
  public static LinePeer openssl(int port, String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-quiet", "-connect", HOST + ":" + port));
    command.addAll(List.of(extra));
    return new LinePeer(command);
  }

  /** A Python {@code websockets} client on {@code url}; {@code ca} (may be null) is trusted for {@code wss://}. */
  public static LinePeer webSocket(String url, Path ca) throws IOException {
    return webSocket(url, ca, null);
  }

  /**
   * As {@link #webSocket(String, Path)}, the handshake carrying {@code origin} as its {@code Origin} header (as a
   * browser's page would), or none when it is null.
   */
  public static LinePeer webSocket(String url, Path ca, String origin) throws IOException {
    List<String> command = new ArrayList<>(List.of(python(), "-c", script(), url));
    if (ca != null) {
      command.add(ca.toString());
    }
    if (origin != null) {
      command.addAll(List.of("--origin", origin));
    }
    return new LinePeer(command);
  }

  /**
   * Skips the calling test when openssl is missing, saying so; in CI ({@code CI=true}), where .ci/run installs it,
   * fails instead: a missing peer must not pass as a skipped test there.
   */
  public static void assumeOpenssl() {
    assumePeer(hasOpenssl(), "needs openssl (apt-get install openssl)");
  }

  /** As {@link #assumeOpenssl}, for python3 with the {@code websockets} library. */
  public static void assumeWebSockets() {
    assumePeer(hasWebSockets(), "needs python3-websockets (apt-get install python3-websockets)");
  }

  private static void assumePeer(boolean present, String why) {
    Assumptions.assumeTrue(presentUnlessCi(present, why), why);
  }

  /**
   * {@code present}, for a test that runs a part of itself only with a peer; in CI a missing peer fails the test
   * instead of leaving that part out.
   */
  public static boolean presentUnlessCi(boolean present, String why) {
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + ", and CI must run it");
    }
    return present;
  }

  /** True when Debian's openssl is on the PATH. */
  public static boolean hasOpenssl() {
    return runs(List.of("openssl", "version"));
  }

  /** True when a python3 with the {@code websockets} library is found (apt-get install python3-websockets). */
  public static boolean hasWebSockets() {
    return python() != null;
  }

  private static String python() {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (runs(List.of(candidate, "-c", "import websockets"))) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean runs(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String script() throws IOException {
    try (InputStream in = LinePeer.class.getResourceAsStream("ws_peer.py")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void pump(InputStream from, java.util.function.Consumer<String> to, boolean markEnd) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          to.accept(line);
        }
      } catch (IOException e) {
        // The process ended.
      }
      if (markEnd) {
        lines.add(EOF);
      }
    }, "line-peer-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** Sends one line (one frame). */
  public LinePeer send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    return this;
  }

  /** The next line the peer printed, {@link #EOF} once it ended; fails after {@code timeout}. */
  public String next(Duration timeout) throws InterruptedException {
    String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new AssertionError("no line from the peer within " + timeout + "; seen " + seen + "; stderr:\n" + stderr);
    }
    if (EOF.equals(line)) {
      lines.add(EOF);
    }
    seen.add(line);
    return line;
  }

  /** Skips lines until one matches, and returns it; fails at the end or after {@code timeout}. */
  public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (match.test(line)) {
        return line;
      }
      if (EOF.equals(line)) {
        throw new AssertionError("the peer ended without the line; seen " + seen + "; stderr:\n" + stderr);
      }
    }
  }

  /** Skips lines until one starts with {@code prefix}. */
  public String await(String prefix, Duration timeout) throws InterruptedException {
    return await(line -> line.startsWith(prefix), timeout);
  }

  /** Closes stdin and waits for the process to end; its exit code. */
  public int exit(Duration timeout) throws IOException, InterruptedException {
    stdin.close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the peer did not end within " + timeout + "; stderr:\n" + stderr);
    }
    return process.exitValue();
  }

  /** What the peer wrote to stderr so far. */
  public String stderr() {
    return stderr.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
