package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.CTime;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
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
 */
public class EchoServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EchoServiceVerticle.class);

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
    udp = vertx.createDatagramSocket();
    udp.handler(packet -> udp.send(stamp(packet.data()), packet.sender().port(), packet.sender().host())
        .onFailure(e -> LOG.debug("echo reply to {} failed: {}", packet.sender(), e.toString())));
    return tcp.listen()
        .compose(server -> udp.listen(server.actualPort(), host))
        .onSuccess(v -> LOG.info("echo service on {}:{} (TCP and UDP)", host, tcp.actualPort()));
  }

  private void echoTcp(NetSocket socket) {
    socket.handler(data -> socket.write(stamp(data)));
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
