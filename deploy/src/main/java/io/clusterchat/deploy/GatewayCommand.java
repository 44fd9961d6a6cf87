package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Limits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Holds client connections of one region and speaks the clusterchat protocol; also runs the "
        + "seed-compatible echo service (TCP and UDP).")
final class GatewayCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayCommand.class);

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Option(names = "--region", paramLabel = "REGION",
      description = "The region this gateway serves, e.g. bj (" + Limits.REGION_PATTERN + "). Required.")
  String region;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = GatewayOptions.DEFAULT_HOST,
      description = "The address clients connect to. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--public-host", paramLabel = "ADDRESS",
      description = "The address clients are sent to (dispatch, RECONNECT). Default: --host, or 127.0.0.1 when "
          + "--host is 0.0.0.0.")
  String publicHost;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9001",
      description = "The client port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--echo-port", paramLabel = "PORT", defaultValue = "" + Limits.DEFAULT_ECHO_PORT,
      description = "The seed echo service's port (TCP and UDP); 0 turns it off. Default: ${DEFAULT-VALUE}.")
  int echoPort;

  @Option(names = "--tls-port", paramLabel = "PORT",
      description = "The TLS port (TLS 1.2 and 1.3; the same protocol inside); needs --tls-cert and --tls-key. "
          + "Default: none.")
  Integer tlsPort;

  @Option(names = "--ws-port", paramLabel = "PORT",
      description = "The WebSocket port: ws://HOST:PORT/ws, or wss:// with --ws-tls. Default: none.")
  Integer wsPort;

  @Option(names = "--ws-tls", defaultValue = "false",
      description = "Speak TLS (wss://) on the WebSocket port, with --tls-cert and --tls-key. "
          + "Default: ${DEFAULT-VALUE}.")
  boolean wsTls;

  @Option(names = "--ws-origins", paramLabel = "ORIGINS", split = ",", defaultValue = GatewayOptions.ANY_ORIGIN,
      description = "The web origins (scheme://host[:port], comma-separated) whose pages may open the WebSocket; "
          + "others get 403. A client without an Origin header (not a browser) is always let in. "
          + "Default: ${DEFAULT-VALUE} (any).")
  List<String> wsOrigins;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "The certificate (chain) for the TLS port and wss, a PEM file; reloaded without a restart when "
          + "it changes.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM",
      description = "The certificate's private key, a PEM file; reloaded with the certificate.")
  String tlsKey;

  @Option(names = "--tls-reload-check", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "5s",
      description = "How often the certificate and key files are checked for a change. Default: ${DEFAULT-VALUE}.")
  Duration tlsReloadCheck;

  @Option(names = "--instances", paramLabel = "N",
      description = "Server verticle instances (event loops) sharing the port. Default: one per core.")
  Integer instances;

  @Option(names = "--max-line", paramLabel = "BYTES", defaultValue = "" + Limits.DEFAULT_MAX_LINE,
      description = "The longest frame; longer lines get ERR 413. Default: ${DEFAULT-VALUE}.")
  int maxLine;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = Limits.DEFAULT_IDLE_TIMEOUT_SECONDS + "s",
      converter = DurationConverter.class,
      description = "Silent connections get ERR 408 and BYE idle after this. Default: ${DEFAULT-VALUE}.")
  Duration idleTimeout;

  @Option(names = "--rate-limit", paramLabel = "FRAMES", defaultValue = "" + Limits.DEFAULT_RATE_LIMIT,
      description = "Frames per second a connection may send. Default: ${DEFAULT-VALUE}.")
  int rateLimit;

  @Option(names = "--rate-burst", paramLabel = "FRAMES", defaultValue = "" + Limits.DEFAULT_RATE_BURST,
      description = "Frames a connection may send at once above the rate. Default: ${DEFAULT-VALUE}.")
  int rateBurst;

  @Option(names = "--abuse-limit", paramLabel = "FRAMES", defaultValue = "200",
      description = "Rate-limited frames within 10 s after which a connection gets BYE abuse. "
          + "Default: ${DEFAULT-VALUE}.")
  int abuseLimit;

  @Option(names = "--max-outbound", paramLabel = "BYTES", defaultValue = "" + Limits.DEFAULT_MAX_OUTBOUND,
      description = "Bytes that may wait to be written to one client; past them it gets BYE slow and is closed. "
          + "Default: ${DEFAULT-VALUE}.")
  int maxOutbound;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "On shutdown, how long clients have to leave after BYE shutdown. Default: ${DEFAULT-VALUE}.")
  Duration shutdownGrace;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "A backend request slower than this gives the client ERR 503. Default: ${DEFAULT-VALUE}.")
  Duration requestTimeout;

  @Option(names = "--session-cache", paramLabel = "N", defaultValue = "" + GatewayOptions.DEFAULT_SESSION_CACHE_SIZE,
      description = "Recipients whose gateways this node remembers for pushes (no session.lookup per message); "
          + "0 looks up every push. Default: ${DEFAULT-VALUE}.")
  int sessionCache;

  /** The gateway's options from the parsed values; a bad value is a usage error (exit code 2). */
  GatewayOptions gatewayOptions() {
    if (region == null) {
      throw new ParameterException(spec.commandLine(), "--region is required: the region this gateway serves");
    }
    try {
      GatewayOptions options = new GatewayOptions()
          .setNodeId(cluster.nodeId)
          .setRegion(region)
          .setHost(host)
          .setPort(port)
          .setEchoPort(echoPort)
          .setMaxLine(maxLine)
          .setIdleTimeoutMillis(idleTimeout.toMillis())
          .setRateLimit(rateLimit)
          .setRateBurst(rateBurst)
          .setAbuseLimit(abuseLimit)
          .setMaxOutbound(maxOutbound)
          .setShutdownGraceMillis(shutdownGrace.toMillis())
          .setRequestTimeoutMillis(requestTimeout.toMillis())
          .setSessionCacheSize(sessionCache)
          .setWsTls(wsTls)
          .setWsOrigins(wsOrigins)
          .setTlsReloadCheckMillis(tlsReloadCheck.toMillis());
      if (tlsPort != null) {
        options.setTlsPort(tlsPort);
      }
      if (wsPort != null) {
        options.setWsPort(wsPort);
      }
      if (tlsCert != null) {
        options.setTlsCert(tlsCert);
      }
      if (tlsKey != null) {
        options.setTlsKey(tlsKey);
      }
      if (instances != null) {
        options.setInstances(instances);
      }
      if (publicHost != null) {
        options.setPublicHost(publicHost);
      }
      return options.validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    GatewayOptions options = gatewayOptions();
    return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.GATEWAY, region),
        options.getShutdownGraceMillis(), node -> Gateway.deploy(node, options).onSuccess(gateway ->
            gateway.drained().onSuccess(moved -> exitDrained(options.getNodeId(), moved))));
  }

  /**
   * A drained gateway has no clients and takes none: the process ends, and the shutdown hook leaves the cluster
   * cleanly. On a thread of its own: System.exit waits for that hook, which needs the event loops this is called on.
   */
  private static void exitDrained(String nodeId, int moved) {
    LOG.info("gateway {} drained ({} clients moved): leaving the cluster and exiting", nodeId, moved);
    Thread exit = new Thread(() -> System.exit(0), "clusterchat-drained-exit");
    exit.start();
  }
}
