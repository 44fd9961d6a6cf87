package io.clusterchat.loadgen.impl;

import io.vertx.core.net.SocketAddress;

/** {@code HOST:PORT} option values. */
public final class Targets {

  private static final int MAX_PORT = 65_535;

  private Targets() {
  }

  /** Parses {@code host:port}; throws IllegalArgumentException naming {@code option} when it is malformed. */
  public static SocketAddress parse(String option, String value) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(option + " wants HOST:PORT, was " + value);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " has a bad port: " + value, e);
    }
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException(option + " has a port out of range: " + value);
    }
    return SocketAddress.inetSocketAddress(port, value.substring(0, colon));
  }
}
