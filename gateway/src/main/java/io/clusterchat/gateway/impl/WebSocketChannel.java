package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.Transport;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client on a WebSocket (PROTOCOL.md, "Transports"): each text message is one frame, without the LF, and each
 * frame the gateway sends is one text message. A message is put together from its WebSocket frames here, never
 * holding more than {@code max-line} bytes (and a trailing line end a client may add): a longer one is dropped and
 * answered {@code ERR 413}, a binary one {@code ERR 400}; the connection stays. Pings and pongs are signs of life.
 */
final class WebSocketChannel implements ClientChannel {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannel.class);
  /** A trailing CR LF a client may add is tolerated (not counted, dropped). */
  private static final int LINE_END = 2;
  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final ServerWebSocket socket;
  private final int maxLine;
  private Inbound inbound;
  /** The message being put together, or null between messages. */
  private Buffer message;
  private boolean binary;
  private boolean tooLong;

  WebSocketChannel(ServerWebSocket socket, int maxLine) {
    this.socket = socket;
    this.maxLine = maxLine;
  }

  @Override
  public Transport transport() {
    return Transport.WEBSOCKET;
  }

  @Override
  public void start(Inbound inbound) {
    this.inbound = inbound;
    socket.frameHandler(this::onFrame);
    socket.drainHandler(v -> inbound.writable());
    socket.exceptionHandler(e -> {
      LOG.debug("WebSocket connection from {} failed: {}", socket.remoteAddress(), e.toString());
      socket.close();
    });
    socket.shutdownHandler(v -> inbound.shutdown());
    socket.closeHandler(v -> inbound.closed());
  }

  private void onFrame(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    if (type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG) {
      inbound.alive();
      return;
    }
    if (type == WebSocketFrameType.CLOSE) {
      return;
    }
    if (type != WebSocketFrameType.CONTINUATION) {
      message = Buffer.buffer();
      binary = type == WebSocketFrameType.BINARY;
      tooLong = false;
    } else if (message == null) {
      // A continuation of nothing: the WebSocket codec lets none through; ignore it should one come.
      return;
    }
    if (!binary && !tooLong) {
      Buffer data = frame.binaryData();
      if (message.length() + data.length() > maxLine + LINE_END) {
        tooLong = true;
        message = Buffer.buffer();
      } else {
        message.appendBuffer(data);
      }
    }
    if (frame.isFinal()) {
      endOfMessage();
    }
  }

  private void endOfMessage() {
    Buffer whole = message;
    message = null;
    if (binary) {
      inbound.badFrame(new ProtocolException(ErrorCode.BAD_REQUEST, "binary message: frames are text messages"));
      return;
    }
    int size = whole.length();
    if (!tooLong && size > 0 && whole.getByte(size - 1) == LF) {
      size--;
      if (size > 0 && whole.getByte(size - 1) == CR) {
        size--;
      }
    }
    if (tooLong || size > maxLine) {
      inbound.badFrame(new ProtocolException(ErrorCode.TOO_LARGE, "line too long"));
      return;
    }
    if (size == 0) {
      return;
    }
    try {
      String text = UTF8.get().reset().decode(ByteBuffer.wrap(whole.getBytes(0, size))).toString();
      inbound.frame(text);
    } catch (CharacterCodingException e) {
      inbound.badFrame(new ProtocolException(ErrorCode.BAD_REQUEST, "invalid utf-8"));
    }
  }

  @Override
  public Future<Void> write(String line) {
    int end = line.endsWith("\n") ? line.length() - 1 : line.length();
    return socket.writeTextMessage(line.substring(0, end));
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void close() {
    socket.close();
  }

  /**
   * No closing handshake to wait for: a client that does not read would never let its close frame out. Vert.x 5
   * has no internal interface for a server WebSocket's channel (WebSocketInternal is the client's); its
   * implementation class has it, and anything else is closed the polite way.
   */
  @Override
  public void cutOff() {
    if (socket instanceof WebSocketImplBase<?> impl) {
      impl.channelHandlerContext().close();
    } else {
      socket.close();
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }
}
