package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.Transport;
import io.clusterchat.protocol.FrameParser;
import io.vertx.core.Future;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A client on a TCP or TLS socket: frames are lines, split by the protocol's {@link FrameParser}. */
final class SocketChannel implements ClientChannel {

  private static final Logger LOG = LoggerFactory.getLogger(SocketChannel.class);

  private final NetSocket socket;
  private final Transport transport;
  private final int maxLine;

  SocketChannel(NetSocket socket, int maxLine) {
    this.socket = socket;
    this.transport = socket.isSsl() ? Transport.TLS : Transport.TCP;
    this.maxLine = maxLine;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public void start(Inbound inbound) {
    socket.handler(new FrameParser(maxLine, inbound::frame, inbound::badFrame));
    socket.drainHandler(v -> inbound.writable());
    socket.exceptionHandler(e -> {
      LOG.debug("{} connection from {} failed: {}", transport.label(), socket.remoteAddress(), e.toString());
      socket.close();
    });
    socket.shutdownHandler(v -> inbound.shutdown());
    socket.closeHandler(v -> inbound.closed());
  }

  @Override
  public Future<Void> write(String line) {
    return socket.write(line);
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

  @Override
  public void cutOff() {
    if (socket instanceof NetSocketInternal internal) {
      // From Vert.x's own handler context, so the close goes past it to the transport instead of waiting there.
      internal.channelHandlerContext().close();
    } else {
      socket.close();
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }
}
