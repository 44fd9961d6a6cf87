package io.clusterchat.loadgen;

import io.clusterchat.loadgen.impl.ChatLines;
import io.clusterchat.loadgen.impl.Connector;
import io.clusterchat.loadgen.impl.LoadRun;
import io.clusterchat.loadgen.impl.Measurement;
import io.clusterchat.loadgen.impl.RunOptions;
import io.clusterchat.loadgen.impl.Shards;
import io.clusterchat.loadgen.impl.Targets;
import io.clusterchat.loadgen.impl.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen login}: C workers each connect, LOGIN (a password hash on the auth-node) or RESUME (a token check,
 * no hash), and QUIT, over and over, round robin over U accounts. Latency from the connect to the {@code OK LOGIN}.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = "Login load: connect, LOGIN or RESUME, QUIT, in C closed loops.")
public final class LoginMode extends LoadRun {

  /** What each session starts with. */
  public enum Kind { login, resume }

  private static final int SETUP_PARALLELISM = 8;

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "a gateway")
  String target;

  @Option(names = "--kind", paramLabel = "KIND", description = "login or resume (default: ${DEFAULT-VALUE})")
  Kind kind = Kind.login;

  @Option(names = "--users", paramLabel = "U", description = "accounts used round robin (default: ${DEFAULT-VALUE})")
  int users = 50;

  @Option(names = "--concurrency", paramLabel = "C", description = "workers (default: ${DEFAULT-VALUE})")
  int concurrency = 8;

  @Option(names = "--prefix", paramLabel = "NAME",
      description = "user names are <prefix>l<k> (default: ${DEFAULT-VALUE})")
  String prefix = "lg";

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "the users' password (default: ${DEFAULT-VALUE})")
  String password = "loadgen-password";

  private volatile boolean running = true;

  @Override
  protected String mode() {
    return "login";
  }

  @Override
  protected void validate() {
    Targets.parse("--target", target);
    RunOptions.positive("--users", users);
    RunOptions.positive("--concurrency", concurrency);
  }

  @Override
  protected JsonObject parameters() {
    return new JsonObject().put("target", target).put("kind", kind.name()).put("users", users)
        .put("concurrency", concurrency).put("durationSeconds", run.durationSeconds)
        .put("warmupSeconds", run.warmupSeconds);
  }

  @Override
  protected Future<JsonObject> execute(Vertx vertx, Shards shards) {
    SocketAddress gateway = Targets.parse("--target", target);
    Connector client = client(vertx, null);
    Measurement measurement = new Measurement(out, "session");
    String[] tokens = new String[users];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger active = new AtomicInteger();
    return Tasks.forEach(users, SETUP_PARALLELISM, i -> shards.on(shards.shardOf(i), () ->
            ChatLines.connect(client, gateway, run.timeoutMillis()).compose(greeted ->
                ChatLines.registerAndLogin(greeted.socket(), name(i), password, run.timeoutMillis())
                    .onSuccess(login -> tokens[i] = login.token())
                    .eventually(() -> greeted.socket().close()))))
        .compose(v -> {
          List<Future<?>> workers = new ArrayList<>();
          for (int w = 0; w < concurrency; w++) {
            int shard = shards.shardOf(w);
            workers.add(shards.on(shard, () -> {
              loop(client, gateway, measurement, tokens, next, active);
              return Future.succeededFuture();
            }));
          }
          return Future.all(workers);
        })
        .compose(v -> measurement.run(vertx, run.warmupSeconds, run.durationSeconds, active::get))
        .compose(v -> {
          running = false;
          return Tasks.until(vertx, () -> active.get() == 0, run.timeoutMillis());
        })
        .map(v -> measurement.report());
  }

  /** One session after another on this worker's context until the run ends. */
  private void loop(Connector client, SocketAddress gateway, Measurement measurement, String[] tokens,
                    AtomicInteger next, AtomicInteger active) {
    if (!running) {
      return;
    }
    int user = Math.floorMod(next.getAndIncrement(), users);
    long start = System.nanoTime();
    measurement.sent.increment();
    active.incrementAndGet();
    Promise<Void> done = Promise.promise();
    ChatLines.connect(client, gateway, run.timeoutMillis()).onComplete(connected -> {
      if (connected.failed()) {
        done.fail(connected.cause());
        return;
      }
      ChatLines.Greeted greeted = connected.result();
      (kind == Kind.login
          ? ChatLines.login(greeted.socket(), name(user), password, run.timeoutMillis())
          : ChatLines.resume(greeted.socket(), tokens[user], run.timeoutMillis()))
          .onComplete(login -> {
            greeted.socket().send("QUIT");
            greeted.socket().close();
            done.handle(login.mapEmpty());
          });
    });
    done.future().onComplete(result -> {
      active.decrementAndGet();
      if (result.succeeded()) {
        measurement.latency("session").record(System.nanoTime() - start);
        measurement.received.increment();
      } else {
        measurement.errors.increment();
      }
      loop(client, gateway, measurement, tokens, next, active);
    });
  }

  private String name(int user) {
    return prefix + "l" + user;
  }

  @Override
  protected String summary(JsonObject result) {
    JsonObject session = result.getJsonObject("latency").getJsonObject("session");
    return String.format(Locale.ROOT, "%d %ss/s, p50 %.3f ms, p99 %.3f ms, errors %d (%d workers, %d accounts, %d s)",
        result.getLong("receivedPerSecond"), kind, session.getDouble("p50Ms"), session.getDouble("p99Ms"),
        result.getLong("errors"), concurrency, users, run.durationSeconds);
  }
}
