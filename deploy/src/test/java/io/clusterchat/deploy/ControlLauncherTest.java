package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The control-plane flags of the launcher: the coordinator's admin token, the gateway's public host. */
class ControlLauncherTest {

  private static final int USAGE = 2;
  private static final String TOKEN = "an-admin-token-long-enough";

  private final StringWriter errors = new StringWriter();

  @Test
  void coordinatorWithoutAdminTokenIsAUsageError() {
    assertThat(execute(Map.of(), "coordinator", "--node-id", "c-1")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("--admin-token");
  }

  @Test
  void shortAdminTokenIsAUsageError() {
    assertThat(execute(Map.of(), "coordinator", "--node-id", "c-1", "--admin-token", "short")).isEqualTo(USAGE);
    assertThat(errors.toString()).contains("at least 16");
  }

  @Test
  void adminTokenComesFromTheEnvironment() {
    CoordinatorCommand command = (CoordinatorCommand) parse(Map.of("CLUSTERCHAT_ADMIN_TOKEN", TOKEN),
        "coordinator", "--node-id", "c-1");
    assertThat(command.coordinatorOptions().getAdminToken()).isEqualTo(TOKEN);
  }

  @Test
  void publicHostDefaultsFromTheBindHost() {
    GatewayCommand wildcard = (GatewayCommand) parse(Map.of(), "gateway", "--node-id", "g-1", "--region", "bj");
    assertThat(wildcard.gatewayOptions().getPublicHost()).isEqualTo("127.0.0.1");
    GatewayCommand bound = (GatewayCommand) parse(Map.of(), "gateway", "--node-id", "g-1", "--region", "bj",
        "--host", "10.0.0.3");
    assertThat(bound.gatewayOptions().getPublicHost()).isEqualTo("10.0.0.3");
    GatewayCommand explicit = (GatewayCommand) parse(Map.of(), "gateway", "--node-id", "g-1", "--region", "bj",
        "--public-host", "gw1.example.com");
    assertThat(explicit.gatewayOptions().getPublicHost()).isEqualTo("gw1.example.com");
  }

  private int execute(Map<String, String> env, String... args) {
    CommandLine commandLine = Launcher.commandLine(args, env, new PrintWriter(errors, true));
    return commandLine == null ? USAGE : commandLine.execute(args);
  }

  private Object parse(Map<String, String> env, String... args) {
    CommandLine commandLine = Launcher.commandLine(args, env, new PrintWriter(errors, true));
    ParseResult result = commandLine.parseArgs(args);
    return result.subcommand().commandSpec().userObject();
  }
}
