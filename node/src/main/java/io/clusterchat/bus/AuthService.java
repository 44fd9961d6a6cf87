package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.optionalNumber;
import static io.clusterchat.bus.BusFields.putIfPresent;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonObject;

/**
 * The auth-node's event-bus contract, one record per message (sent as its {@code toJson()}). Failures carry the
 * protocol error code (400, 401, 409, 429; 503 when the store is down or slow).
 */
public final class AuthService {

  /**
   * Registers an account: {@link Register} to {@link Registered}. Fails 400 for a password of the wrong length
   * ({@link io.clusterchat.protocol.Limits#isPasswordLength}), 409 for a taken name, 429 when the client address
   * registered too often, 503 when hashing is at capacity or the store is down (and then nothing was stored).
   */
  public static final String REGISTER = "auth.register";

  /**
   * Checks a password and issues a token: {@link Login} to {@link Granted}. Fails 401 for a wrong name or password
   * (the same for both), 429 when the user or the client address has failed too often.
   */
  public static final String LOGIN = "auth.login";

  /** Checks a token without hashing a password: {@link Resume} to {@link Granted} with a fresh token; 401. */
  public static final String RESUME = "auth.resume";

  private static final String NAME = "name";
  private static final String REGION = "region";
  private static final String PASSWORD = "password";
  private static final String USER = "user";
  private static final String CLIENT = "client";
  private static final String TOKEN = "token";
  private static final String ADDRESS = "address";
  private static final String DEADLINE = "deadline";

  private AuthService() {
  }

  /**
   * A new account's name and region (lower-case, valid), its password, and the client's IP address (registrations
   * are limited per address); optionally the asker's deadline (wall-clock ms since the epoch), past which nothing
   * may be stored because the asker will have answered its client 503.
   */
  public record Register(String name, String region, String password, String client, Long deadline) {
    public Register(String name, String region, String password, String client) {
      this(name, region, password, client, null);
    }

    public JsonObject toJson() {
      return putIfPresent(new JsonObject().put(NAME, name).put(REGION, region).put(PASSWORD, password)
          .put(CLIENT, client), DEADLINE, deadline);
    }

    public static Register fromJson(JsonObject json) {
      return new Register(string(json, NAME), string(json, REGION), string(json, PASSWORD), string(json, CLIENT),
          optionalNumber(json, DEADLINE));
    }
  }

  /** The registered account's address. */
  public record Registered(String address) {
    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address);
    }

    public static Registered fromJson(JsonObject json) {
      return new Registered(string(json, ADDRESS));
    }
  }

  /** A login: the full user address, the password, and the client's IP address (for attempt limits). */
  public record Login(String user, String password, String client) {
    public JsonObject toJson() {
      return new JsonObject().put(USER, user).put(PASSWORD, password).put(CLIENT, client);
    }

    public static Login fromJson(JsonObject json) {
      return new Login(string(json, USER), string(json, PASSWORD), string(json, CLIENT));
    }
  }

  /** A RESUME: the token from an earlier login. */
  public record Resume(String token) {
    public JsonObject toJson() {
      return new JsonObject().put(TOKEN, token);
    }

    public static Resume fromJson(JsonObject json) {
      return new Resume(string(json, TOKEN));
    }
  }

  /** A successful login or resume: the user's address and a token for the next RESUME. */
  public record Granted(String address, String token) {
    public JsonObject toJson() {
      return new JsonObject().put(ADDRESS, address).put(TOKEN, token);
    }

    public static Granted fromJson(JsonObject json) {
      return new Granted(string(json, ADDRESS), string(json, TOKEN));
    }
  }
}
