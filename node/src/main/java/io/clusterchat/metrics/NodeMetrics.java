package io.clusterchat.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One node's meter registry, found from its {@link Vertx} so that code deep inside a role (a connection, the
 * store's writer thread) can count without the registry being passed through every constructor.
 *
 * <p>{@code ClusterNode} installs a Prometheus registry that Vert.x's own metrics also feed. Where nothing was
 * installed (a plain Vert.x in a unit test) {@link #of} installs a {@link SimpleMeterRegistry}: meters still work
 * and can be read, nothing is exposed, nothing fails. Several nodes in one JVM (the tests) each have their own
 * registry, so one node's counters never show up in another's scrape.
 */
public final class NodeMetrics implements Shareable {

  /** Every custom meter's name starts so; Prometheus shows {@code clusterchat_...}. */
  public static final String PREFIX = "clusterchat.";
  public static final String TAG_NODE = "node";
  public static final String TAG_ROLE = "role";
  public static final String TAG_REGION = "region";

  private static final String LOCAL_MAP = "clusterchat.node";
  private static final String KEY = "metrics";
  /**
   * Vert.x's labels we keep. vertx-micrometer-metrics drops every tag named like a {@link Label} that is not
   * enabled from every meter of the registry, ours included: event-bus {@code address} must be on for our
   * per-address latency. Addresses are bounded here (constants, one per node), so this costs no cardinality.
   */
  private static final Set<Label> LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
      Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE, Label.EB_ADDRESS, Label.EB_FAILURE);

  private final MeterRegistry registry;
  private final Map<Class<?>, Object> meterSets = new ConcurrentHashMap<>();

  private NodeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * A Prometheus registry whose every series carries the node's identity.
   *
   * @param region null for roles that serve every region
   */
  public static PrometheusMeterRegistry prometheusRegistry(String nodeId, String role, String region) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Tag> tags = region == null
        ? List.of(Tag.of(TAG_NODE, nodeId), Tag.of(TAG_ROLE, role))
        : List.of(Tag.of(TAG_NODE, nodeId), Tag.of(TAG_ROLE, role), Tag.of(TAG_REGION, region));
    registry.config().commonTags(tags);
    return registry;
  }

  /**
   * The options that turn Vert.x's metrics on (event bus, net and HTTP servers and clients, pools, JVM), to go
   * with {@code new MicrometerMetricsFactory(registry)}. The registry name is unique per Vert.x instance:
   * vertx-micrometer-metrics keeps registries by name in a JVM-wide table, and two nodes of one JVM sharing a
   * name would share (and mix) one registry.
   */
  public static MicrometerMetricsOptions vertxMetricsOptions(String nodeId) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("clusterchat-" + nodeId + "-" + UUID.randomUUID())
        .setJvmMetricsEnabled(true)
        .setLabels(LABELS)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Makes {@code registry} the node's registry; call once, right after the Vert.x instance is built. */
  public static NodeMetrics install(Vertx vertx, MeterRegistry registry) {
    NodeMetrics metrics = new NodeMetrics(registry);
    map(vertx).put(KEY, metrics);
    return metrics;
  }

  /** The node's metrics; a private {@link SimpleMeterRegistry} when none was installed (metrics off). */
  public static NodeMetrics of(Vertx vertx) {
    LocalMap<String, NodeMetrics> map = map(vertx);
    NodeMetrics metrics = map.get(KEY);
    if (metrics != null) {
      return metrics;
    }
    NodeMetrics fallback = new NodeMetrics(new SimpleMeterRegistry());
    NodeMetrics raced = map.putIfAbsent(KEY, fallback);
    return raced == null ? fallback : raced;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** True when {@link #scrape()} has something to say (the node runs with Prometheus metrics). */
  public boolean exposed() {
    return registry instanceof PrometheusMeterRegistry;
  }

  /** Every meter in the Prometheus text format 0.0.4; empty when metrics are not {@link #exposed()}. */
  public String scrape() {
    return exposed() ? ((PrometheusMeterRegistry) registry).scrape() : "";
  }

  /**
   * A role's set of meters, made once per node: meters holding state (a gauge's value) must exist once, and
   * looking meters up per event would cost a map lookup and an id allocation each time.
   */
  public <T> T meters(Class<T> type, Function<MeterRegistry, T> factory) {
    return type.cast(meterSets.computeIfAbsent(type, key -> factory.apply(registry)));
  }

  private static LocalMap<String, NodeMetrics> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOCAL_MAP);
  }
}
