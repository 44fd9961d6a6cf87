package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.optionalString;

import io.vertx.core.json.JsonObject;

/**
 * A gateway's transports besides plain TCP (PROTOCOL.md, "Transports"), as load reports and drain targets carry
 * them: its TLS port and its WebSocket port and URL, each 0 (or null) when the gateway does not offer it. On the
 * wire the fields {@code tlsPort}, {@code wsPort} and {@code wsUrl} sit beside the gateway's {@code host} and
 * {@code port}, and are absent when off, so messages of gateways that predate them still read.
 */
public record Transports(int tlsPort, int wsPort, String wsUrl) {

  /** TCP only. */
  public static final Transports NONE = new Transports(0, 0, null);

  static final String TLS_PORT = "tlsPort";
  static final String WS_PORT = "wsPort";
  static final String WS_URL = "wsUrl";
  private static final int MAX_PORT = 65535;

  public Transports {
    if (tlsPort < 0 || tlsPort > MAX_PORT || wsPort < 0 || wsPort > MAX_PORT) {
      throw new BusContractException("transport ports must be in 0.." + MAX_PORT);
    }
    if ((wsPort == 0) != (wsUrl == null)) {
      throw new BusContractException("a WebSocket port needs its URL, and a URL its port");
    }
  }

  public boolean hasTls() {
    return tlsPort != 0;
  }

  public boolean hasWebSocket() {
    return wsPort != 0;
  }

  /** Puts the fields of the transports offered into {@code json}; returns it. */
  public JsonObject putInto(JsonObject json) {
    if (hasTls()) {
      json.put(TLS_PORT, tlsPort);
    }
    if (hasWebSocket()) {
      json.put(WS_PORT, wsPort).put(WS_URL, wsUrl);
    }
    return json;
  }

  /** Reads the fields {@link #putInto} writes; absent ones are off. */
  public static Transports fromJson(JsonObject json) {
    Long tls = optionalNumber(json, TLS_PORT);
    Long ws = optionalNumber(json, WS_PORT);
    String url = optionalString(json, WS_URL);
    if (tls == null && ws == null && url == null) {
      return NONE;
    }
    if (tls != null && (tls < 0 || tls > MAX_PORT) || ws != null && (ws < 0 || ws > MAX_PORT)) {
      throw new BusContractException("transport ports must be in 0.." + MAX_PORT);
    }
    return new Transports(tls == null ? 0 : tls.intValue(), ws == null ? 0 : ws.intValue(), url);
  }
}
