package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A load generator's connection: LF-delimited lines in (a CR before the LF dropped, as in PROTOCOL.md and IRC),
 * strings out; or on a WebSocket, one line per text message each way (PROTOCOL.md, "Transports"). Lean on purpose
 * (no per-request futures, no timers of its own), so one process can hold tens of thousands. Confined to the event
 * loop it was connected on. Made by a {@link Connector}.
 */
public final class LineSocket {

  /** Longest line (or WebSocket message) accepted from a server before the connection is dropped as broken. */
  static final int MAX_LINE = 64 * 1024;

  /** TCP or TLS; null on WebSocket. */
  private final NetSocket socket;
  /** On WebSocket; else null. */
  private final WebSocket webSocket;
  private Handler<String> lineHandler = line -> { };
  private Handler<Void> closeHandler = v -> { };
  private boolean open = true;

  private LineSocket(NetSocket socket) {
    this.socket = socket;
    this.webSocket = null;
    RecordParser parser = RecordParser.newDelimited("\n", this::onRecord);
    parser.maxRecordSize(MAX_LINE);
    parser.exceptionHandler(e -> socket.close());
    socket.handler(parser);
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> {
      open = false;
      closeHandler.handle(null);
    });
  }

  private LineSocket(WebSocket webSocket) {
    this.socket = null;
    this.webSocket = webSocket;
    webSocket.textMessageHandler(line -> lineHandler.handle(line));
    webSocket.binaryMessageHandler(data -> webSocket.close());
    webSocket.exceptionHandler(e -> webSocket.close());
    webSocket.closeHandler(v -> {
      open = false;
      closeHandler.handle(null);
    });
  }

  static LineSocket over(NetSocket socket) {
    return new LineSocket(socket);
  }

  static LineSocket over(WebSocket webSocket) {
    return new LineSocket(webSocket);
  }

  /** Every line that arrives, without its LF (or CR LF). */
  public LineSocket handler(Handler<String> handler) {
    this.lineHandler = handler;
    return this;
  }

  public LineSocket closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  /** Writes {@code line} and its LF, or on a WebSocket as one text message. */
  public void send(String line) {
    if (socket != null) {
      socket.write(line + "\n");
    } else {
      webSocket.writeTextMessage(line);
    }
  }

  /** Writes bytes as they are (the raw echo protocol; TCP only). */
  public void sendRaw(Buffer bytes) {
    if (socket == null) {
      throw new IllegalStateException("raw bytes go over TCP only");
    }
    socket.write(bytes);
  }

  public boolean isOpen() {
    return open;
  }

  public Future<Void> close() {
    return socket != null ? socket.close() : webSocket.close();
  }

  /**
   * Completes with the first line {@code match} accepts, then stops listening; lines before it go to
   * {@code others}. Fails after {@code timeoutMillis} or if the connection closes first.
   */
  public Future<String> await(Predicate<String> match, Handler<String> others, long timeoutMillis) {
    Promise<String> found = Promise.promise();
    lineHandler = line -> {
      if (match.test(line)) {
        lineHandler = ignored -> { };
        found.tryComplete(line);
      } else {
        others.handle(line);
      }
    };
    Handler<Void> previousClose = closeHandler;
    closeHandler = v -> {
      found.tryFail("connection closed while waiting for a reply");
      previousClose.handle(null);
    };
    return found.future().timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .andThen(done -> closeHandler = previousClose);
  }

  /** Writes {@code line}, then waits for the next line that {@code match} accepts (see {@link #await}). */
  public Future<String> request(String line, Predicate<String> match, long timeoutMillis) {
    Future<String> reply = await(match, ignored -> { }, timeoutMillis);
    send(line);
    return reply;
  }

  private void onRecord(Buffer record) {
    int length = record.length();
    if (length > 0 && record.getByte(length - 1) == '\r') {
      length--;
    }
    lineHandler.handle(record.getString(0, length, StandardCharsets.UTF_8.name()));
  }
}
