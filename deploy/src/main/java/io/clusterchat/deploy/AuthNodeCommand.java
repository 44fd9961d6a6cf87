package io.clusterchat.deploy;

import io.clusterchat.auth.AuthNode;
import io.clusterchat.auth.AuthOptions;
import io.clusterchat.auth.TokenKey;
import io.clusterchat.cluster.NodeRole;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "auth-node", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Accounts, login and tokens: Argon2id password hashes (off the event loop), signed tokens, "
        + "failed-login limits. Accounts live in the persistence-node.")
final class AuthNodeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Option(names = "--token-secret", paramLabel = "SECRET",
      description = "The key that signs tokens (key id 'default'), at least 32 characters, the same on every "
          + "auth-node. This or --token-keys is required; prefer the CLUSTERCHAT_TOKEN_SECRET environment variable "
          + "(flags show in process lists).")
  String tokenSecret;

  @Option(names = "--token-keys", paramLabel = "ID=SECRET[,ID=SECRET...]",
      description = "Keys of tokens, the same list on every auth-node: the first signs, all verify. Ids match "
          + TokenKey.ID_PATTERN + ", secrets are at least 32 characters without commas. To rotate: add the new "
          + "key last on every auth-node, then move it first, then drop the old one after the token ttl. Instead "
          + "of --token-secret; prefer the CLUSTERCHAT_TOKEN_KEYS environment variable.")
  String tokenKeys;

  @Option(names = "--token-ttl", paramLabel = "DURATION", defaultValue = "7d", converter = DurationConverter.class,
      description = "How long a token from LOGIN or RESUME stays valid. Default: ${DEFAULT-VALUE}.")
  Duration tokenTtl;

  @Option(names = "--hash-threads", paramLabel = "N",
      description = "Threads hashing passwords, each holding --hash-memory while it hashes. Default: one per core.")
  Integer hashThreads;

  @Option(names = "--hash-memory", paramLabel = "KIB", defaultValue = "" + AuthOptions.DEFAULT_HASH_MEMORY_KIB,
      description = "Memory of each new Argon2id password hash, in KiB (OWASP's), 8 to 262144 (256 MiB). Lower it only "
          + "for load tests: stored hashes keep their own cost. Default: ${DEFAULT-VALUE}.")
  int hashMemory;

  @Option(names = "--hash-iterations", paramLabel = "N", defaultValue = "" + AuthOptions.DEFAULT_HASH_ITERATIONS,
      description = "Passes of each new Argon2id password hash (OWASP's). Default: ${DEFAULT-VALUE}.")
  int hashIterations;

  @Option(names = "--user-failure-limit", paramLabel = "N", defaultValue = "5",
      description = "Failed logins of a user from one address before that address gets ERR 429 for it; past as "
          + "many from all addresses the user is slowed, never refused. Default: ${DEFAULT-VALUE}.")
  int userFailureLimit;

  @Option(names = "--client-failure-limit", paramLabel = "N", defaultValue = "20",
      description = "Failed logins per client address within the window before ERR 429. Default: ${DEFAULT-VALUE}.")
  int clientFailureLimit;

  @Option(names = "--register-limit", paramLabel = "N", defaultValue = "" + AuthOptions.DEFAULT_REGISTER_LIMIT,
      description = "REGISTERs per client address per minute before ERR 429. Default: ${DEFAULT-VALUE}.")
  int registerLimit;

  @Option(names = "--failure-window", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "The window failed logins are counted in. Default: ${DEFAULT-VALUE}.")
  Duration failureWindow;

  AuthOptions authOptions() {
    if (tokenSecret == null && tokenKeys == null) {
      throw new ParameterException(spec.commandLine(),
          "--token-secret (or CLUSTERCHAT_TOKEN_SECRET) is required: at least 32 characters, the same on every "
              + "auth-node; or --token-keys (CLUSTERCHAT_TOKEN_KEYS) to rotate keys");
    }
    if (tokenSecret != null && tokenKeys != null) {
      throw new ParameterException(spec.commandLine(), "give --token-keys or --token-secret, not both (list the "
          + "secret as default=SECRET in --token-keys to keep its tokens valid)");
    }
    try {
      AuthOptions options = new AuthOptions()
          .setTokenKeys(tokenKeys != null ? TokenKey.parseList(tokenKeys) : List.of(TokenKey.ofSecret(tokenSecret)))
          .setTokenTtlMillis(tokenTtl.toMillis())
          .setUserFailureLimit(userFailureLimit)
          .setUserFailureWindowMillis(failureWindow.toMillis())
          .setClientFailureLimit(clientFailureLimit)
          .setRegisterLimit(registerLimit)
          .setHashMemoryKib(hashMemory)
          .setHashIterations(hashIterations)
          .setClientFailureWindowMillis(failureWindow.toMillis());
      if (hashThreads != null) {
        options.setHashThreads(hashThreads);
      }
      return options.validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    AuthOptions options = authOptions();
    return NodeRunner.run(Launcher.clusterOptions(spec, cluster, NodeRole.AUTH_NODE, null), 0,
        node -> AuthNode.deploy(node, options));
  }
}
