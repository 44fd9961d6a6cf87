package io.clusterchat.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * What every HTTP endpoint of a node does before anything else: refuse requests whose framing two servers could
 * read two ways, and tell browsers not to frame, sniff or leak the page.
 *
 * <p>Framing: a request with both {@code Content-Length} and {@code Transfer-Encoding} is the classic request
 * smuggling shape. Netty resolves it before Vert.x sees the request (Transfer-Encoding wins and Content-Length is
 * dropped), so the conflict cannot be seen afterwards; and no endpoint here takes a chunked body (the admin API's
 * bodies are small JSON with a length). So any request with a {@code Transfer-Encoding} is answered 400 and its
 * connection closed, as RFC 9112 section 6.1 asks of a server that receives both.
 */
public final class HttpHardening {

  /** Every page's policy but where it may connect: its own files only, no inline script, no frames around it. */
  private static final String POLICY_HEAD = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; ";
  private static final String POLICY_TAIL = "; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  /**
   * The dashboard's own files and API only: no inline script, no frames around it (clickjacking of Drain),
   * nothing sent to other origins.
   */
  public static final String CONTENT_SECURITY_POLICY = POLICY_HEAD + "connect-src 'self'" + POLICY_TAIL;

  /**
   * The browser chat client's: as the dashboard's, but it may open WebSockets to the gateways, which dispatch names
   * and which live on other origins (their own hosts and ports) than the coordinator that serves the page.
   */
  public static final String CHAT_CONTENT_SECURITY_POLICY = POLICY_HEAD + "connect-src 'self' ws: wss:" + POLICY_TAIL;

  private static final int BAD_REQUEST = 400;

  private HttpHardening() {
  }

  /**
   * Answers 400 and closes the connection when {@code request} carries a {@code Transfer-Encoding}.
   *
   * @return true when the request was refused (the caller does nothing more with it)
   */
  public static boolean refuseAmbiguousFraming(HttpServerRequest request) {
    if (!request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return false;
    }
    // Nothing more is read from this connection: a request pipelined behind this one is never answered.
    request.pause();
    request.response()
        .setStatusCode(BAD_REQUEST)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", "Transfer-Encoding is not accepted: send a Content-Length").encode());
    request.connection().close();
    return true;
  }

  /** Headers that keep a browser from framing the page, guessing its type or sending its address elsewhere. */
  public static void securityHeaders(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer");
  }

  /**
   * A request handler that refuses ambiguous framing, sets the security headers and then hands the request on:
   * for servers without a router.
   */
  public static Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return request -> {
      if (!refuseAmbiguousFraming(request)) {
        securityHeaders(request.response());
        next.handle(request);
      }
    };
  }
}
