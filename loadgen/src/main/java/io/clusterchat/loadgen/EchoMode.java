package io.clusterchat.loadgen;

import io.clusterchat.loadgen.impl.ChatLines;
import io.clusterchat.loadgen.impl.Connector;
import io.clusterchat.loadgen.impl.LineSocket;
import io.clusterchat.loadgen.impl.LoadRun;
import io.clusterchat.loadgen.impl.LongRing;
import io.clusterchat.loadgen.impl.Measurement;
import io.clusterchat.loadgen.impl.RunOptions;
import io.clusterchat.loadgen.impl.Shards;
import io.clusterchat.loadgen.impl.Targets;
import io.clusterchat.loadgen.impl.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen echo}: C connections send echo requests, in a closed loop (each sends its next request when the
 * reply comes) or at a fixed offered rate; latency from the send (closed loop) or from the intended send time (fixed
 * rate, corrected for coordinated omission) to the reply. Speaks the gateway's {@code ECHO} or raw bytes for the
 * echo service and the servers it is compared with.
 */
@Command(name = "echo", mixinStandardHelpOptions = true,
    description = "Echo load: gateway ECHO requests, or raw lines to a plain echo server.")
public final class EchoMode extends LoadRun {

  private static final String ECHO_PREFIX = "ECHO ";
  private static final int LETTERS = 26;

  /** How the payload is framed and the reply recognised. */
  public enum Protocol { clusterchat, raw }

  private static final long SETTLE_MILLIS = 5_000;
  private static final int CONNECT_PARALLELISM = 32;

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "the server")
  String target;

  @Option(names = "--protocol", paramLabel = "PROTOCOL",
      description = "clusterchat: 'ECHO <payload>' lines to a gateway, replies 'ECHO [ctime] <payload>'; "
          + "raw: payload lines to an echo server that answers a line per line (the echo service, the tutorials' "
          + "servers). Default: ${DEFAULT-VALUE}")
  Protocol protocol = Protocol.clusterchat;

  @Option(names = "--connections", paramLabel = "N", description = "connections (default: ${DEFAULT-VALUE})")
  int connections = 50;

  @Option(names = "--rate", paramLabel = "PER_SECOND", split = ",",
      description = "requests a second in all, on a fixed schedule; 0 for a closed loop. Several (1000,2000,...) "
          + "run one after another on the same connections, each with its warm-up (default: 0)")
  List<Double> rates = List.of(0.0);

  @Option(names = "--size", paramLabel = "BYTES", description = "payload bytes (default: ${DEFAULT-VALUE})")
  int size = 64;

  private volatile boolean sending;
  /** The step running: its rate (0: closed loop) and its numbers. */
  private volatile double rate;
  private volatile Measurement measurement;

  @Override
  protected String mode() {
    return "echo";
  }

  @Override
  protected void validate() {
    Targets.parse("--target", target);
    RunOptions.positive("--connections", connections);
    rates.forEach(rate -> RunOptions.atLeastZero("--rate", rate));
    RunOptions.positive("--size", size);
    if (protocol == Protocol.raw) {
      transport.requireTcp("--protocol raw");
    }
  }

  @Override
  protected JsonObject parameters() {
    return new JsonObject().put("target", target).put("protocol", protocol.name()).put("connections", connections)
        .put("rates", new JsonArray(new ArrayList<>(rates))).put("size", size)
        .put("durationSeconds", run.durationSeconds).put("warmupSeconds", run.warmupSeconds);
  }

  @Override
  protected Future<JsonObject> execute(Vertx vertx, Shards shards) {
    SocketAddress server = Targets.parse("--target", target);
    Connector client = client(vertx, null);
    Buffer payload = payload();
    List<List<EchoConnection>> byShard = shards.perShard();
    List<EchoConnection> all = new CopyOnWriteArrayList<>();
    return Tasks.forEach(connections, CONNECT_PARALLELISM, i -> shards.on(shards.shardOf(i), () ->
            open(client, server).map(socket -> {
              EchoConnection connection = new EchoConnection(socket, payload);
              byShard.get(shards.shardOf(i)).add(connection);
              all.add(connection);
              return connection;
            })))
        .compose(v -> steps(rates, stepRate -> step(vertx, shards, byShard, all, stepRate)));
  }

  /** One offered rate: start sending, warm up, measure, stop, wait for the replies still due. */
  private Future<JsonObject> step(Vertx vertx, Shards shards, List<List<EchoConnection>> byShard,
                                  List<EchoConnection> all, double stepRate) {
    Measurement step = new Measurement(out, "latency");
    measurement = step;
    rate = stepRate;
    sending = true;
    List<Long> timers = new ArrayList<>();
    return start(shards, byShard, timers)
        .compose(v -> step.run(vertx, run.warmupSeconds, run.durationSeconds,
            () -> (int) all.stream().filter(c -> c.socket.isOpen()).count()))
        .compose(v -> {
          sending = false;
          timers.forEach(vertx::cancelTimer);
          return Tasks.until(vertx, () -> outstanding(step) == 0, SETTLE_MILLIS);
        })
        .map(v -> step.report().put("rate", stepRate).put("closedLoop", stepRate == 0)
            .put("unanswered", outstanding(step)));
  }

  private Future<LineSocket> open(Connector client, SocketAddress server) {
    return protocol == Protocol.clusterchat
        ? ChatLines.connect(client, server, run.timeoutMillis()).map(ChatLines.Greeted::socket)
        : client.connect(server);
  }

  private Future<Void> start(Shards shards, List<List<EchoConnection>> byShard, List<Long> timers) {
    List<Future<?>> started = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<EchoConnection> mine = byShard.get(shard);
      if (rate == 0) {
        started.add(shards.on(shard, () -> {
          mine.forEach(connection -> connection.send(System.nanoTime()));
          return Future.succeededFuture();
        }));
      } else {
        started.add(shards.paced(shard, rate / shards.size(), mine, () -> sending, EchoConnection::send)
            .onSuccess(timers::add));
      }
    }
    return Future.all(started).mapEmpty();
  }

  private static long outstanding(Measurement measurement) {
    return measurement.sent.sum() - measurement.received.sum() - measurement.errors.sum();
  }

  private Buffer payload() {
    StringBuilder text = new StringBuilder(size + ECHO_PREFIX.length() + 1);
    if (protocol == Protocol.clusterchat) {
      text.append(ECHO_PREFIX);
    }
    for (int i = 0; i < size; i++) {
      text.append((char) ('a' + i % LETTERS));
    }
    return Buffer.buffer(text.append('\n').toString());
  }

  @Override
  protected String summary(JsonObject step) {
    JsonObject latency = step.getJsonObject("latency").getJsonObject("latency");
    double stepRate = step.getDouble("rate");
    return String.format(Locale.ROOT, "%d replies/s, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, errors %d, "
            + "unanswered %d (%d connections, %s, %d s)",
        step.getLong("receivedPerSecond"), latency.getDouble("p50Ms"), latency.getDouble("p99Ms"),
        latency.getDouble("p999Ms"), step.getLong("errors"), step.getLong("unanswered"), connections,
        stepRate == 0 ? "closed loop" : "offered " + Math.round(stepRate) + "/s", run.durationSeconds);
  }

  /** One connection's requests in flight, answered in order. Confined to its shard. */
  private final class EchoConnection {

    final LineSocket socket;
    private final Buffer payload;
    private final LongRing inFlight = new LongRing();

    EchoConnection(LineSocket socket, Buffer payload) {
      this.socket = socket;
      this.payload = payload;
      socket.handler(this::onLine);
    }

    /** Sends one request, its latency counted from {@code intendedNanos}. */
    void send(long intendedNanos) {
      if (!socket.isOpen()) {
        return;
      }
      Measurement measurement = EchoMode.this.measurement;
      inFlight.add(intendedNanos);
      measurement.sent.increment();
      socket.sendRaw(payload);
    }

    private void onLine(String line) {
      boolean error = protocol == Protocol.clusterchat && line.startsWith("ERR ");
      if (protocol == Protocol.clusterchat && !error && !line.startsWith("ECHO ")) {
        return;
      }
      long now = System.nanoTime();
      long sentAt = inFlight.poll(now);
      Measurement measurement = EchoMode.this.measurement;
      if (error) {
        measurement.errors.increment();
      } else {
        measurement.latency("latency").record(now - sentAt);
        measurement.received.increment();
      }
      if (rate == 0 && sending) {
        send(now);
      }
    }
  }
}
