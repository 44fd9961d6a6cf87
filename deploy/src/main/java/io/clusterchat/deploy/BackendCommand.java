package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The back-end roles that take only the cluster options (for now). */
final class BackendCommand {

  private BackendCommand() {
  }

  @Command(name = "persistence-node", mixinStandardHelpOptions = true, sortOptions = false,
      description = "The only process that writes the database.")
  static final class PersistenceNode implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterMixin cluster;

    @Override
    public Integer call() {
      return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.PERSISTENCE_NODE, null), 0,
          node -> Future.succeededFuture());
    }
  }
}
