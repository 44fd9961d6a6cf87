package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The control plane: health now; gateway registry, dispatch, admin API and dashboard to come.")
final class CoordinatorCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Option(names = "--http-host", paramLabel = "ADDRESS", defaultValue = CoordinatorOptions.DEFAULT_HTTP_HOST,
      description = "The address of the HTTP API. Default: ${DEFAULT-VALUE}.")
  String httpHost;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "The port of the HTTP API. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  CoordinatorOptions coordinatorOptions() {
    try {
      return new CoordinatorOptions().setHttpHost(httpHost).setHttpPort(httpPort);
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
