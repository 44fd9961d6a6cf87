package io.clusterchat.loadgen;

import io.clusterchat.loadgen.impl.ChatLines;
import io.clusterchat.loadgen.impl.Connector;
import io.clusterchat.loadgen.impl.LineSocket;
import io.clusterchat.loadgen.impl.LoadRun;
import io.clusterchat.loadgen.impl.Measurement;
import io.clusterchat.loadgen.impl.RunOptions;
import io.clusterchat.loadgen.impl.Shards;
import io.clusterchat.loadgen.impl.Targets;
import io.clusterchat.loadgen.impl.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen connections}: opens N long-lived logged-in connections (RESUME with the tokens of U accounts, so
 * opening them costs no password hashing), spread over several source addresses of 127.0.0.0/8 when one address's
 * ports would run short, heartbeats each with PING, holds them, and reports how many stayed up. While holding, the
 * server can be measured (the density benchmark reads its memory then): the line {@code holding <n> connections}
 * marks that moment.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Connection load: N logged-in connections held open with heartbeats.")
public final class ConnectionsMode extends LoadRun {

  /** Source addresses 127.0.0.1 to 127.0.0.254. */
  private static final int MAX_SOURCES = 254;

  private static final long HEARTBEAT_TICK_MILLIS = 1000;
  /** Ephemeral ports one source address can use towards one server port (Linux's default range holds 28,232). */
  private static final int PORTS_PER_SOURCE = 25_000;

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "a gateway")
  String target;

  @Option(names = "--count", paramLabel = "N", description = "connections to open (default: ${DEFAULT-VALUE})")
  int count = 1000;

  @Option(names = "--users", paramLabel = "U",
      description = "accounts whose sessions the connections resume, round robin (default: ${DEFAULT-VALUE})")
  int users = 100;

  @Option(names = "--sources", paramLabel = "K",
      description = "source addresses 127.0.0.1 .. 127.0.0.K (default: as many as the count needs)")
  Integer sources;

  @Option(names = "--concurrency", paramLabel = "C",
      description = "connects and resumes in flight while ramping up (default: ${DEFAULT-VALUE})")
  int concurrency = 64;

  @Option(names = "--login-concurrency", paramLabel = "L",
      description = "accounts registered and logged in at once before the ramp (default: ${DEFAULT-VALUE}); fewer "
          + "on a small, busy box, where the auth-node drops a password hash that waited over 1 s as 503")
  int loginConcurrency = 8;

  @Option(names = "--heartbeat", paramLabel = "SECONDS",
      description = "seconds between a connection's PINGs (default: ${DEFAULT-VALUE})")
  int heartbeatSeconds = 30;

  @Option(names = "--prefix", paramLabel = "NAME",
      description = "user names are <prefix>c<k> (default: ${DEFAULT-VALUE})")
  String prefix = "lg";

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "the users' password (default: ${DEFAULT-VALUE})")
  String password = "loadgen-password";

  private final LongAdder dropped = new LongAdder();
  private final LongAdder pongs = new LongAdder();
  private volatile boolean holding = true;

  @Override
  protected String mode() {
    return "connections";
  }

  @Override
  protected void validate() {
    Targets.parse("--target", target);
    RunOptions.positive("--count", count);
    RunOptions.positive("--users", users);
    RunOptions.positive("--concurrency", concurrency);
    RunOptions.positive("--login-concurrency", loginConcurrency);
    RunOptions.positive("--heartbeat", heartbeatSeconds);
    if (sources != null && (sources < 1 || sources > MAX_SOURCES)) {
      throw new IllegalArgumentException("--sources must be 1 to " + MAX_SOURCES + ", was " + sources);
    }
  }

  private int sourceCount() {
    return sources != null ? sources : Math.max(1, (count + PORTS_PER_SOURCE - 1) / PORTS_PER_SOURCE);
  }

  @Override
  protected JsonObject parameters() {
    return new JsonObject().put("target", target).put("count", count).put("users", users)
        .put("sources", sourceCount()).put("heartbeatSeconds", heartbeatSeconds)
        .put("holdSeconds", run.durationSeconds).put("warmupSeconds", run.warmupSeconds);
  }

  @Override
  protected Future<JsonObject> execute(Vertx vertx, Shards shards) {
    SocketAddress gateway = Targets.parse("--target", target);
    List<Connector> clients = new ArrayList<>();
    for (int k = 1; k <= sourceCount(); k++) {
      clients.add(client(vertx, sourceCount() == 1 ? null : "127.0.0." + k));
    }
    Measurement measurement = new Measurement(out, "resume");
    String[] tokens = new String[users];
    List<List<LineSocket>> byShard = shards.perShard();
    AtomicInteger open = new AtomicInteger();
    long[] rampNanos = new long[2];
    return Tasks.forEach(users, loginConcurrency, i -> shards.on(shards.shardOf(i), () ->
            ChatLines.connect(clients.get(0), gateway, run.timeoutMillis()).compose(greeted ->
                ChatLines.registerAndLogin(greeted.socket(), prefix + "c" + i, password, run.timeoutMillis())
                    .onSuccess(login -> tokens[i] = login.token())
                    .eventually(() -> greeted.socket().close()))))
        .compose(v -> {
          out.printf(Locale.ROOT, "%d accounts logged in; opening %d connections from %d source address(es)%n",
              users, count, sourceCount());
          rampNanos[0] = System.nanoTime();
          measurement.startWindow();
          return Tasks.forEach(count, concurrency, i -> shards.on(shards.shardOf(i), () ->
              openOne(clients.get(i % clients.size()), gateway, tokens[i % users], measurement, open)
                  .map(socket -> byShard.get(shards.shardOf(i)).add(socket))));
        })
        .compose(v -> {
          rampNanos[1] = System.nanoTime();
          out.printf(Locale.ROOT, "holding %d connections (%d failed) for %d s%n", open.get(),
              measurement.errors.sum(), run.warmupSeconds + run.durationSeconds);
          return startHeartbeats(shards, byShard);
        })
        .compose(v -> measurement.run(vertx, 0, run.warmupSeconds + run.durationSeconds, open::get))
        .map(v -> {
          holding = false;
          JsonObject window = measurement.report();
          int heldAtEnd = open.get();
          byShard.forEach(sockets -> sockets.forEach(LineSocket::close));
          return new JsonObject()
              .put("requested", count)
              .put("established", window.getLong("received"))
              .put("failed", window.getLong("errors"))
              .put("openAtEnd", heldAtEnd)
              .put("droppedWhileHolding", dropped.sum())
              .put("pongs", pongs.sum())
              .put("rampSeconds", (rampNanos[1] - rampNanos[0]) / (double) TimeUnit.SECONDS.toNanos(1))
              .put("latency", window.getJsonObject("latency"))
              .put("series", window.getJsonArray("series"));
        });
  }

  /** Connects, resumes, and keeps the connection: a failure is counted, not fatal. */
  private Future<LineSocket> openOne(Connector client, SocketAddress gateway, String token, Measurement measurement,
                                     AtomicInteger open) {
    long start = System.nanoTime();
    measurement.sent.increment();
    return ChatLines.connect(client, gateway, run.timeoutMillis())
        .compose(greeted -> ChatLines.resume(greeted.socket(), token, run.timeoutMillis())
            .onFailure(e -> greeted.socket().close())
            .map(login -> greeted.socket()))
        .map(socket -> {
          measurement.latency("resume").record(System.nanoTime() - start);
          measurement.received.increment();
          open.incrementAndGet();
          socket.handler(line -> {
            if (line.startsWith("PONG")) {
              pongs.increment();
            }
          });
          socket.closeHandler(v -> {
            open.decrementAndGet();
            if (holding) {
              dropped.increment();
            }
          });
          return socket;
        })
        .recover(e -> {
          measurement.errors.increment();
          return Future.succeededFuture(null);
        });
  }

  /** On each shard, every second a slice of its connections sends PING, so each pings once per heartbeat. */
  private Future<Void> startHeartbeats(Shards shards, List<List<LineSocket>> byShard) {
    List<Future<?>> timers = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<LineSocket> mine = byShard.get(shard);
      mine.removeIf(socket -> socket == null);
      int[] next = {0};
      int perTick = Math.max(1, (mine.size() + heartbeatSeconds - 1) / heartbeatSeconds);
      timers.add(shards.periodic(shard, HEARTBEAT_TICK_MILLIS, () -> {
        for (int i = 0; i < perTick && holding && !mine.isEmpty(); i++) {
          LineSocket socket = mine.get(next[0]++ % mine.size());
          if (socket.isOpen()) {
            socket.send("PING");
          }
        }
      }));
    }
    return Future.all(timers).mapEmpty();
  }

  @Override
  protected String summary(JsonObject result) {
    JsonObject resume = result.getJsonObject("latency").getJsonObject("resume");
    return String.format(Locale.ROOT, "%d of %d connections established (%d failed) in %.1f s, %d open at the end, "
            + "%d dropped while holding, resume p50 %.3f ms, p99 %.3f ms",
        result.getLong("established"), count, result.getLong("failed"), result.getDouble("rampSeconds"),
        result.getInteger("openAtEnd"), result.getLong("droppedWhileHolding"), resume.getDouble("p50Ms"),
        resume.getDouble("p99Ms"));
  }
}
