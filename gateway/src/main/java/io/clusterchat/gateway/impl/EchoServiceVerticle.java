package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.CTime;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain echo service of the classic socket tutorials ({@code tsTserv.py}/{@code tsUserv.py}), over TCP and
 * UDP on one port: whatever bytes one TCP read or one UDP datagram brings go back prefixed with
 * {@code [<ctime>] }. No framing, no login.
 *
 * <p>Memory stays bounded whatever a client does: a TCP client that sends but does not read is no longer read from
 * once its replies fill the write queue (reading resumes when they drain), so it can only fill the kernel's socket
 * buffers. UDP replies are whole up to the largest datagram (the default receive buffer would cut at 2,048 bytes).
 */
public class EchoServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EchoServiceVerticle.class);
  /** The largest UDP datagram (IPv4: 65,535 less the IP and UDP headers is 65,507; a little room is harmless). */
  private static final int MAX_DATAGRAM_BYTES = 65_536;

  private final String host;
  private final int port;
  private NetServer tcp;
  private DatagramSocket udp;

  public EchoServiceVerticle(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    tcp = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
    tcp.connectHandler(this::echoTcp);
    udp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(MAX_DATAGRAM_BYTES));
    udp.handler(packet -> udp.send(stamp(packet.data()), packet.sender().port(), packet.sender().host())
        .onFailure(e -> LOG.debug("echo reply to {} failed: {}", packet.sender(), e.toString())));
    return tcp.listen()
        .compose(server -> udp.listen(server.actualPort(), host))
        .onSuccess(v -> LOG.info("echo service on {}:{} (TCP and UDP)", host, tcp.actualPort()));
  }

  private void echoTcp(NetSocket socket) {
    socket.drainHandler(v -> socket.resume());
    socket.handler(data -> {
      socket.write(stamp(data));
      if (socket.writeQueueFull()) {
        socket.pause();
      }
    });
    socket.exceptionHandler(e -> socket.close());
  }

  private static Buffer stamp(Buffer data) {
    byte[] prefix = ("[" + CTime.now() + "] ").getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(prefix.length + data.length()).appendBytes(prefix).appendBuffer(data);
  }

  /** The port actually bound, TCP and UDP alike. */
  public int actualPort() {
    return tcp.actualPort();
  }

  @Override
  public Future<?> stop() {
    return Future.join(tcp.close(), udp.close());
  }
}
