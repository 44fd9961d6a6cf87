package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.TestClusters;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.impl.EchoServiceVerticle;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures of docs/benchmarks.md, "Hostile clients: heap stays bounded": the heap in use after a full GC, in this
 * JVM (which holds the whole cluster), before and while (1) a client that never reads floods the echo port and
 * (2) 99 sessions of one user that never read, and one that does, are pushed 3,000 messages of 3.9 KB each. A measurement, not a test:
 * it runs only when asked for ({@code -Dclusterchat.bench=true}) and prints its figures.
 */
@EnabledIfSystemProperty(named = "clusterchat.bench", matches = "true")
class HostileHeapBench {

  private static final long MB = 1 << 20;
  private static final int CHUNK = 64 * 1024;
  private static final long ECHO_ATTEMPT = 1024 * MB;
  /** With bob's one reading session, the 100 sessions a user may have. */
  private static final int SESSIONS = 99;
  private static final int MESSAGES = 3_000;
  private static final String TEXT = "h".repeat(3_900);
  private static final int SMALL_RECEIVE_BUFFER = 4 * 1024;
  private static final long SETTLE_MILLIS = 3_000;
  private static final long POLL_MILLIS = 250;
  private static final int HIGH_RATE = 1_000_000;
  private static final int LOGIN_ATTEMPTS = 50;
  private static final int SAMPLE_EVERY = 250;
  private static final long CLOSE_WAIT_SECONDS = 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  @Test
  void heapWithANeverReadingEchoClient() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EchoServiceVerticle echo = new EchoServiceVerticle(TestClusters.HOST, 0);
      vertx.deployVerticle(echo).await(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
      long before = heapAfterGc();
      try (Socket socket = new Socket(TestClusters.HOST, echo.actualPort())) {
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> flood(socket, written));
        writer.setDaemon(true);
        writer.start();
        long stalled = awaitStall(written);
        long during = heapAfterGc();
        System.out.printf("echo: client wrote %d MB before it stalled (of %d MB tried); heap after GC %d MB before,"
            + " %d MB while it stalls%n", stalled / MB, ECHO_ATTEMPT / MB, before / MB, during / MB);
        assertThat(stalled).isLessThan(ECHO_ATTEMPT);
      }
    } finally {
      vertx.close().await(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void heapWithAHundredNeverReadingSessionsOfOneUser(@TempDir Path dataDir) throws Exception {
    try (TestChatCluster cluster = new TestChatCluster(dataDir).start()) {
      Gateway gateway = cluster.startGateway("gw-hb-1", "hb", options -> options.setRateLimit(HIGH_RATE)
          .setRateBurst(HIGH_RATE).setAbuseLimit(HIGH_RATE));
      try (LineClient alice = new LineClient(gateway.port()); LineClient bob = new LineClient(gateway.port())) {
        alice.registerAndLogin("alice", "s3cret-pass");
        bob.registerAndLogin("bob", "s3cret-pass");
        List<Socket> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
          sessions.add(neverReading(gateway.port()));
        }
        Thread.sleep(SETTLE_MILLIS);
        long before = heapAfterGc();
        StringBuilder sends = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++) {
          sends.append("SEND bob ").append(TEXT).append('\n');
        }
        long peak = 0;
        Thread sender = new Thread(() -> send(alice, sends.toString()));
        sender.start();
        // bob's one reading session: once it has every message, every push has been handed to every session.
        for (int i = 1; i <= MESSAGES; i++) {
          bob.readMsg();
          if (i % SAMPLE_EVERY == 0) {
            peak = Math.max(peak, heapAfterGc());
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (gateway.connections() > 2 && System.nanoTime() < deadline) {
          Thread.sleep(POLL_MILLIS);
        }
        long after = heapAfterGc();
        long pushed = (long) MESSAGES * TEXT.length() * SESSIONS;
        System.out.printf("99 never-reading sessions and 1 reading: %d MB pushed at them in all; heap after GC %d MB"
            + " before, at most %d MB while sending, %d MB after; never-reading sessions still open %d of %d%n", pushed / MB, before / MB, peak / MB, after / MB,
            gateway.connections() - 2, SESSIONS);
        for (Socket socket : sessions) {
          socket.close();
        }
      }
    }
  }

  private long heapAfterGc() {
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Logs in (reading only until the LOGIN reply, retrying a 503 as a client does), then never reads again. */
  private static Socket neverReading(int port) throws IOException, InterruptedException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
    socket.connect(new InetSocketAddress(TestClusters.HOST, port));
    InputStream in = socket.getInputStream();
    readLine(in);
    for (int attempt = 0; attempt < LOGIN_ATTEMPTS; attempt++) {
      socket.getOutputStream().write("LOGIN bob s3cret-pass\n".getBytes(StandardCharsets.UTF_8));
      String reply = readLine(in);
      if (reply.startsWith("OK LOGIN ")) {
        return socket;
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new IllegalStateException("no login");
  }

  /** One line, byte by byte: nothing beyond it is taken from the socket. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  private static void send(LineClient client, String lines) {
    try {
      client.send(lines);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void flood(Socket socket, AtomicLong written) {
    byte[] chunk = new byte[CHUNK];
    Arrays.fill(chunk, (byte) 'x');
    try {
      OutputStream out = socket.getOutputStream();
      while (written.get() < ECHO_ATTEMPT) {
        out.write(chunk);
        written.addAndGet(CHUNK);
      }
    } catch (IOException closed) {
      // Closed at the end of the measurement.
    }
  }

  private static long awaitStall(AtomicLong written) throws InterruptedException {
    long last = -1;
    long stillSince = System.nanoTime();
    while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stillSince) < SETTLE_MILLIS
        && written.get() < ECHO_ATTEMPT) {
      Thread.sleep(POLL_MILLIS);
      if (written.get() != last) {
        last = written.get();
        stillSince = System.nanoTime();
      }
    }
    return written.get();
  }
}
