package io.clusterchat.gateway;

/** The transports a gateway speaks the protocol over (PROTOCOL.md, "Transports"). */
public enum Transport {
  /** Plain TCP, one frame per line. */
  TCP("tcp"),
  /** TLS 1.2 or 1.3 over TCP, the same lines inside. */
  TLS("tls"),
  /** WebSocket (RFC 6455) at {@code /ws}, plain or over TLS: one frame per text message. */
  WEBSOCKET("ws");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  /** The short lower-case name used in logs and metric tags. */
  public String label() {
    return label;
  }
}
