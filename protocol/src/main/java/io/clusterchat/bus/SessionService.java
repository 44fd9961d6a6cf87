package io.clusterchat.bus;

/**
 * The session-store's event-bus contract: who is connected where. Bodies are JSON objects. A session is
 * {@code {"gateway":s,"connection":s,"region":s,"since":ms}}: the gateway's node id, the connection id unique in
 * the cluster, the gateway's region, the bind time.
 */
public final class SessionService {

  /** Request {@code {"user":s,"gateway":s,"connection":s,"region":s}}; reply {@code {}}. */
  public static final String BIND = "session.bind";

  /** Request {@code {"user":s,"connection":s}}; reply {@code {}} (also when there was no such session). */
  public static final String UNBIND = "session.unbind";

  /** Request {@code {"user":s}}; reply {@code {"sessions":[session...]}}, empty when offline. */
  public static final String LOOKUP = "session.lookup";

  private SessionService() {
  }
}
