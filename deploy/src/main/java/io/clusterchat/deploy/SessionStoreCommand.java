package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "session-store", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The session registry: who is connected where. A Hazelcast data member: run two for high "
        + "availability.")
final class SessionStoreCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Option(names = "--session-sweep-interval", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How often sessions of gateways that are gone are swept. Default: ${DEFAULT-VALUE}.")
  Duration sweepInterval;

  @Option(names = "--max-sessions-per-user", paramLabel = "N", defaultValue = "100",
      description = "Live sessions one user may have; a login beyond gets ERR 429. Default: ${DEFAULT-VALUE}.")
  int maxSessionsPerUser;

  SessionStoreOptions sessionStoreOptions() {
    try {
      return new SessionStoreOptions()
          .setSweepIntervalMillis(sweepInterval.toMillis())
          .setMaxSessionsPerUser(maxSessionsPerUser);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    SessionStoreOptions options = sessionStoreOptions();
    return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.SESSION_STORE, null), 0,
        node -> SessionStore.deploy(node, options));
  }
}
