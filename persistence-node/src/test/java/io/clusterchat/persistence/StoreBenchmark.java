package io.clusterchat.persistence;

import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Durable appends per second and append latency (request to reply, which is after commit) over the local event
 * bus, for H2 and PostgreSQL at several batch max sizes and append writer counts, with many concurrent appenders
 * (closed loop: each sends its next append when the previous one is answered) to random recipients, which spread
 * over every shard. One run measures every combination, one after the other, and prints them as one table. Not a
 * test: run it by hand, see docs/benchmarks.md.
 *
 * <p>Arguments (all optional): {@code databases} (any of h2, pg, pg2: PostgreSQL with the shards split over two
 * databases of the same server), {@code batch sizes} (e.g. 1,64,512), {@code appenders}, {@code seconds}
 * measured per run (after a warm-up of a third of that), {@code writers} per database (e.g. 1,2,4),
 * {@code rounds}: how many times the whole set of runs is repeated, each round starting at the next database and
 * writer count, so that no setting always runs first (after a JVM warm-up run per database, not counted) and a
 * change in the machine's load shows as a difference between rounds rather than between settings.
 */
public final class StoreBenchmark {

  private static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final String PG_DATABASE = "test";
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
    List<Integer> writers = parseInts(args.length > 4 ? args[4] : "1");
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    for (String database : databases) {
      Store.check(database);
    }
    Map<String, List<Run>> runsBySetup = new LinkedHashMap<>();
    for (String database : databases) {
      run(database, batchSizes.get(0), writers.get(0), appenders, seconds, 0);
    }
    for (int round = 1; round <= rounds; round++) {
      for (int batchSize : batchSizes) {
        for (String database : rotated(databases, round - 1)) {
          for (int writerCount : rotated(writers, round - 1)) {
            runsBySetup.computeIfAbsent(database + "/" + batchSize + "/" + writerCount, k -> new ArrayList<>())
                .add(run(database, batchSize, writerCount, appenders, seconds, round));
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "%nappenders=%d, measured %d s per run after %d s warm-up, %d users over %d of"
        + " %d shards, %d-char texts, batch max delay %d ms, %d cores%n%n", appenders, seconds, warmUp(seconds),
        USERS, shardsUsed(), PersistenceOptions.DEFAULT_SHARDS, TEXT_CHARS,
        PersistenceOptions.DEFAULT_BATCH_MAX_DELAY_MILLIS, Runtime.getRuntime().availableProcessors());
    System.out.println("| database | batch max size | writers | round | appends/s | p50 ms | p99 ms | max ms"
        + " | failed | load 1m |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    runsBySetup.values().forEach(runs -> runs.forEach(run -> System.out.println(run.row())));
    if (rounds > 1) {
      System.out.printf(Locale.ROOT, "%nMedian of the %d rounds (lowest and highest in brackets):%n%n", rounds);
      System.out.println("| database | batch max size | writers | appends/s | p99 ms |");
      System.out.println("|---|---|---|---|---|");
      runsBySetup.values().forEach(runs -> System.out.println(Run.summary(runs)));
    }
    System.exit(0);
  }

  /** {@code list} starting at its element {@code by} (modulo its size), so each round runs in another order. */
  private static <T> List<T> rotated(List<T> list, int by) {
    List<T> rotated = new ArrayList<>(list);
    Collections.rotate(rotated, -(by % list.size()));
    return rotated;
  }

  /** How many of the store's shards the benchmark's recipients fall in. */
  private static long shardsUsed() {
    return users().stream().map(user -> StoreService.shardOf(user, PersistenceOptions.DEFAULT_SHARDS))
        .distinct().count();
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

  private static Run run(String database, int batchSize, int writers, int appenders, int seconds, int round)
      throws Exception {
    Store store = Store.create(database);
    store.options.setBatchMaxSize(batchSize).setWriters(writers);
    Vertx vertx = Vertx.vertx();
    try {
      PersistenceNode node = await(PersistenceNode.deploy(vertx, store.options));
      if (node.heldShards().size() != store.options.getShards()) {
        throw new IllegalStateException("the node holds " + node.heldShards().size() + " of "
            + store.options.getShards() + " shards");
      }
      createUsers(vertx);
      Driver driver = new Driver(users(), appenders);
      await(vertx.deployVerticle(driver));
      Result result = await(driver.measure(TimeUnit.SECONDS.toMillis(warmUp(seconds)),
          TimeUnit.SECONDS.toMillis(seconds)));
      await(node.close());
      Run run = new Run(store.label, batchSize, writers, round, result,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.println(round == 0 ? "(warm-up, not counted) " + run.row() : run.row());
      return run;
    } finally {
      await(vertx.close());
      store.drop();
    }
  }

  /** A fresh, empty store of one kind, and how to remove it after its run. */
  private static final class Store {

    final String label;
    final PersistenceOptions options;
    /** The PostgreSQL schema (in {@link #PG_DATABASE}) and the extra database made for this run, or null. */
    private final String schema;
    private final String database;

    private Store(String label, PersistenceOptions options, String schema, String database) {
      this.label = label;
      this.options = options;
      this.schema = schema;
      this.database = database;
    }

    static void check(String kind) {
      if (!List.of("h2", "pg", "pg2").contains(kind)) {
        throw new IllegalArgumentException("database must be h2, pg or pg2, was '" + kind + "'");
      }
    }

    static Store create(String kind) throws Exception {
      if ("h2".equals(kind)) {
        Path dataDir = Files.createTempDirectory("store-benchmark");
        return new Store("H2", new PersistenceOptions().setDataDir(dataDir.toString()), null, null);
      }
      String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      execute(PG_DATABASE, "CREATE SCHEMA " + name);
      PersistenceOptions options = new PersistenceOptions()
          .setJdbcUrl(PG_SERVER + PG_DATABASE + "?currentSchema=" + name).setDbUser(PG_USER);
      if ("pg".equals(kind)) {
        return new Store("PostgreSQL", options, name, null);
      }
      String database = "clusterchat_" + name;
      execute(PG_DATABASE, "CREATE DATABASE " + database);
      int half = options.getShards() / 2;
      options.setShardDatabases(List.of(new PersistenceOptions.ShardDatabase(half, options.getShards() - 1,
          PG_SERVER + database)));
      return new Store("PostgreSQL, 2 databases", options, name, database);
    }

    void drop() throws SQLException {
      if (schema != null) {
        execute(PG_DATABASE, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
      if (database != null) {
        execute(PG_DATABASE, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }

    private static void execute(String database, String sql) throws SQLException {
      try (Connection connection = DriverManager.getConnection(PG_SERVER + database, PG_USER, "");
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }
  }

  private static List<String> users() {
    List<String> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add("user" + i + "@bench");
    }
    return users;
  }

  private static void createUsers(Vertx vertx) {
    List<Future<?>> created = new ArrayList<>();
    for (String address : users()) {
      created.add(vertx.eventBus().request(StoreService.ACCOUNT_CREATE,
          new JsonObject().put("address", address).put("hash", "benchmark-hash")));
    }
    await(Future.all(created));
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

    double rate() {
      return appends / seconds;
    }

    double p99Millis() {
      return latencyMicros.getValueAtPercentile(99) / MICROS_PER_MILLI;
    }
  }

  /** One run of one setting; {@code load} is the machine's 1-minute load average when it ended. */
  private record Run(String database, int batchSize, int writers, int round, Result result, double load) {

    String row() {
      Histogram latency = result.latencyMicros();
      return String.format(Locale.ROOT, "| %s | %d | %d | %d | %,.0f | %.2f | %.2f | %.2f | %d | %.1f |", database,
          batchSize, writers, round, result.rate(), latency.getValueAtPercentile(50) / MICROS_PER_MILLI,
          result.p99Millis(), latency.getMaxValue() / MICROS_PER_MILLI, result.failed(), load);
    }

    /** The median over the rounds of one setting. */
    static String summary(List<Run> runs) {
      List<Double> rates = runs.stream().map(run -> run.result().rate()).sorted().toList();
      List<Double> p99s = runs.stream().map(run -> run.result().p99Millis()).sorted().toList();
      Run first = runs.get(0);
      return String.format(Locale.ROOT, "| %s | %d | %d | %,.0f (%,.0f to %,.0f) | %.0f |", first.database(),
          first.batchSize(), first.writers(), median(rates), rates.get(0), rates.get(rates.size() - 1),
          median(p99s));
    }

    private static double median(List<Double> sorted) {
      int middle = sorted.size() / 2;
      return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
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
