package io.clusterchat.loadgen.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The transport the generator's connections use (PROTOCOL.md, "Transports"): TCP, TLS, or WebSocket at {@code /ws},
 * plain or over TLS. The targets name the gateways' port of that transport.
 */
public final class TransportOptions {

  @Option(names = "--tls",
      description = "connect over TLS (1.2 or 1.3; the server's certificate checked, hostname included): the targets "
          + "are the gateways' TLS ports, or with --ws their wss ports")
  public boolean tls;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "with --tls, the CA certificate(s) to trust, a PEM file (default: the JVM's trusted CAs)")
  public Path trust;

  @Option(names = "--ws",
      description = "connect over WebSocket, ws://HOST:PORT/ws (wss:// with --tls): the targets are the gateways' "
          + "WebSocket ports")
  public boolean webSocket;

  /** Throws IllegalArgumentException naming the first bad value. */
  public void validate() {
    if (trust != null && !tls) {
      throw new IllegalArgumentException("--trust is for --tls");
    }
    if (trust != null && !Files.isReadable(trust)) {
      throw new IllegalArgumentException("--trust: cannot read " + trust);
    }
  }

  /** True for plain TCP, the only transport of the echo service, IRC servers and the durable relays. */
  public boolean isTcp() {
    return !tls && !webSocket;
  }

  /** Throws IllegalArgumentException when the transport is not TCP: {@code what} runs over TCP only. */
  public void requireTcp(String what) {
    if (!isTcp()) {
      throw new IllegalArgumentException(what + " runs over TCP only: --tls and --ws are for clusterchat gateways");
    }
  }

  /** {@code tcp}, {@code tls}, {@code ws} or {@code wss}, as results name it. */
  public String name() {
    if (webSocket) {
      return tls ? "wss" : "ws";
    }
    return tls ? "tls" : "tcp";
  }
}
