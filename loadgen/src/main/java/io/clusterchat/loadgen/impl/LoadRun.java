package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every load mode does around its own work: check the options, start the generator's event loops, run, write
 * the result JSON (to {@code --out} and as the last line of output) and a one-line summary, stop. Exit codes: 0 the
 * run finished (its errors are in the result), 1 it could not run (setup failed), 2 bad option.
 */
public abstract class LoadRun implements java.util.concurrent.Callable<Integer> {

  private static final long BYTES_PER_MIB = 1 << 20;

  /** Beyond warm-up and measured window: setup, settling, and closing may take this long before the run gives up. */
  private static final long SLACK_SECONDS = 900;
  private static final long CLOSE_SECONDS = 10;
  /** How deep a failure's causes are printed. */
  private static final int MAX_CAUSES = 8;

  @Mixin
  public RunOptions run;

  @Mixin
  public TransportOptions transport;

  @Spec
  CommandSpec spec;

  protected PrintStream out = System.out;

  /** The connectors made by {@link #client}: closed at once at the end, not left to a graceful shutdown's grace. */
  private final List<Connector> clients = new CopyOnWriteArrayList<>();

  /** The mode's name in results and summaries. */
  protected abstract String mode();

  /** Checks the mode's own options; throws IllegalArgumentException naming the first bad one. */
  protected abstract void validate();

  /** Runs the load; completes with the mode's part of the result (see {@link Measurement#report()}). */
  protected abstract Future<JsonObject> execute(Vertx vertx, Shards shards);

  /** The mode's parameters, kept in the result. */
  protected abstract JsonObject parameters();

  /**
   * Runs {@code step} for each offered rate in turn, on the same connections; completes with {@code {"steps": [...]}}
   * holding each step's result.
   */
  protected static Future<JsonObject> steps(List<Double> rates, Function<Double, Future<JsonObject>> step) {
    JsonArray done = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (double rate : rates) {
      chain = chain.compose(v -> step.apply(rate).map(result -> {
        done.add(result);
        return null;
      }));
    }
    return chain.map(v -> new JsonObject().put("steps", done));
  }

  /** One line on what a result (or one step of it) says. */
  protected abstract String summary(JsonObject result);

  @Override
  public Integer call() {
    try {
      run.validate();
      transport.validate();
      validate();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(run.threads));
    try {
      long limit = run.warmupSeconds + run.durationSeconds + SLACK_SECONDS;
      JsonObject result = Shards.start(vertx, run.threads)
          .compose(shards -> execute(vertx, shards))
          .await(limit, TimeUnit.SECONDS);
      result = new JsonObject().put("mode", mode()).put("label", run.label)
          .put("at", Instant.now().toString()).put("transport", transport.name()).put("machine", machine())
          .put("parameters", parameters()).mergeIn(result);
      if (run.out != null && !write(result)) {
        return 1;
      }
      String name = mode() + (run.label == null ? "" : " " + run.label) + ": ";
      JsonArray steps = result.getJsonArray("steps");
      if (steps == null) {
        out.println(name + summary(result));
      } else {
        steps.forEach(step -> out.println(name + summary((JsonObject) step)));
      }
      return 0;
    } catch (Exception e) {
      System.err.println("loadgen " + mode() + " failed: " + withCauses(e));
      return 1;
    } finally {
      try {
        Future.join(clients.stream().map(Connector::close).toList()).await(CLOSE_SECONDS, TimeUnit.SECONDS);
        vertx.close().await(CLOSE_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("loadgen: event loops did not stop in " + CLOSE_SECONDS + " s: " + e);
      }
    }
  }

  /** Writes the result to {@code --out}; false (and said why) when it cannot. */
  private boolean write(JsonObject result) {
    try {
      Files.createDirectories(run.out.toAbsolutePath().getParent());
      Files.writeString(run.out, result.encodePrettily());
      return true;
    } catch (IOException e) {
      System.err.println("loadgen: cannot write " + run.out + ": " + e.getMessage());
      return false;
    }
  }

  /**
   * A connector on the run's transport ({@code --tls}, {@code --ws}) for {@code run.timeoutSeconds} connects, from
   * {@code localAddress} when not null.
   */
  protected Connector client(Vertx vertx, String localAddress) {
    Connector client = new Connector(vertx, transport, run.timeoutMillis(), localAddress);
    clients.add(client);
    return client;
  }

  private static JsonObject machine() {
    Runtime runtime = Runtime.getRuntime();
    return new JsonObject().put("cores", runtime.availableProcessors())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("generatorMaxHeapMb", runtime.maxMemory() / BYTES_PER_MIB);
  }

  /** The failure and what caused it (a TLS handshake's certificate check, say), each on the same line. */
  static String withCauses(Throwable failure) {
    StringBuilder text = new StringBuilder(String.valueOf(failure));
    int depth = 0;
    for (Throwable cause = failure.getCause(); cause != null && cause != failure && depth < MAX_CAUSES;
        cause = cause.getCause()) {
      text.append("; caused by ").append(cause);
      depth++;
    }
    return text.toString();
  }
}
