package io.clusterchat.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes no well-behaved HTTP client would, and reads what comes back until the server closes. */
public final class RawHttp {

  /** What the server sent, and whether it closed the connection within the read timeout. */
  public record Exchange(String response, boolean closed) {
  }

  private static final int READ_TIMEOUT_MILLIS = 3_000;
  private static final int BUFFER = 4096;

  private RawHttp() {
  }

  public static Exchange send(String host, int port, String request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[BUFFER];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          received.write(buffer, 0, n);
        }
        return new Exchange(received.toString(StandardCharsets.ISO_8859_1), true);
      } catch (SocketTimeoutException stillOpen) {
        return new Exchange(received.toString(StandardCharsets.ISO_8859_1), false);
      }
    }
  }

  /** A POST with both a Content-Length and a chunked Transfer-Encoding, the request smuggling shape. */
  public static String smuggling(String path) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        + "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  /** A plain GET that keeps the connection open. */
  public static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
}
