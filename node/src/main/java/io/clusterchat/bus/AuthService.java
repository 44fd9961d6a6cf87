package io.clusterchat.bus;

/**
 * The auth-node's event-bus contract. Bodies are JSON objects; failures carry the protocol error code (400, 401,
 * 409, 429; 503 when the store is down).
 */
public final class AuthService {

  /**
   * Registers an account. Request {@code {"name":s,"region":s,"password":s}} (name and region already lower-case
   * and valid); reply {@code {"address":s}}; fails 400 for a password of the wrong length
   * ({@link io.clusterchat.protocol.Limits#isPasswordLength}), 409 for a taken name.
   */
  public static final String REGISTER = "auth.register";

  /**
   * Checks a password and issues a token. Request {@code {"user":s,"password":s,"client":s}} ({@code user} a full
   * address, {@code client} the client's IP address, for attempt limits); reply {@code {"address":s,"token":s}};
   * fails 401 for a wrong name or password (the same for both), 429 when the user or the client address has
   * failed too often.
   */
  public static final String LOGIN = "auth.login";

  /**
   * Checks a token without hashing a password. Request {@code {"token":s}}; reply {@code {"address":s,"token":s}}
   * with a fresh token; fails 401 for a bad or expired token.
   */
  public static final String RESUME = "auth.resume";

  private AuthService() {
  }
}
