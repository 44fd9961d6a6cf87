package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The gateways of the cluster, rebuilt from their load reports alone (soft state: a restarted coordinator knows them
 * all again within a report interval). A gateway leaves when its node leaves the cluster, or when its last report
 * is older than the expiry, whichever comes first; lookups never return an expired entry, whether or not the
 * periodic {@link #sweep()} has run.
 *
 * <p>Thread-safe: reports arrive on the report consumer's context, the HTTP API reads on its own, and cluster leave
 * events on a Hazelcast thread.
 */
public final class GatewayRegistry {

  /** What dispatch found for a region. */
  public sealed interface Dispatch {
  }

  /** The least-loaded accepting gateway of the region. */
  public record Found(GatewayEntry gateway) implements Dispatch {
  }

  /** No gateway of this region has reported since the coordinator started. */
  public record UnknownRegion() implements Dispatch {
  }

  /** The region has had gateways, but none is live and accepting now. */
  public record NoneLive() implements Dispatch {
  }

  /** The cluster's message rates, summed over live gateways. */
  public record Rates(double sendsPerSecond, double deliveriesPerSecond) {
  }

  private static final int MAX_PORT = 65535;
  private static final double MILLIS_PER_SECOND = 1000.0;
  private static final Comparator<GatewayEntry> LEAST_LOADED =
      Comparator.comparingInt(GatewayEntry::load).thenComparing(GatewayEntry::node);

  private final long expiryMillis;
  private final LongSupplier clockMillis;
  private final Map<String, GatewayEntry> gateways = new ConcurrentHashMap<>();
  /**
   * Nodes told to drain (by this coordinator or, through a drain mark, by the leader), with when: their reports may
   * say accepting until the drain request reaches them. A mark older than the expiry while the gateway still reports
   * accepting is dropped: that drain never reached it (its coordinator died between the mark and the request).
   */
  private final Map<String, Long> drainRequested = new ConcurrentHashMap<>();
  private final Set<String> knownRegions = ConcurrentHashMap.newKeySet();

  /** @param clockMillis a monotonic clock in milliseconds (tests pass their own) */
  public GatewayRegistry(long expiryMillis, LongSupplier clockMillis) {
    this.expiryMillis = expiryMillis;
    this.clockMillis = clockMillis;
  }

  /** A registry on {@link System#nanoTime()}. */
  public static GatewayRegistry create(long expiryMillis) {
    return new GatewayRegistry(expiryMillis, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
  }

  /**
   * Takes a load report ({@code CoordinatorService.GATEWAY_REPORT}); a malformed one is ignored.
   *
   * @return true if it was taken
   */
  public boolean report(JsonObject report) {
    GatewayEntry fresh = parse(report);
    if (fresh == null) {
      return false;
    }
    knownRegions.add(fresh.region());
    gateways.compute(fresh.node(), (node, previous) -> withRates(fresh, previous));
    return true;
  }

  /** Forgets a gateway at once (its node left the cluster). */
  public void remove(String node) {
    gateways.remove(node);
    drainRequested.remove(node);
  }

  /**
   * Takes a gateway out of dispatch now, before its own reports say it is draining; the mark holds until a report
   * says draining, or for the report expiry.
   */
  public void markDraining(String node) {
    drainRequested.put(node, clockMillis.getAsLong());
    gateways.computeIfPresent(node, (key, entry) -> entry.withState(GatewayEntry.DRAINING));
  }

  /** Undoes {@link #markDraining} after a drain request that the gateway refused or never got. */
  public void unmarkDraining(String node) {
    drainRequested.remove(node);
  }

  /** The live gateway {@code node}, if any. */
  public Optional<GatewayEntry> get(String node) {
    GatewayEntry entry = gateways.get(node);
    return entry != null && live(entry) ? Optional.of(entry) : Optional.empty();
  }

  /** Every live gateway, by region then node id. */
  public List<GatewayEntry> live() {
    return gateways.values().stream().filter(this::live)
        .sorted(Comparator.comparing(GatewayEntry::region).thenComparing(GatewayEntry::node))
        .collect(Collectors.toList());
  }

  /** The live accepting gateways of {@code region}, least loaded first. */
  public List<GatewayEntry> accepting(String region) {
    return gateways.values().stream()
        .filter(entry -> entry.region().equals(region) && entry.accepting() && live(entry))
        .sorted(LEAST_LOADED)
        .collect(Collectors.toList());
  }

  /**
   * Picks the least-loaded live accepting gateway of {@code region} (fewest connections, counting those dispatched
   * since its last report; ties by node id) and counts the dispatch against it.
   */
  public Dispatch dispatch(String region) {
    List<GatewayEntry> candidates = accepting(region);
    if (candidates.isEmpty()) {
      return knownRegions.contains(region) ? new NoneLive() : new UnknownRegion();
    }
    GatewayEntry chosen = candidates.get(0);
    gateways.computeIfPresent(chosen.node(), (node, entry) -> entry.withDispatched(entry.dispatched() + 1));
    return new Found(chosen);
  }

  /** Regions that have had a gateway since the coordinator started. */
  public Set<String> knownRegions() {
    return Set.copyOf(knownRegions);
  }

  public Rates rates() {
    double sends = 0;
    double deliveries = 0;
    for (GatewayEntry entry : live()) {
      sends += entry.sendsPerSecond();
      deliveries += entry.deliveriesPerSecond();
    }
    return new Rates(sends, deliveries);
  }

  /** Drops expired gateways (lookups already skip them: this only frees their memory). */
  public void sweep() {
    gateways.values().removeIf(entry -> {
      boolean expired = !live(entry);
      if (expired) {
        drainRequested.remove(entry.node());
      }
      return expired;
    });
  }

  private boolean live(GatewayEntry entry) {
    return clockMillis.getAsLong() - entry.receivedAtMillis() < expiryMillis;
  }

  private GatewayEntry withRates(GatewayEntry fresh, GatewayEntry previous) {
    GatewayEntry entry = drainMarked(fresh) ? fresh.withState(GatewayEntry.DRAINING) : fresh;
    if (previous == null || previous.startedAt() != fresh.startedAt()) {
      return entry;
    }
    double seconds = (fresh.receivedAtMillis() - previous.receivedAtMillis()) / MILLIS_PER_SECOND;
    if (seconds <= 0) {
      return entry.withDispatched(previous.dispatched());
    }
    return new GatewayEntry(entry.node(), entry.region(), entry.host(), entry.port(), entry.connections(),
        entry.state(), entry.sends(), entry.deliveries(), entry.startedAt(), entry.receivedAtMillis(),
        Math.max(0, (fresh.sends() - previous.sends()) / seconds),
        Math.max(0, (fresh.deliveries() - previous.deliveries()) / seconds), 0, entry.transports());
  }

  /** Whether a drain mark overrides this report's state; drops a mark the report shows has done its work or lapsed. */
  private boolean drainMarked(GatewayEntry fresh) {
    Long markedAt = drainRequested.get(fresh.node());
    if (markedAt == null) {
      return false;
    }
    if (!fresh.accepting() || fresh.receivedAtMillis() - markedAt >= expiryMillis) {
      drainRequested.remove(fresh.node(), markedAt);
      return false;
    }
    return true;
  }

  private GatewayEntry parse(JsonObject json) {
    CoordinatorService.GatewayReport report;
    try {
      report = CoordinatorService.GatewayReport.fromJson(json);
    } catch (BusContractException e) {
      return null;
    }
    String state = report.state();
    if (!Limits.isRegion(report.region()) || report.host().isBlank() || report.port() < 1 || report.port() > MAX_PORT
        || !(GatewayEntry.ACCEPTING.equals(state) || GatewayEntry.DRAINING.equals(state))) {
      return null;
    }
    return new GatewayEntry(report.node(), report.region(), report.host(), report.port(), report.connections(),
        state, report.sends(), report.deliveries(), report.startedAt(), clockMillis.getAsLong(), 0, 0, 0,
        report.transports());
  }
}
