package io.clusterchat.persistence;

import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Durable appends per second and append latency (request to reply, which is after commit) over the local event
 * bus, for H2 and PostgreSQL at several batch max sizes, with many concurrent appenders (closed loop: each sends
 * its next append when the previous one is answered). Not a test: run it by hand, see docs/benchmarks.md.
 *
 * <p>Arguments (all optional): {@code databases} (h2, pg or h2,pg), {@code batch sizes} (e.g. 1,64,512),
 * {@code appenders}, {@code seconds} measured per run (after a warm-up of a third of that).
 */
public final class StoreBenchmark {

  private static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String PG_USER = "postgres";
  private static final int USERS = 1_000;
  private static final int TEXT_CHARS = 100;
  private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);
  private static final int HISTOGRAM_DIGITS = 3;
  private static final double MICROS_PER_MILLI = 1_000.0;

  private StoreBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    List<String> databases = List.of((args.length > 0 ? args[0] : "h2,pg").split(","));
    List<Integer> batchSizes = parseInts(args.length > 1 ? args[1] : "1,64,512");
    int appenders = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    System.out.printf(Locale.ROOT, "appenders=%d, measured %d s per run after %d s warm-up, %d users, %d-char"
        + " texts, batch max delay %d ms%n%n", appenders, seconds, warmUp(seconds), USERS, TEXT_CHARS,
        PersistenceOptions.DEFAULT_BATCH_MAX_DELAY_MILLIS);
    System.out.println("| database | batch max size | appends/s | p50 ms | p99 ms | max ms | failed |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String database : databases) {
      for (int batchSize : batchSizes) {
        System.out.println(run(database, batchSize, appenders, seconds));
      }
    }
    System.exit(0);
  }

  private static int warmUp(int seconds) {
    return Math.max(1, seconds / 3);
  }

  private static List<Integer> parseInts(String list) {
    List<Integer> values = new ArrayList<>();
    for (String value : list.split(",")) {
      values.add(Integer.parseInt(value.trim()));
    }
    return values;
  }

  private static String run(String database, int batchSize, int appenders, int seconds) throws Exception {
    Path dataDir = Files.createTempDirectory("store-benchmark");
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PersistenceOptions options = "pg".equals(database) ? postgres(schema)
        : new PersistenceOptions().setDataDir(dataDir.toString());
    options.setBatchMaxSize(batchSize);
    Vertx vertx = Vertx.vertx();
    try {
      PersistenceNode node = await(PersistenceNode.deploy(vertx, options));
      List<String> users = createUsers(vertx);
      Driver driver = new Driver(users, appenders);
      await(vertx.deployVerticle(driver));
      Result result = await(driver.measure(TimeUnit.SECONDS.toMillis(warmUp(seconds)),
          TimeUnit.SECONDS.toMillis(seconds)));
      await(node.close());
      return result.row("pg".equals(database) ? "PostgreSQL" : "H2", batchSize);
    } finally {
      await(vertx.close());
      if ("pg".equals(database)) {
        dropSchema(schema);
      }
    }
  }

  private static PersistenceOptions postgres(String schema) throws SQLException {
    try (Connection connection = DriverManager.getConnection(PG_SERVER, PG_USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    return new PersistenceOptions().setJdbcUrl(PG_SERVER + "?currentSchema=" + schema).setDbUser(PG_USER);
  }

  private static void dropSchema(String schema) throws SQLException {
    try (Connection connection = DriverManager.getConnection(PG_SERVER, PG_USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static List<String> createUsers(Vertx vertx) {
    List<String> users = new ArrayList<>();
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String address = "user" + i + "@bench";
      users.add(address);
      created.add(vertx.eventBus().request(StoreService.ACCOUNT_CREATE,
          new JsonObject().put("address", address).put("hash", "benchmark-hash")));
    }
    await(Future.all(created));
    return users;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What one run measured. */
  private record Result(long appends, long failed, double seconds, Histogram latencyMicros) {

    String row(String database, int batchSize) {
      return String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %.2f | %d |", database, batchSize,
          appends / seconds, latencyMicros.getValueAtPercentile(50) / MICROS_PER_MILLI,
          latencyMicros.getValueAtPercentile(99) / MICROS_PER_MILLI,
          latencyMicros.getMaxValue() / MICROS_PER_MILLI, failed);
    }
  }

  /** The appenders, all on this verticle's event loop so that the histogram needs no lock. */
  private static final class Driver extends VerticleBase {

    private final List<String> users;
    private final int appenders;
    private final String text = "x".repeat(TEXT_CHARS);
    private final Histogram latency = new Histogram(MAX_LATENCY_MICROS, HISTOGRAM_DIGITS);
    private boolean measuring;
    private boolean stopped;
    private long appends;
    private long failed;
    private long clientIds;
    private int inFlight;
    private Promise<Void> drained;

    Driver(List<String> users, int appenders) {
      this.users = users;
      this.appenders = appenders;
    }

    Future<Result> measure(long warmUpMillis, long measureMillis) {
      Promise<Result> result = Promise.promise();
      context.runOnContext(v -> {
        for (int i = 0; i < appenders; i++) {
          appendNext(i);
        }
        vertx.setTimer(warmUpMillis, w -> startMeasuring(measureMillis, result));
      });
      return result.future();
    }

    private void startMeasuring(long measureMillis, Promise<Result> result) {
      latency.reset();
      appends = 0;
      failed = 0;
      measuring = true;
      long started = System.nanoTime();
      vertx.setTimer(measureMillis, m -> {
        measuring = false;
        double seconds = (System.nanoTime() - started) / 1e9;
        Result measured = new Result(appends, failed, seconds, latency.copy());
        stopped = true;
        drained = Promise.promise();
        drained.future().onComplete(d -> result.complete(measured));
        if (inFlight == 0) {
          drained.tryComplete();
        }
      });
    }

    private void appendNext(int appender) {
      if (stopped) {
        if (inFlight == 0 && drained != null) {
          drained.tryComplete();
        }
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      JsonObject request = new JsonObject()
          .put("from", users.get(appender % users.size()))
          .put("to", users.get(random.nextInt(users.size())))
          .put("text", text)
          .put("clientId", "c" + clientIds++);
      long sent = System.nanoTime();
      inFlight++;
      vertx.eventBus().request(StoreService.MESSAGE_APPEND, request).onComplete(reply -> {
        inFlight--;
        if (measuring) {
          if (reply.succeeded()) {
            appends++;
            latency.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - sent) / 1_000));
          } else {
            failed++;
          }
        }
        appendNext(appender);
      });
    }

    @Override
    public Future<?> start() {
      return Future.succeededFuture();
    }
  }
}
