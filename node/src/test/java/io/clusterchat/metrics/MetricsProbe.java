package io.clusterchat.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scraper for tests: GETs a node's {@code /metrics} or {@code /health} over a real socket (from the test
 * thread, never an event loop) and checks that the metrics text is well-formed Prometheus exposition.
 */
public final class MetricsProbe {

  /** {@code name{label="value",...} value}: what every sample line of the text format looks like. */
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
          + "(-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MetricsProbe() {
  }

  /** A GET of {@code path} on 127.0.0.1:{@code port}. */
  public static HttpResponse<String> get(int port, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Scrapes {@code /metrics}, asserts 200, the Prometheus content type and that every line is a comment or a
   * sample, and returns the samples: {@code name{labels}} to value.
   */
  public static Map<String, Double> scrape(int port) {
    HttpResponse<String> response = get(port, NodeHttpVerticle.METRICS_PATH);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(NodeHttpVerticle.PROMETHEUS_CONTENT_TYPE);
    return parse(response.body());
  }

  /** The samples of a Prometheus text; fails on any line that is neither a comment, blank nor a sample. */
  public static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("a Prometheus sample line: %s", line).isTrue();
      String series = sample.group(1) + (sample.group(2) == null ? "" : sample.group(2));
      samples.put(series, Double.parseDouble(sample.group(3).replace("Inf", "Infinity")));
    }
    return samples;
  }

  /** The sum of every sample of {@code name} whose labels contain each of {@code labels} ({@code k="v"}). */
  public static double sum(Map<String, Double> samples, String name, String... labels) {
    double sum = 0;
    for (Map.Entry<String, Double> sample : samples.entrySet()) {
      String series = sample.getKey();
      int brace = series.indexOf('{');
      String seriesName = brace < 0 ? series : series.substring(0, brace);
      if (seriesName.equals(name) && containsAll(series, labels)) {
        sum += sample.getValue();
      }
    }
    return sum;
  }

  /** Whether some sample's name is {@code name} (with any labels). */
  public static boolean has(Map<String, Double> samples, String name) {
    return samples.keySet().stream().anyMatch(series -> series.equals(name) || series.startsWith(name + "{"));
  }

  private static boolean containsAll(String series, String... labels) {
    for (String label : labels) {
      if (!series.contains(label)) {
        return false;
      }
    }
    return true;
  }
}
