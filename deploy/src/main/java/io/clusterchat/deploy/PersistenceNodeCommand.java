package io.clusterchat.deploy;

import io.clusterchat.cluster.NodeRole;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "persistence-node", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes the database: accounts, messages, inboxes, cursors, group logs, with group commit. The "
        + "inboxes and group logs are split into shards; each persistence-node writes the shards whose lease it "
        + "holds, and takes over those of a node that died. Embedded H2 under --data-dir by default; PostgreSQL "
        + "with --jdbc-url.")
final class PersistenceNodeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "The database, e.g. jdbc:postgresql://db:5432/clusterchat. Default: an H2 file database under "
          + "--data-dir.")
  String jdbcUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "The database user. Default: sa for H2.")
  String dbUser;

  @Option(names = "--db-password", paramLabel = "PASSWORD",
      description = "The database password; prefer CLUSTERCHAT_DB_PASSWORD (flags show in process lists).")
  String dbPassword;

  @Option(names = "--db-pool-size", paramLabel = "N", defaultValue = "8",
      description = "Database connections for reads. Default: ${DEFAULT-VALUE}.")
  int poolSize;

  @Option(names = "--batch-max-size", paramLabel = "N", defaultValue = "512",
      description = "The most appends one group commit holds. Default: ${DEFAULT-VALUE}.")
  int batchMaxSize;

  @Option(names = "--batch-max-delay", paramLabel = "DURATION", defaultValue = "0ms",
      converter = DurationConverter.class,
      description = "How long a group commit waits to fill up after its first append; 0 commits what queued "
          + "during the previous commit at once. Default: ${DEFAULT-VALUE}.")
  Duration batchMaxDelay;

  @Option(names = "--append-deadline", paramLabel = "DURATION", defaultValue = "3s",
      converter = DurationConverter.class,
      description = "How long an append may wait for the writer before it fails 503 unwritten; keep it below the "
          + "gateways' --request-timeout. Default: ${DEFAULT-VALUE}.")
  Duration appendDeadline;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "64",
      description = "Shards of the store's inboxes, fixed when the store is created; the same on every "
          + "persistence-node. Default: ${DEFAULT-VALUE}.")
  int shards;

  @Option(names = "--shard-db", paramLabel = "FIRST-LAST=URL",
      description = "A range of shards kept in another database than --jdbc-url (repeatable; several ranges may "
          + "share a database). The same map on every persistence-node.")
  List<String> shardDatabases = new ArrayList<>();

  @Option(names = "--writers", paramLabel = "N", defaultValue = "1",
      description = "Append writers per database on this node, each with its own connection and group commit, "
          + "sharing the node's shards. Default: ${DEFAULT-VALUE}.")
  int writers;

  @Option(names = "--max-group-members", paramLabel = "N", defaultValue = "10000",
      description = "The most members a group may hold; a JOIN or INVITE beyond fails 403. The same on every "
          + "persistence-node. Default: ${DEFAULT-VALUE}.")
  int maxGroupMembers;

  PersistenceOptions persistenceOptions() {
    try {
      PersistenceOptions options = new PersistenceOptions()
          .setDataDir(cluster.dataDir.toString())
          .setPoolSize(poolSize)
          .setBatchMaxSize(batchMaxSize)
          .setBatchMaxDelayMillis(batchMaxDelay.toMillis())
          .setAppendDeadlineMillis(appendDeadline.toMillis())
          .setShards(shards)
          .setWriters(writers)
          .setMaxGroupMembers(maxGroupMembers);
      if (jdbcUrl != null) {
        options.setJdbcUrl(jdbcUrl);
      }
      if (dbUser != null) {
        options.setDbUser(dbUser);
      }
      if (dbPassword != null) {
        options.setDbPassword(dbPassword);
      }
      List<PersistenceOptions.ShardDatabase> map = new ArrayList<>();
      for (String entry : shardDatabases) {
        map.add(PersistenceOptions.ShardDatabase.parse(entry));
      }
      return options.setShardDatabases(map);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    PersistenceOptions options = persistenceOptions();
    return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.PERSISTENCE_NODE, null), 0,
        node -> PersistenceNode.deploy(node, options));
  }
}
