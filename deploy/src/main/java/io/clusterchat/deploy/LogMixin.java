package io.clusterchat.deploy;

import picocli.CommandLine.Option;

/**
 * Every node's logging options. {@link LogSettings} reads and applies them before logging starts; they are declared
 * here for {@code --help}, for config files (where an unknown key stops the node) and so that picocli accepts them.
 */
final class LogMixin {

  @Option(names = "--" + LogSettings.FORMAT, paramLabel = "text|json", defaultValue = LogSettings.TEXT,
      description = "text: one plain line per event; json: one JSON object per line (@timestamp, level, logger, "
          + "thread, message, stack_trace, node, role, region). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--" + LogSettings.FILE, paramLabel = "FILE",
      description = "Write the log to this file instead of stdout, rolled over daily and at --log-file-max-size "
          + "(gzipped FILE.yyyy-MM-dd.N.gz, kept 30 days and at most --log-file-total-size in all). "
          + "Default: stdout.")
  String file;

  @Option(names = "--" + LogSettings.FILE_MAX_SIZE, paramLabel = "SIZE",
      defaultValue = LogSettings.DEFAULT_FILE_MAX_SIZE,
      description = "With --log-file: roll over when the file reaches this size. Default: ${DEFAULT-VALUE}.")
  String fileMaxSize;

  @Option(names = "--" + LogSettings.FILE_TOTAL_SIZE, paramLabel = "SIZE",
      defaultValue = LogSettings.DEFAULT_FILE_TOTAL_SIZE,
      description = "With --log-file: delete the oldest rolled files past this total. Default: ${DEFAULT-VALUE}.")
  String fileTotalSize;
}
