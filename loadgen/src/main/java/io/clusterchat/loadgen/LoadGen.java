package io.clusterchat.loadgen;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clusterchat loadgen <mode>}: the load generator of the benchmarks (docs/benchmarks.md). Every mode is
 * bounded in time, prints a progress line a second, and ends with the result as JSON ({@code --out}) and a one-line
 * summary. It targets only the addresses it is given; the benchmarks give it loopback addresses.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, version = "clusterchat loadgen 0.1.0",
    description = "Generates load against gateways (and the servers they are compared with) and measures it.",
    subcommands = {
        ConnectionsMode.class,
        EchoMode.class,
        ChatMode.class,
        LoginMode.class,
        GroupMode.class,
        BareEchoServer.class
    })
public final class LoadGen implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a mode: connections, echo, chat, login, group "
        + "(or bare-echo-server)");
  }
}
