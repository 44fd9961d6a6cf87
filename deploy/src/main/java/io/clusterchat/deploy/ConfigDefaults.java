package io.clusterchat.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from when no flag gives them: {@code CLUSTERCHAT_*} environment variables, then the
 * config file, then the option's own default. So the precedence is defaults &lt; config file &lt; environment
 * &lt; flags, the same for every node.
 *
 * <p>An option {@code --cluster-members} is {@code cluster-members} in the config file (Java properties) and
 * {@code CLUSTERCHAT_CLUSTER_MEMBERS} in the environment.
 */
final class ConfigDefaults implements IDefaultValueProvider {

  static final String ENV_PREFIX = "CLUSTERCHAT_";
  static final String CONFIG_OPTION = "--config";

  private final Map<String, String> environment;
  private final Properties file;
  private final Path filePath;

  private ConfigDefaults(Map<String, String> environment, Properties file, Path filePath) {
    this.environment = environment;
    this.file = file;
    this.filePath = filePath;
  }

  /**
   * Reads the config file named by {@code --config} in {@code args} (or {@code CLUSTERCHAT_CONFIG}).
   *
   * @throws IllegalArgumentException if the file cannot be read
   */
  static ConfigDefaults load(String[] args, Map<String, String> environment) {
    String path = environment.get(ENV_PREFIX + "CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith(CONFIG_OPTION + "=")) {
        path = args[i].substring(CONFIG_OPTION.length() + 1);
      }
    }
    Properties properties = new Properties();
    if (path == null) {
      return new ConfigDefaults(environment, properties, null);
    }
    Path file = Path.of(path);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
    return new ConfigDefaults(environment, properties, file);
  }

  /** Keys in the config file that no command knows: almost always typos, so they stop the node. */
  Set<String> unknownKeys(CommandLine root) {
    Set<String> known = new TreeSet<>();
    collectKeys(root, known);
    Set<String> unknown = new TreeSet<>(file.stringPropertyNames());
    unknown.removeAll(known);
    return unknown;
  }

  Path filePath() {
    return filePath;
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!argSpec.isOption()) {
      return null;
    }
    return value(key((OptionSpec) argSpec));
  }

  /** The value of option {@code key} (its name without {@code --}) from the environment, else the file; or null. */
  String value(String key) {
    String fromEnv = environment.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (fromEnv != null) {
      return fromEnv;
    }
    return file.getProperty(key);
  }

  private static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  private static void collectKeys(CommandLine command, Set<String> keys) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      keys.add(key(option));
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      collectKeys(sub, keys);
    }
  }
}
