package io.clusterchat.loadgen.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * One latency of a run in an HdrHistogram (nanoseconds, 3 significant digits, up to a minute): recorded from any
 * thread, read in one-second intervals by the progress ticker, which adds the intervals of the measured window to
 * the run's total.
 */
public final class Latency {

  static final double P50 = 50;
  static final double P90 = 90;
  static final double P99 = 99;
  static final double P999 = 99.9;
  /** Results are rounded to the microsecond. */
  private static final long MICROS_PER_MILLI = 1000;

  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int SIGNIFICANT_DIGITS = 3;
  private static final double NANOS_PER_MILLI = 1e6;
  /** Percentile steps per halving of the distance to 100 %, for the percentile plots. */
  private static final int TICKS_PER_HALF_DISTANCE = 5;

  private final Recorder recorder = new Recorder(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
  private final Histogram total = new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);

  /** Records one latency; values past a minute count as a minute. */
  public void record(long nanos) {
    recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  /** The values recorded since the last call; added to the total when {@code measured}. Ticker thread only. */
  Histogram interval(boolean measured) {
    Histogram interval = recorder.getIntervalHistogram();
    if (measured) {
      total.add(interval);
    }
    return interval;
  }

  /** The measured window's count, mean, percentiles and maximum in milliseconds, and the percentile curve. */
  JsonObject summary() {
    JsonArray curve = new JsonArray();
    if (total.getTotalCount() > 0) {
      for (HistogramIterationValue value : total.percentiles(TICKS_PER_HALF_DISTANCE)) {
        curve.add(new JsonArray().add(value.getPercentileLevelIteratedTo())
            .add(millis(value.getValueIteratedTo())));
      }
    }
    return new JsonObject()
        .put("count", total.getTotalCount())
        .put("meanMs", round(total.getTotalCount() == 0 ? 0 : total.getMean() / NANOS_PER_MILLI))
        .put("p50Ms", percentileMillis(total, P50))
        .put("p90Ms", percentileMillis(total, P90))
        .put("p99Ms", percentileMillis(total, P99))
        .put("p999Ms", percentileMillis(total, P999))
        .put("maxMs", millis(total.getMaxValue()))
        .put("percentiles", curve);
  }

  static double percentileMillis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : millis(histogram.getValueAtPercentile(percentile));
  }

  static double millis(long nanos) {
    return round(nanos / NANOS_PER_MILLI);
  }

  private static double round(double millis) {
    return Math.round(millis * MICROS_PER_MILLI) / (double) MICROS_PER_MILLI;
  }
}
