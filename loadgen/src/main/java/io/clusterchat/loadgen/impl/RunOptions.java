package io.clusterchat.loadgen.impl;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** The options every load mode shares: how long, on how many threads, where the result goes. */
public final class RunOptions {

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "seconds measured, after the warm-up (default: ${DEFAULT-VALUE})")
  public int durationSeconds = 20;

  @Option(names = "--warmup", paramLabel = "SECONDS",
      description = "seconds of load before measuring; their numbers are dropped (default: ${DEFAULT-VALUE})")
  public int warmupSeconds = 5;

  @Option(names = "--threads", paramLabel = "N",
      description = "event loops of the generator (default: the number of cores, ${DEFAULT-VALUE})")
  public int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "seconds a connect, login or setup reply may take (default: ${DEFAULT-VALUE})")
  public int timeoutSeconds = 30;

  @Option(names = "--out", paramLabel = "FILE", description = "also write the result as JSON to this file")
  public Path out;

  @Option(names = "--label", paramLabel = "TEXT",
      description = "what is measured (e.g. the server's name), kept in the result")
  public String label;

  /** Throws IllegalArgumentException naming the first bad value. */
  public void validate() {
    positive("--duration", durationSeconds);
    atLeastZero("--warmup", warmupSeconds);
    positive("--threads", threads);
    positive("--timeout", timeoutSeconds);
  }

  public long timeoutMillis() {
    return TimeUnit.SECONDS.toMillis(timeoutSeconds);
  }

  public static void positive(String option, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(option + " must be positive, was " + value);
    }
  }

  public static void atLeastZero(String option, double value) {
    if (value < 0) {
      throw new IllegalArgumentException(option + " must not be negative, was " + value);
    }
  }
}
