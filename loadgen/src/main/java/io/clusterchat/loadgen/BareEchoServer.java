package io.clusterchat.loadgen;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen bare-echo-server}: a Vert.x NetServer that writes back every buffer it reads and does nothing
 * else, one instance per core: the ceiling any echo on the JVM can reach, for the echo benchmark to compare with.
 * Runs until the process is stopped (SIGTERM).
 */
@Command(name = "bare-echo-server", mixinStandardHelpOptions = true,
    description = "A bare Vert.x echo server (the JVM ceiling of the echo benchmark); runs until stopped.")
public final class BareEchoServer implements Callable<Integer> {

  private static final long START_TIMEOUT_SECONDS = 30;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "bind address (default: ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "PORT", description = "port (default: ${DEFAULT-VALUE})")
  int port = 7007;

  @Option(names = "--instances", paramLabel = "N",
      description = "server verticles (default: the cores, ${DEFAULT-VALUE})")
  int instances = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    NetServerOptions options = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true);
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createNetServer(options).connectHandler(socket -> socket.handler(socket::write)).listen();
      }
    }, new DeploymentOptions().setInstances(instances)).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    System.out.println("bare echo server listening on " + host + ":" + port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
