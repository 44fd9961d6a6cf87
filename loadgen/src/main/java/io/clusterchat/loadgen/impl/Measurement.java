package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;

/**
 * The counters and latencies of one run, and its clock: a warm-up whose numbers are dropped, then the measured
 * window. A ticker prints one progress line a second and keeps the per-second series for the report. Counters are
 * bumped from any event loop; the ticker alone reads the histograms.
 */
public final class Measurement {

  private static final long TICK_MILLIS = 1000;

  /** Requests (or messages, or connection attempts) sent. */
  public final LongAdder sent = new LongAdder();
  /** Replies (or deliveries, or sessions established) received. */
  public final LongAdder received = new LongAdder();
  /** Error replies, timeouts and failed attempts. */
  public final LongAdder errors = new LongAdder();

  private final Map<String, Latency> latencies = new LinkedHashMap<>();
  private final String primary;
  private final JsonArray seconds = new JsonArray();
  private final PrintStream out;
  private volatile boolean measuring;
  private long[] atStart = new long[3];
  private long[] atEnd = new long[3];
  private long[] lastTick = new long[3];
  private long measuredMillis;

  /** Latencies by name, the first being the one the progress line shows. */
  public Measurement(PrintStream out, String primaryLatency, String... otherLatencies) {
    this.out = out;
    this.primary = primaryLatency;
    latencies.put(primaryLatency, new Latency());
    for (String name : otherLatencies) {
      latencies.put(name, new Latency());
    }
  }

  public Latency latency(String name) {
    return latencies.get(name);
  }

  /** True inside the measured window. */
  public boolean measuring() {
    return measuring;
  }

  /**
   * Ticks through {@code warmupSeconds} and {@code durationSeconds}; completes at the end of the measured window.
   * {@code open} counts the connections open, for the progress line.
   */
  public Future<Void> run(Vertx vertx, int warmupSeconds, int durationSeconds, IntSupplier open) {
    Promise<Void> done = Promise.promise();
    int[] elapsed = {0};
    lastTick = counters();
    if (warmupSeconds == 0 && !measuring) {
      startWindow();
    }
    vertx.setPeriodic(TICK_MILLIS, timer -> {
      elapsed[0]++;
      tick(elapsed[0], open.getAsInt());
      if (elapsed[0] == warmupSeconds) {
        startWindow();
      } else if (elapsed[0] == warmupSeconds + durationSeconds) {
        measuring = false;
        atEnd = counters();
        measuredMillis = durationSeconds * TICK_MILLIS;
        vertx.cancelTimer(timer);
        done.complete();
      }
    });
    return done.future();
  }

  /**
   * Starts the measured window now, before {@link #run} (which then keeps what was recorded since): for a ramp whose
   * numbers count, as the connections mode's resumes do.
   */
  public void startWindow() {
    for (Latency latency : latencies.values()) {
      latency.interval(false);
    }
    atStart = counters();
    measuring = true;
  }

  private void tick(int second, int open) {
    long[] now = counters();
    boolean measured = measuring;
    Histogram interval = null;
    for (Map.Entry<String, Latency> entry : latencies.entrySet()) {
      Histogram h = entry.getValue().interval(measured);
      if (entry.getKey().equals(primary)) {
        interval = h;
      }
    }
    long sentNow = now[0] - lastTick[0];
    long receivedNow = now[1] - lastTick[1];
    long errorsNow = now[2] - lastTick[2];
    lastTick = now;
    double p50 = Latency.percentileMillis(interval, Latency.P50);
    double p99 = Latency.percentileMillis(interval, Latency.P99);
    seconds.add(new JsonObject().put("second", second).put("measured", measured).put("sent", sentNow)
        .put("received", receivedNow).put("errors", errorsNow).put("open", open)
        .put("p50Ms", p50).put("p99Ms", p99));
    out.printf(Locale.ROOT, "%4ds %-8s sent %8d/s  received %8d/s  %s p50 %8.3f ms  p99 %8.3f ms  errors %d  open %d%n",
        second, measured ? "measure" : "warm-up", sentNow, receivedNow, primary, p50, p99, errorsNow, open);
  }

  private long[] counters() {
    return new long[] {sent.sum(), received.sum(), errors.sum()};
  }

  /** The measured window: counts, rates, latencies, and the per-second series of the whole run. */
  public JsonObject report() {
    double seconds = measuredMillis / (double) TimeUnit.SECONDS.toMillis(1);
    long sentInWindow = atEnd[0] - atStart[0];
    long receivedInWindow = atEnd[1] - atStart[1];
    JsonObject latencyReport = new JsonObject();
    latencies.forEach((name, latency) -> latencyReport.put(name, latency.summary()));
    return new JsonObject()
        .put("measuredSeconds", seconds)
        .put("sent", sentInWindow)
        .put("received", receivedInWindow)
        .put("errors", atEnd[2] - atStart[2])
        .put("sentPerSecond", seconds == 0 ? 0 : Math.round(sentInWindow / seconds))
        .put("receivedPerSecond", seconds == 0 ? 0 : Math.round(receivedInWindow / seconds))
        .put("latency", latencyReport)
        .put("series", this.seconds);
  }
}
