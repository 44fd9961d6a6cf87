package io.clusterchat.coordinator.impl;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <admin token>}; anything else is 401 with a JSON
 * error. Both tokens are hashed before comparing, so the comparison takes the same time whatever the length or the
 * first wrong character of a guess.
 */
public final class AdminAuth implements Handler<RoutingContext> {

  private static final String BEARER = "Bearer ";
  private static final int UNAUTHORIZED = 401;

  private final byte[] expected;

  public AdminAuth(String adminToken) {
    this.expected = sha256(adminToken);
  }

  @Override
  public void handle(RoutingContext routing) {
    String header = routing.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && MessageDigest.isEqual(expected, sha256(header.substring(BEARER.length()).trim()))) {
      routing.next();
      return;
    }
    routing.response()
        .setStatusCode(UNAUTHORIZED)
        .putHeader("WWW-Authenticate", "Bearer realm=\"clusterchat\"")
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", header == null ? "admin token required (Authorization: Bearer <token>)"
            : "wrong admin token").encode());
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
