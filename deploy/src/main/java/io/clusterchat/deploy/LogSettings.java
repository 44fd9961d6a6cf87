package io.clusterchat.deploy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.FileSize;
import io.clusterchat.cluster.ClusterOptions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Where a node's log lines go and how they look, settled before the first line is logged: logback reads its
 * configuration (logback.xml) when the first logger is made, and the commands make theirs as soon as the command
 * line is built. So the launcher reads the {@code log-*} options itself, from the arguments, the environment and the
 * config file with the usual precedence, and hands them to logback.xml as system properties; the options are also
 * declared on every node command ({@link LogMixin}), which puts them in {@code --help} and lets config files name
 * them.
 */
final class LogSettings {

  static final String FORMAT = "log-format";
  static final String FILE = "log-file";
  static final String FILE_MAX_SIZE = "log-file-max-size";
  static final String FILE_TOTAL_SIZE = "log-file-total-size";

  /** The appender logback.xml refers to: STDOUT, STDOUT_JSON, FILE or FILE_JSON. */
  static final String APPENDER_PROPERTY = "clusterchat.log.appender";
  static final String FILE_PROPERTY = "clusterchat.log.file";
  static final String FILE_MAX_SIZE_PROPERTY = "clusterchat.log.file.max-size";
  static final String FILE_TOTAL_SIZE_PROPERTY = "clusterchat.log.file.total-size";

  static final String TEXT = "text";
  static final String JSON = "json";
  static final String DEFAULT_FILE_MAX_SIZE = "100MB";
  static final String DEFAULT_FILE_TOTAL_SIZE = "1GB";

  /** Logger context properties: LogstashEncoder writes them into every JSON line. */
  static final String NODE_FIELD = "node";
  static final String ROLE_FIELD = "role";
  static final String REGION_FIELD = "region";

  private LogSettings() {
  }

  /**
   * The system properties logback.xml needs for these arguments and defaults (environment, config file).
   *
   * @throws IllegalArgumentException for a value that is not a format or a size
   */
  static Map<String, String> resolve(String[] args, ConfigDefaults defaults) {
    String format = value(FORMAT, args, defaults);
    format = format == null ? TEXT : format.toLowerCase(Locale.ROOT);
    if (!TEXT.equals(format) && !JSON.equals(format)) {
      throw new IllegalArgumentException("--" + FORMAT + " must be text or json, was '" + format + "'");
    }
    String file = value(FILE, args, defaults);
    boolean toFile = file != null && !file.isBlank();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(APPENDER_PROPERTY, (toFile ? "FILE" : "STDOUT") + (JSON.equals(format) ? "_JSON" : ""));
    if (toFile) {
      properties.put(FILE_PROPERTY, file);
      properties.put(FILE_MAX_SIZE_PROPERTY, size(FILE_MAX_SIZE, args, defaults, DEFAULT_FILE_MAX_SIZE));
      properties.put(FILE_TOTAL_SIZE_PROPERTY, size(FILE_TOTAL_SIZE, args, defaults, DEFAULT_FILE_TOTAL_SIZE));
    }
    return properties;
  }

  /**
   * Puts the node's identity in the logger context, which JSON lines carry as fields ({@code node}, {@code role},
   * {@code region}). One node per JVM, as the launcher runs them.
   */
  static void identify(ClusterOptions options) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.putProperty(NODE_FIELD, options.getNodeId());
      context.putProperty(ROLE_FIELD, options.getRole().wireName());
      if (options.getRegion() != null) {
        context.putProperty(REGION_FIELD, options.getRegion());
      }
    }
  }

  private static String size(String key, String[] args, ConfigDefaults defaults, String fallback) {
    String size = value(key, args, defaults);
    if (size == null) {
      return fallback;
    }
    try {
      FileSize.valueOf(size);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + key + " must be a size such as 100MB or 2GB, was '" + size + "'");
    }
    return size;
  }

  /** The last {@code --key value} or {@code --key=value} of the arguments, else the environment or config file. */
  private static String value(String key, String[] args, ConfigDefaults defaults) {
    String flag = "--" + key;
    String found = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(flag) && i + 1 < args.length) {
        found = args[i + 1];
      } else if (args[i].startsWith(flag + "=")) {
        found = args[i].substring(flag.length() + 1);
      }
    }
    return found != null ? found : defaults.value(key);
  }
}
