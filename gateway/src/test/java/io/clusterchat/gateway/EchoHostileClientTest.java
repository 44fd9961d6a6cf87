package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.gateway.impl.EchoServiceVerticle;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The echo service against clients that break the rules (issue 11, findings 1 and 5): one that sends without ever
 * reading must not make the gateway buffer what it sends (it once took 469 MB in 4 s and died), and a datagram
 * larger than 2 KB comes back whole.
 */
class EchoHostileClientTest {

  private static final int CHUNK = 64 * 1024;
  /** What a never-reading client tries to push through. */
  private static final long ATTEMPT_BYTES = 512L * 1024 * 1024;
  /**
   * What it may get written before its writes block: the kernel's socket buffers on both sides (a few MB on
   * loopback) plus the gateway's write queue and one read; far below what it attempts.
   */
  private static final long STALL_BOUND_BYTES = 48L * 1024 * 1024;
  private static final long SETTLE_MILLIS = 3_000;
  private static final long POLL_MILLIS = 100;
  private static final int DATAGRAM_BYTES = 60_000;
  private static final int STAMP_LENGTH = "[Sun Nov 22 08:44:40 2026] ".length();
  private static final int SOCKET_TIMEOUT_MILLIS = 5_000;

  private Vertx vertx;
  private EchoServiceVerticle echo;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    echo = new EchoServiceVerticle(LineClient.HOST, 0);
    vertx.deployVerticle(echo).await(SOCKET_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(SOCKET_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Test
  void aClientThatNeverReadsIsNoLongerReadFromAndThenCarriesOnWhenItReads() throws Exception {
    try (Socket socket = new Socket(LineClient.HOST, echo.actualPort())) {
      AtomicLong written = new AtomicLong();
      Thread writer = new Thread(() -> writeUntilBlocked(socket, written), "never-reading-client");
      writer.setDaemon(true);
      writer.start();
      long stalledAt = awaitStall(written);

      assertThat(stalledAt).as("bytes the gateway took from a client that never reads")
          .isLessThan(STALL_BOUND_BYTES);
      assertThat(writer.isAlive()).as("the writer is blocked, not done").isTrue();

      // Once the client reads, the echoes flow again (stamped), and the gateway reads again.
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(STAMP_LENGTH);
      assertThat(new String(head, StandardCharsets.US_ASCII)).matches("^\\[.{24}\\] $");
      long read = head.length;
      byte[] buffer = new byte[CHUNK];
      while (read < 2 * stalledAt) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        read += n;
      }
      assertThat(written.get()).as("the gateway reads again once its replies drain").isGreaterThan(stalledAt);
    }
  }

  @Test
  void aLargeDatagramComesBackWholeWithItsStamp() throws Exception {
    byte[] data = new byte[DATAGRAM_BYTES];
    Arrays.fill(data, (byte) 'u');
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getByName(LineClient.HOST))) {
      udp.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      udp.send(new DatagramPacket(data, data.length, InetAddress.getByName(LineClient.HOST), echo.actualPort()));
      DatagramPacket reply = new DatagramPacket(new byte[DATAGRAM_BYTES * 2], DATAGRAM_BYTES * 2);
      udp.receive(reply);

      assertThat(reply.getLength()).isEqualTo(STAMP_LENGTH + DATAGRAM_BYTES);
      byte[] body = Arrays.copyOfRange(reply.getData(), STAMP_LENGTH, reply.getLength());
      assertThat(body).isEqualTo(data);
    }
  }

  private static void writeUntilBlocked(Socket socket, AtomicLong written) {
    byte[] chunk = new byte[CHUNK];
    Arrays.fill(chunk, (byte) 'x');
    try {
      OutputStream out = socket.getOutputStream();
      while (written.get() < ATTEMPT_BYTES) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
    } catch (Exception closed) {
      // The test closed the socket.
    }
  }

  /** Waits until the writer has made no progress for a while; returns the bytes written by then. */
  private static long awaitStall(AtomicLong written) throws InterruptedException {
    long last = -1;
    long stillSince = System.nanoTime();
    while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stillSince) < SETTLE_MILLIS
        && written.get() < ATTEMPT_BYTES) {
      Thread.sleep(POLL_MILLIS);
      long now = written.get();
      if (now != last) {
        last = now;
        stillSince = System.nanoTime();
      }
    }
    return written.get();
  }
}
