package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking line client for tests, as {@code nc} would be: runs on the test thread, never on an event loop.
 * Reads time out, so a missing reply fails the test instead of hanging it.
 */
final class LineClient implements AutoCloseable {

  private static final int READ_TIMEOUT_MILLIS = 15_000;
  private static final int UNAVAILABLE_RETRIES = 10;
  private static final long UNAVAILABLE_PAUSE_MILLIS = 1_000;

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  private final String hello;

  LineClient(int port) throws IOException {
    this(port, "127.0.0.1");
  }

  /** A client of a gateway elsewhere (a test host), connecting from this machine's address towards it. */
  LineClient(InetSocketAddress gateway) throws IOException {
    socket = new Socket(gateway.getAddress(), gateway.getPort());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
    hello = in.readLine();
  }

  /** A client connecting from {@code localAddress} (any of 127.0.0.0/8): a client address of its own. */
  LineClient(int port, String localAddress) throws IOException {
    socket = new Socket("127.0.0.1", port, InetAddress.getByName(localAddress), 0);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
    hello = in.readLine();
  }

  String hello() {
    return hello;
  }

  /** {@link #call}, again after a pause while the answer is {@code ERR 503}, a few times at most. */
  String callRetryingUnavailable(String line) throws IOException {
    String reply = call(line);
    for (int i = 0; i < UNAVAILABLE_RETRIES && reply.startsWith("ERR 503 "); i++) {
      try {
        Thread.sleep(UNAVAILABLE_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      reply = call(line);
    }
    return reply;
  }

  /** Sends one line and returns the next line received. */
  String call(String line) throws IOException {
    send(line);
    return read();
  }

  JsonObject callJson(JsonObject request) throws IOException {
    return new JsonObject(call(request.encode()));
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  String read() throws IOException {
    String line = in.readLine();
    assertThat(line).as("a line from the gateway").isNotNull();
    return line;
  }

  /** The next line, or null if none comes within {@code millis}. */
  String poll(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return in.readLine();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }
  }

  /** A {@code MSG} push or SYNC item, parsed. */
  record Msg(long seq, String msg, String from, String to, long ts, String text) {
    private static final java.util.regex.Pattern LINE =
        java.util.regex.Pattern.compile("MSG (\\d+) (\\S+) (\\S+) (\\S+) (\\d+) (.*)");

    static Msg parse(String line) {
      java.util.regex.Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as("a MSG line: " + line).isTrue();
      return new Msg(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4), Long.parseLong(m.group(5)),
          m.group(6));
    }
  }

  /** Reads the next line as a MSG. */
  Msg readMsg() throws IOException {
    return Msg.parse(read());
  }

  /**
   * Registers and logs in; returns the LOGIN reply's words. A 503 (a cold or busy cluster; it means nothing was
   * stored) is retried a few times, as a client would.
   */
  String[] registerAndLogin(String name, String password) throws IOException {
    assertThat(callRetryingUnavailable("REGISTER " + name + " " + password)).startsWith("OK REGISTER ");
    String reply = callRetryingUnavailable("LOGIN " + name + " " + password);
    assertThat(reply).startsWith("OK LOGIN ");
    return reply.split(" ");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
