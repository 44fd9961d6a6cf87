package io.clusterchat.client.impl;

import io.clusterchat.client.ChatException;
import io.clusterchat.protocol.ClientTransports;
import io.clusterchat.protocol.FrameParser;
import io.clusterchat.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a gateway, over TCP or TLS (frames are lines, split by the protocol's {@link FrameParser}) or
 * WebSocket (one frame per text message): reads the HELLO, then hands every frame on as JSON. Confined to the
 * client's context.
 */
final class LineConnection {

  private static final Logger LOG = LoggerFactory.getLogger(LineConnection.class);
  private static final char JSON_START = '{';

  /** What a connection writes frames to and closes: a socket or a WebSocket. */
  private interface Link {
    void write(String frame);

    void close();
  }

  private final Link socket;
  private final String host;
  private final int port;
  private final Promise<JsonObject> hello = Promise.promise();
  private Handler<JsonObject> frameHandler = frame -> { };
  private Handler<Throwable> closeHandler = cause -> { };
  private Throwable failure;
  private boolean closed;

  private LineConnection(Link socket, String host, int port) {
    this.socket = socket;
    this.host = host;
    this.port = port;
  }

  private static LineConnection over(NetSocket socket, String host, int port, int maxLine) {
    LineConnection connection = new LineConnection(new Link() {
      @Override
      public void write(String frame) {
        socket.write(frame + "\n");
      }

      @Override
      public void close() {
        socket.close();
      }
    }, host, port);
    socket.handler(new FrameParser(maxLine, connection::onLine, connection::onBadLine));
    socket.exceptionHandler(connection::fail);
    socket.closeHandler(v -> connection.onClosed());
    return connection;
  }

  private static LineConnection over(WebSocket socket, String host, int port) {
    LineConnection connection = new LineConnection(new Link() {
      @Override
      public void write(String frame) {
        socket.writeTextMessage(frame);
      }

      @Override
      public void close() {
        socket.close();
      }
    }, host, port);
    socket.textMessageHandler(connection::onLine);
    socket.binaryMessageHandler(data -> connection.fail(new ChatException(ChatException.PROTOCOL,
        "binary message from server")));
    socket.exceptionHandler(connection::fail);
    socket.closeHandler(v -> connection.onClosed());
    return connection;
  }

  /**
   * Connects over TCP (or TLS, as {@code client} is set up) and waits (at most {@code timeoutMillis}) for the HELLO,
   * which the returned connection holds.
   */
  static Future<LineConnection> open(NetClient client, String host, int port, int maxLine,
                                     long timeoutMillis) {
    return client.connect(port, host).compose(socket ->
        greeted(over(socket, host, port, maxLine), host, port, timeoutMillis));
  }

  /** Connects to a WebSocket endpoint ({@code ws://} or {@code wss://}) and waits for the HELLO, as above. */
  static Future<LineConnection> open(WebSocketClient client, String url, long timeoutMillis) {
    WebSocketConnectOptions connect;
    try {
      connect = ClientTransports.webSocketConnect(url).setTimeout(timeoutMillis);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ChatException(ChatException.PROTOCOL, e.getMessage()));
    }
    String host = connect.getHost();
    int port = connect.getPort();
    return client.connect(connect).compose(socket -> greeted(over(socket, host, port), host, port, timeoutMillis));
  }

  private static Future<LineConnection> greeted(LineConnection connection, String host, int port,
                                                long timeoutMillis) {
    Vertx vertx = Vertx.currentContext().owner();
    long timer = vertx.setTimer(timeoutMillis, id ->
        connection.fail(new ChatException(ChatException.TIMEOUT, "no HELLO from " + host + ":" + port)));
    return connection.hello.future()
        .andThen(done -> vertx.cancelTimer(timer))
        .map(helloFields -> connection);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** The HELLO's {@code region} and {@code node}. */
  JsonObject hello() {
    return hello.future().result();
  }

  /** Every frame after the HELLO, text pushes turned into their JSON spelling. */
  void frameHandler(Handler<JsonObject> handler) {
    this.frameHandler = handler;
  }

  /** Called once when the socket closes, with the failure that closed it if any. */
  void closeHandler(Handler<Throwable> handler) {
    this.closeHandler = handler;
  }

  boolean isClosed() {
    return closed;
  }

  void write(JsonObject frame) {
    if (!closed) {
      socket.write(frame.encode());
    }
  }

  /** Closes the socket; the close handler follows. */
  void close() {
    socket.close();
  }

  /** Closes the socket, reporting {@code cause} to the close handler. */
  void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    socket.close();
  }

  private void onLine(String line) {
    if (closed) {
      return;
    }
    if (!hello.future().isComplete()) {
      onHello(line);
    } else if (!line.isEmpty() && line.charAt(0) == JSON_START) {
      onJson(line);
    } else {
      JsonObject frame = TextFrames.toJson(line);
      if (frame == null) {
        LOG.debug("{}:{}: ignoring '{}'", host, port, line);
      } else {
        frameHandler.handle(frame);
      }
    }
  }

  private void onHello(String line) {
    JsonObject fields = TextFrames.hello(line);
    if (fields == null) {
      fail(new ChatException(ChatException.PROTOCOL, "expected HELLO, got '" + line + "'"));
    } else {
      hello.tryComplete(fields);
    }
  }

  private void onJson(String line) {
    JsonObject frame;
    try {
      frame = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      fail(new ChatException(ChatException.PROTOCOL, "bad JSON from server: " + e.getMessage()));
      return;
    }
    frameHandler.handle(frame);
  }

  /** A line the client cannot read could be a reply: replies would no longer match, so the link is dropped. */
  private void onBadLine(ProtocolException e) {
    fail(new ChatException(ChatException.PROTOCOL, "unreadable line from server: " + e.reason()));
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    Throwable cause = failure != null ? failure
        : new ChatException(ChatException.CONNECTION_LOST, "connection to " + host + ":" + port + " closed");
    hello.tryFail(cause);
    closeHandler.handle(cause);
  }
}
