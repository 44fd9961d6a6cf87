package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The control plane: gateway registry and dispatch, the admin API (cluster, drain, notice, kick) "
        + "and the dashboard, over HTTP.")
final class CoordinatorCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Option(names = "--http-host", paramLabel = "ADDRESS", defaultValue = CoordinatorOptions.DEFAULT_HTTP_HOST,
      description = "The address of the HTTP API. Default: ${DEFAULT-VALUE}.")
  String httpHost;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "The port of the HTTP API. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--admin-token", paramLabel = "TOKEN",
      description = "The bearer token of the admin API and dashboard (at least 16 characters). Required; prefer "
          + "the environment variable CLUSTERCHAT_ADMIN_TOKEN, which no process list shows.")
  String adminToken;

  @Option(names = "--drain-batch-size", paramLabel = "N", defaultValue = "100",
      description = "Clients a draining gateway moves at once. Default: ${DEFAULT-VALUE}.")
  int drainBatchSize;

  @Option(names = "--drain-batch-interval", paramLabel = "DURATION", defaultValue = "200ms",
      converter = DurationConverter.class,
      description = "The pause between a draining gateway's batches. Default: ${DEFAULT-VALUE}.")
  Duration drainBatchInterval;

  /** The coordinator's options from the parsed values; a bad or missing value is a usage error (exit code 2). */
  CoordinatorOptions coordinatorOptions() {
    if (adminToken == null) {
      throw new ParameterException(spec.commandLine(), "--admin-token (or CLUSTERCHAT_ADMIN_TOKEN) is required: "
          + "the token of the admin API");
    }
    try {
      return new CoordinatorOptions().setHttpHost(httpHost).setHttpPort(httpPort).setAdminToken(adminToken)
          .setDrainBatchSize(drainBatchSize).setDrainBatchIntervalMillis(drainBatchInterval.toMillis())
          .validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    CoordinatorOptions options = coordinatorOptions();
    return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.COORDINATOR, null), 0,
        node -> Coordinator.deploy(node, options));
  }
}
