package io.clusterchat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A test client for the gateway port: a real TCP connection to 127.0.0.1 that splits what the server sends into
 * lines (LF removed, nothing else) and hands them out in order as futures. Never blocks; safe to use from any
 * thread (its state is guarded by its monitor).
 */
final class LineClient {

  static final String HOST = "127.0.0.1";

  /**
   * Held for the connection's life: Vert.x shuts down (30 s grace) the sockets of a NetClient that the garbage
   * collector finds unreachable, which would stall closing Vert.x.
   */
  private final NetClient client;
  private final NetSocket socket;
  private final Deque<String> lines = new ArrayDeque<>();
  private final Deque<Promise<String>> waiting = new ArrayDeque<>();
  private final Promise<Void> closed = Promise.promise();
  private boolean ended;
  private Throwable failure;

  private LineClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(RecordParser.newDelimited("\n", line -> onLine(line.toString(StandardCharsets.UTF_8))));
    socket.exceptionHandler(this::onException);
    socket.closeHandler(v -> onClose());
  }

  /**
   * Connects without reading anything. The connect is started on an event loop so that the line handler is set
   * as the connect completes: a NetSocket drops the data that arrives before it has a handler (the HELLO would be
   * lost if a test thread attached it later).
   */
  static Future<LineClient> connect(Vertx vertx, int port) {
    Promise<LineClient> connected = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
      client.connect(port, HOST)
          .map(socket -> new LineClient(client, socket))
          .onComplete(connected);
    });
    return connected.future();
  }

  /** Connects and reads the greeting, which must be a HELLO line. */
  static Future<LineClient> greeted(Vertx vertx, int port) {
    return connect(vertx, port).compose(client -> client.next().compose(hello -> hello.startsWith("HELLO ")
        ? Future.succeededFuture(client)
        : Future.failedFuture(new AssertionError("expected a HELLO line first, got: " + hello))));
  }

  /** The next line the server sends; fails if the connection closes first. */
  synchronized Future<String> next() {
    String line = lines.poll();
    if (line != null) {
      return Future.succeededFuture(line);
    }
    if (ended) {
      return Future.failedFuture(new IllegalStateException("connection closed, no more lines", failure));
    }
    Promise<String> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** The next {@code count} lines. */
  Future<List<String>> next(int count) {
    return collect(new ArrayList<>(count), count);
  }

  private Future<List<String>> collect(List<String> into, int count) {
    if (into.size() == count) {
      return Future.succeededFuture(into);
    }
    return next().compose(line -> {
      into.add(line);
      return collect(into, count);
    });
  }

  /** Sends {@code line} and an LF, and returns the next line the server sends. */
  Future<String> request(String line) {
    send(line + "\n");
    return next();
  }

  /** Every line still to come, once the server has closed the connection. */
  Future<List<String>> untilClosed() {
    return closed.future().map(v -> {
      synchronized (this) {
        List<String> rest = new ArrayList<>(lines);
        lines.clear();
        return rest;
      }
    });
  }

  /** Completes when the connection is closed, by either side. */
  Future<Void> closed() {
    return closed.future();
  }

  synchronized boolean isClosed() {
    return ended;
  }

  /** Writes {@code text} as UTF-8, exactly as given (no LF is added). */
  Future<Void> send(String text) {
    return socket.write(Buffer.buffer(text, "UTF-8"));
  }

  /** Writes raw bytes. */
  Future<Void> send(Buffer bytes) {
    return socket.write(bytes);
  }

  private void onLine(String line) {
    Promise<String> promise;
    synchronized (this) {
      promise = waiting.poll();
      if (promise == null) {
        lines.add(line);
        return;
      }
    }
    promise.complete(line);
  }

  private synchronized void onException(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  private void onClose() {
    List<Promise<String>> orphans;
    synchronized (this) {
      ended = true;
      orphans = new ArrayList<>(waiting);
      waiting.clear();
    }
    closed.complete();
    orphans.forEach(p -> p.fail(new IllegalStateException("connection closed, no more lines", failure)));
  }
}
