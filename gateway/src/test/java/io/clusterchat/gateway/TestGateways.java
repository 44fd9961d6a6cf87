package io.clusterchat.gateway;

import java.util.regex.Pattern;

/** What the gateway socket tests share: options for a local gateway and the shapes of stamped replies. */
final class TestGateways {

  static final String REGION = "test-region";
  static final String NODE_ID = "gw-test-1";
  /** Two verticle instances sharing the port, as on a (small) production box. */
  static final int INSTANCES = 2;

  /** C's {@code ctime()}: {@code Sun Nov 22 08:44:40 2026}, the day padded with a space. */
  static final String CTIME = "(Sun|Mon|Tue|Wed|Thu|Fri|Sat) "
      + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}";

  private TestGateways() {
  }

  /** A gateway on 127.0.0.1, a free port, no echo service, PROTOCOL.md's defaults otherwise. */
  static GatewayOptions options() {
    return new GatewayOptions()
        .setNodeId(NODE_ID)
        .setRegion(REGION)
        .setHost(LineClient.HOST)
        .setPort(0)
        .setEchoPort(0)
        .setInstances(INSTANCES);
  }

  /** {@code ^[<ctime>] <text>$}. */
  static Pattern stamped(String text) {
    return Pattern.compile("^\\[" + CTIME + "\\] " + Pattern.quote(text) + "$");
  }
}
