package io.clusterchat.client;

import io.clusterchat.client.impl.CliSession;
import io.clusterchat.client.impl.Console;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clusterchat client --host <h> --port <p>} (or {@code --region <r> --coordinator <host:port>}, to be sent
 * to the least-loaded gateway of a region; {@code --tls [--trust <pem>]} and {@code --ws} choose the transport): the
 * interactive chat client, the chat version of the classic
 * {@code tsTclnt.py}. On a terminal it prompts for a login and keeps the line being typed intact while messages
 * arrive; with piped input it reads command lines, prints replies and events, and exits at the end of input.
 * Exit codes: 0 after /quit or the end of input, 1 could not connect, 2 bad option.
 */
@Command(name = "client", mixinStandardHelpOptions = true, version = "clusterchat client 0.1.0",
    description = "Chats through a clusterchat gateway. Type /help once connected.")
public final class ChatCli implements Callable<Integer> {

  private static final long VERTX_CLOSE_SECONDS = 5;

  @Option(names = "--host", description = "the gateway's host (default: ${DEFAULT-VALUE})")
  String host = ChatClientOptions.DEFAULT_HOST;

  @Option(names = "--port", description = "the gateway's client port (default: ${DEFAULT-VALUE})")
  int port = ChatClientOptions.DEFAULT_PORT;

  @Option(names = "--region",
      description = "connect to a gateway of this region, found by the coordinator's dispatch (needs --coordinator)")
  String region;

  @Option(names = "--coordinator", paramLabel = "HOST:PORT",
      description = "the coordinator's HTTP address, for --region (e.g. 127.0.0.1:8080)")
  String coordinator;

  @Option(names = "--heartbeat", description = "seconds between PINGs (default: ${DEFAULT-VALUE})")
  long heartbeatSeconds = ChatClientOptions.DEFAULT_HEARTBEAT_INTERVAL_MILLIS / 1000;

  @Option(names = "--timeout", description = "seconds a request may take (default: ${DEFAULT-VALUE})")
  long timeoutSeconds = ChatClientOptions.DEFAULT_REQUEST_TIMEOUT_MILLIS / 1000;

  @Option(names = "--no-reconnect", description = "do not reconnect when the connection drops")
  boolean noReconnect;

  @Option(names = "--tls", description = "speak TLS: to the gateway's TLS port (--port, or the one dispatch names), "
      + "or with --ws over wss://")
  boolean tls;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "trust the CA certificates in this PEM file for --tls (e.g. a local cluster's "
          + "data/client-tls/ca.pem); default: the JVM's CAs")
  String trust;

  @Option(names = "--no-hostname-verification",
      description = "with --tls, accept a certificate that is not for the host connected to (tests only)")
  boolean noHostnameVerification;

  @Option(names = "--ws", description = "connect over WebSocket: ws://HOST:PORT/ws (wss:// with --tls), or the "
      + "WebSocket URL dispatch names")
  boolean webSocket;

  private InputStream in = System.in;
  private PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out));
  }

  /**
   * Parses {@code args} and chats over {@code in} and {@code out} until /quit or the end of input; returns the
   * exit code. A JLine terminal is used only when {@code in} is the process's own terminal.
   */
  public static int run(String[] args, InputStream in, PrintStream out) {
    ChatCli cli = new ChatCli();
    cli.in = in;
    cli.out = out;
    CommandLine commandLine = new CommandLine(cli);
    commandLine.setOut(new PrintWriter(out, true));
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    ChatClientOptions options;
    try {
      options = new ChatClientOptions().setHost(host).setPort(port)
          .setHeartbeatIntervalMillis(TimeUnit.SECONDS.toMillis(heartbeatSeconds))
          .setRequestTimeoutMillis(TimeUnit.SECONDS.toMillis(timeoutSeconds))
          .setReconnect(!noReconnect)
          .setTls(tls)
          .setWebSocket(webSocket)
          .setTrustFile(trust)
          .setHostnameVerification(!noHostnameVerification)
          .setRegion(region)
          .setCoordinatorUrl(coordinator);
      if ((region == null) != (coordinator == null)) {
        throw new IllegalArgumentException("--region and --coordinator go together");
      }
      if (!tls && (trust != null || noHostnameVerification)) {
        throw new IllegalArgumentException("--trust and --no-hostname-verification need --tls");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
    }
    Vertx vertx = Vertx.vertx();
    try (Console console = openConsole()) {
      return new CliSession(ChatClient.create(vertx, options), console, options.getRequestTimeoutMillis()).run();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(VERTX_CLOSE_SECONDS, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
    }
  }

  /** A terminal only when a person is typing: piped input gets the plain console, which scripts can drive. */
  private Console openConsole() throws IOException {
    boolean terminal = in == System.in && System.console() != null;
    return terminal ? Console.terminal() : Console.plain(in, out);
  }
}
