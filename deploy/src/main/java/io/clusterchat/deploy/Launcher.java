package io.clusterchat.deploy;

import io.clusterchat.client.ChatCli;
import io.clusterchat.cluster.ClusterOptions;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.loadgen.LoadGen;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code java -jar clusterchat.jar <role> [options]}: runs one node of a clusterchat cluster. Exit codes: 0 ready
 * (the JVM lives on until SIGTERM), 1 could not start, 2 bad flag or config value.
 */
@Command(name = "clusterchat", mixinStandardHelpOptions = true, version = "clusterchat 0.1.0",
    description = "Runs one node of a clusterchat cluster. Option values come from flags, else CLUSTERCHAT_* "
        + "environment variables, else the --config file, else the defaults shown.",
    subcommands = {
        GatewayCommand.class,
        AuthNodeCommand.class,
        SessionStoreCommand.class,
        PersistenceNodeCommand.class,
        CoordinatorCommand.class,
        CertsCommand.class,
        ChatCli.class,
        LoadGen.class
    })
public final class Launcher implements Runnable {

  static final int USAGE = CommandLine.ExitCode.USAGE;

  @picocli.CommandLine.Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("java.net.preferIPv4Stack", "true");
    Map<String, String> environment = System.getenv();
    // Before anything makes a logger (building the command line does): logback reads these once, at its start.
    try {
      LogSettings.resolve(args, ConfigDefaults.load(args, environment)).forEach(System::setProperty);
    } catch (IllegalArgumentException e) {
      System.err.println("clusterchat: " + e.getMessage());
      System.exit(USAGE);
    }
    int code = run(args, environment);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses and runs; returns the exit code (0 when a node is up and running). */
  static int run(String[] args, Map<String, String> environment) {
    CommandLine commandLine = commandLine(args, environment, new PrintWriter(System.err, true));
    return commandLine == null ? USAGE : commandLine.execute(args);
  }

  /** The command line with its defaults loaded, or null (after printing why) if the config is unusable. */
  static CommandLine commandLine(String[] args, Map<String, String> environment, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Launcher());
    commandLine.setErr(err);
    ConfigDefaults defaults;
    try {
      defaults = ConfigDefaults.load(args, environment);
      // Applied by main before logging starts; checked here too, so that a bad value is a usage error everywhere.
      LogSettings.resolve(args, defaults);
    } catch (IllegalArgumentException e) {
      err.println("clusterchat: " + e.getMessage());
      return null;
    }
    Set<String> unknown = defaults.unknownKeys(commandLine);
    if (!unknown.isEmpty()) {
      err.println("clusterchat: unknown key(s) in config file " + defaults.filePath() + ": " + unknown);
      return null;
    }
    commandLine.setDefaultValueProvider(defaults);
    commandLine.setParameterExceptionHandler((failure, ignored) -> {
      CommandLine failed = failure.getCommandLine();
      err.println("clusterchat: " + failure.getMessage());
      err.println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    return commandLine;
  }

  /** The cluster options from the parsed values; a bad value is a usage error (exit code 2). */
  static ClusterOptions clusterOptions(CommandSpec spec, ClusterMixin cluster, NodeRole role, String region) {
    try {
      return cluster.toOptions(role, region);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a role: gateway, auth-node, session-store, "
        + "persistence-node or coordinator");
  }
}
