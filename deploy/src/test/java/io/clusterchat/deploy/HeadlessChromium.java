package io.clusterchat.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's chromium, run headless once per page view: {@code --dump-dom} returns the page's DOM after its scripts
 * ran for a virtual-time budget, {@code --screenshot} saves a PNG. Each run gets a fresh profile directory, so
 * nothing (sessionStorage, cache) carries over between views; the dashboard's token travels in the URL fragment.
 */
final class HeadlessChromium {

  /** Where Debian's package puts it; {@code -Dclusterchat.chromium=<path>} overrides. */
  private static final String DEFAULT_BINARY = "/usr/bin/chromium";
  private static final long RUN_TIMEOUT_SECONDS = 60;
  private static final int STDERR_TAIL_CHARS = 2_000;

  private final String binary;

  private HeadlessChromium(String binary) {
    this.binary = binary;
  }

  /** The browser, if this machine has it. */
  static Optional<HeadlessChromium> find() {
    String binary = System.getProperty("clusterchat.chromium", DEFAULT_BINARY);
    return Files.isExecutable(Path.of(binary)) ? Optional.of(new HeadlessChromium(binary)) : Optional.empty();
  }

  /**
   * The serialized DOM of {@code url} once the page has had {@code virtualMillis} of virtual time. Virtual time
   * stands still while a fetch is in flight, so a page polling every second gets about one poll per second of
   * budget however slow the machine is.
   */
  String dumpDom(String url, long virtualMillis) {
    return new String(run(url, virtualMillis, List.of("--dump-dom")), StandardCharsets.UTF_8);
  }

  /** Saves a screenshot of {@code url} at 1280x800 after {@code virtualMillis} of virtual time. */
  void screenshot(String url, long virtualMillis, Path png) {
    run(url, virtualMillis, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,800",
        "--hide-scrollbars"));
    if (!Files.isRegularFile(png)) {
      throw new AssertionError("chromium wrote no screenshot to " + png);
    }
  }

  private byte[] run(String url, long virtualMillis, List<String> action) {
    Path profile = null;
    Path stdout = null;
    Path stderr = null;
    Process process = null;
    try {
      profile = Files.createTempDirectory("chromium-profile");
      stdout = Files.createTempFile("chromium", ".out");
      stderr = Files.createTempFile("chromium", ".err");
      List<String> command = new ArrayList<>(List.of(binary,
          "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          // No traffic but the page's own: the machine may have no internet, and none is needed.
          "--disable-background-networking", "--no-first-run", "--disable-quic", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + virtualMillis));
      command.addAll(action);
      command.add(url);
      // Output to files rather than pipes: chromium logs a lot (dbus, GPU) and must never block on a full pipe.
      process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish within " + RUN_TIMEOUT_SECONDS + " s on " + url
            + "; stderr: " + tail(stderr));
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + process.exitValue() + " on " + url + "; stderr: "
            + tail(stderr));
      }
      return Files.readAllBytes(stdout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      if (process != null && process.isAlive()) {
        // Chromium's renderer and helper processes first, then the browser process itself.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      deleteQuietly(profile);
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }
  }

  private static String tail(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.length() <= STDERR_TAIL_CHARS ? text : text.substring(text.length() - STDERR_TAIL_CHARS);
  }

  private static void deleteQuietly(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover temp profile is harmless.
    }
  }

  // ---- reading a dumped DOM -------------------------------------------------------------------------------

  /**
   * The value of attribute {@code wanted} on the first element whose attribute {@code key} is {@code value}, or
   * empty if there is no such element or it lacks the attribute. Enough for the dashboard's data-* attributes,
   * whose values are plain ids and numbers.
   */
  static Optional<String> attribute(String dom, String key, String value, String wanted) {
    Matcher tag = Pattern.compile("<[a-z][^>]*\\s" + Pattern.quote(key) + "=\"" + Pattern.quote(value) + "\"[^>]*>")
        .matcher(dom);
    if (!tag.find()) {
      return Optional.empty();
    }
    Matcher attribute = Pattern.compile("\\s" + Pattern.quote(wanted) + "=\"([^\"]*)\"").matcher(tag.group());
    return attribute.find() ? Optional.of(attribute.group(1)) : Optional.empty();
  }

  /** The value of attribute {@code wanted} on the {@code <body>} element. */
  static Optional<String> bodyAttribute(String dom, String wanted) {
    Matcher body = Pattern.compile("<body[^>]*>").matcher(dom);
    if (!body.find()) {
      return Optional.empty();
    }
    Matcher attribute = Pattern.compile("\\s" + Pattern.quote(wanted) + "=\"([^\"]*)\"").matcher(body.group());
    return attribute.find() ? Optional.of(attribute.group(1)) : Optional.empty();
  }
}
