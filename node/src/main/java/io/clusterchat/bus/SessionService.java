package io.clusterchat.bus;

/**
 * The session-store's event-bus contract: who is connected where. Bodies are JSON objects. A session is
 * {@code {"gateway":s,"connection":s,"region":s,"since":ms}}: the gateway's node id, the connection id unique in
 * the cluster, the gateway's region, the bind time.
 */
public final class SessionService {

  /**
   * Request {@code {"user":s,"gateway":s,"connection":s,"region":s}}; reply {@code {}}. Fails 429 when the user
   * has the most sessions allowed, 503 when the gateway is not a live cluster member (a session no leave event
   * could remove is never stored). Every address fails 400 for a malformed request.
   */
  public static final String BIND = "session.bind";

  /** Request {@code {"user":s,"connection":s}}; reply {@code {}} (also when there was no such session). */
  public static final String UNBIND = "session.unbind";

  /** Request {@code {"user":s}}; reply {@code {"sessions":[session...]}}, empty when offline. */
  public static final String LOOKUP = "session.lookup";

  private SessionService() {
  }
}
