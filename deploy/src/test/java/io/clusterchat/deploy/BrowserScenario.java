package io.clusterchat.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clusterchat.testing.LinePeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/browser/chat-scenario.mjs}: Playwright (npm's {@code playwright-core}, installed here with
 * {@code npm ci} on first use) drives the browser chat client in Debian's headless chromium. The script asks the
 * harness for what only the harness can do to the cluster ({@code HARNESS drain}); this class answers with the
 * test's {@link Action}s and collects the script's steps and {@code FACT}s.
 */
final class BrowserScenario {

  /** The script's folder, relative to the deploy module (Maven runs tests there). */
  static final Path DIR = Path.of("src", "test", "browser");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final long NPM_MINUTES = 5;
  private static final long RUN_MINUTES = 4;

  /** Something the script asked the harness to do to the cluster. */
  interface Action {
    void run() throws Exception;
  }

  /** What one run printed. */
  record Result(int exitCode, List<String> lines, Map<String, String> facts) {

    String output() {
      return String.join("\n", lines);
    }
  }

  private BrowserScenario() {
  }

  /**
   * Skips the calling test when node, npm or chromium is missing, saying so; in CI ({@code CI=true}), where
   * .ci/run installs them, fails instead. Then installs the script's npm packages if they are not yet here.
   */
  static void assumeReady() throws IOException, InterruptedException {
    boolean present = Files.isExecutable(Path.of(CHROMIUM)) && runs(List.of("node", "--version"))
        && runs(List.of("npm", "--version"));
    assumeTrue(LinePeer.presentUnlessCi(present, "node, npm or " + CHROMIUM + " is missing (apt-get install -y "
        + "chromium nodejs npm)"), "node, npm or chromium is missing: the browser client tests are skipped");
    if (!Files.isDirectory(DIR.resolve("node_modules").resolve("playwright-core"))) {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      if (!npm.waitFor(NPM_MINUTES, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new AssertionError("npm ci in " + DIR + " failed (is the npm registry reachable?)");
      }
    }
  }

  /**
   * Runs the scenario against {@code chatUrl}; {@code actions} (may be empty) answer its HARNESS requests, and
   * with them the script runs its drain and gateway-failure steps too. Screenshots go to {@code screenshots}.
   * {@code usersSuffix} follows the user names ({@code alice<suffix>@bj}); null for a random one.
   */
  static Result run(String chatUrl, Path screenshots, String usersSuffix, Map<String, Action> actions)
      throws Exception {
    Files.createDirectories(screenshots);
    ProcessBuilder builder = new ProcessBuilder("node", "chat-scenario.mjs").directory(DIR.toFile())
        .redirectErrorStream(true);
    builder.environment().put("CHAT_URL", chatUrl);
    builder.environment().put("CHROMIUM", CHROMIUM);
    builder.environment().put("SCREENSHOTS", screenshots.toAbsolutePath().toString());
    builder.environment().put("HARNESS", actions.isEmpty() ? "0" : "1");
    if (usersSuffix != null) {
      builder.environment().put("USERS_SUFFIX", usersSuffix);
    }
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    Map<String, String> facts = new LinkedHashMap<>();
    // A watchdog: a stuck browser must not hold the build.
    Thread watchdog = new Thread(() -> {
      try {
        if (!process.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "chat-scenario-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
             StandardCharsets.UTF_8));
         Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        // In the build log as it happens: where a browser run stopped is plain to see.
        System.out.println("[chat-scenario] " + line);
        if (line.startsWith("FACT ")) {
          String[] parts = line.split(" ", 3);
          facts.put(parts[1], parts.length > 2 ? parts[2] : "");
        } else if (line.startsWith("HARNESS ")) {
          in.write(answer(actions.get(line.substring("HARNESS ".length()))) + "\n");
          in.flush();
        }
      }
    }
    process.waitFor();
    watchdog.interrupt();
    return new Result(process.exitValue(), lines, facts);
  }

  private static String answer(Action action) {
    if (action == null) {
      return "fail the harness has no such action";
    }
    try {
      action.run();
      return "ok";
    } catch (Exception | AssertionError e) {
      return "fail " + e;
    }
  }

  private static boolean runs(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor(NPM_MINUTES, TimeUnit.MINUTES) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
