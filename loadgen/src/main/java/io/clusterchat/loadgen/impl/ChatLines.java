package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The text spelling of PROTOCOL.md as the load generator speaks it: connect and read the HELLO, register, log in,
 * resume. Setup steps only; the modes write their hot-path requests themselves.
 */
public final class ChatLines {

  /** A request's final reply (pushes such as MSG are skipped while waiting for it). */
  public static final Predicate<String> FINAL_REPLY = line -> line.startsWith("OK ") || line.startsWith("ERR ");
  private static final String NAME_TAKEN = "ERR 409";
  /** A backend did not answer in time and nothing was stored (PROTOCOL.md): setup asks again, a few times. */
  private static final String UNAVAILABLE = "ERR 503";
  private static final int SETUP_ATTEMPTS = 10;
  private static final long RETRY_MILLIS = 1000;

  private ChatLines() {
  }

  /** An open connection and the region its gateway named in HELLO. */
  public record Greeted(LineSocket socket, String region) {
  }

  /** A logged-in session: the address, the token for RESUME, and the inbox cursor from the reply. */
  public record Login(String address, String token, long acked, long latest) {

    private static final int FIELDS = 6;
    private static final int ADDRESS = 2;
    private static final int TOKEN = 3;
    private static final int ACKED = 4;
    private static final int LATEST = 5;

    static Login parse(String reply) {
      // OK LOGIN <address> <token> <acked> <latest>, and the same fields after OK RESUME
      String[] fields = reply.split(" ");
      if (fields.length != FIELDS) {
        throw new IllegalStateException("unexpected login reply: " + reply);
      }
      return new Login(fields[ADDRESS], fields[TOKEN], Long.parseLong(fields[ACKED]), Long.parseLong(fields[LATEST]));
    }
  }

  /** Connects from the calling context and reads the gateway's HELLO. */
  public static Future<Greeted> connect(Connector client, SocketAddress gateway, long timeoutMillis) {
    return client.connect(gateway).compose(socket ->
        socket.await(line -> line.startsWith("HELLO "), line -> { }, timeoutMillis)
            .map(hello -> new Greeted(socket, hello.split(" ")[2]))
            .onFailure(e -> socket.close()));
  }

  /**
   * Registers {@code name} (a name already taken is fine: a rerun reuses its accounts), then logs in; each asked
   * again after an {@code ERR 503}, as a cluster that has just started (or a loaded box) may give one.
   */
  public static Future<Login> registerAndLogin(LineSocket socket, String name, String password,
                                               long timeoutMillis) {
    return retried(SETUP_ATTEMPTS, () -> socket.request("REGISTER " + name + " " + password, FINAL_REPLY,
            timeoutMillis))
        .compose(reply -> reply.startsWith("OK ") || reply.startsWith(NAME_TAKEN)
            ? retried(SETUP_ATTEMPTS, () -> socket.request("LOGIN " + name + " " + password, FINAL_REPLY,
                timeoutMillis)).compose(login -> loggedIn("LOGIN " + name, "OK LOGIN ", login))
            : Future.failedFuture("REGISTER " + name + ": " + reply));
  }

  private static Future<String> retried(int attempts, Supplier<Future<String>> request) {
    return request.get().compose(reply -> reply.startsWith(UNAVAILABLE) && attempts > 1
        ? Vertx.currentContext().owner().timer(RETRY_MILLIS).compose(v -> retried(attempts - 1, request))
        : Future.succeededFuture(reply));
  }

  public static Future<Login> login(LineSocket socket, String user, String password, long timeoutMillis) {
    return socket.request("LOGIN " + user + " " + password, FINAL_REPLY, timeoutMillis)
        .compose(reply -> loggedIn("LOGIN " + user, "OK LOGIN ", reply));
  }

  public static Future<Login> resume(LineSocket socket, String token, long timeoutMillis) {
    return socket.request("RESUME " + token, FINAL_REPLY, timeoutMillis)
        .compose(reply -> loggedIn("RESUME", "OK RESUME ", reply));
  }

  private static Future<Login> loggedIn(String request, String expected, String reply) {
    if (!reply.startsWith(expected)) {
      return Future.failedFuture(request + ": " + reply);
    }
    return Future.succeededFuture(Login.parse(reply));
  }
}
