package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.Transport;
import io.clusterchat.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;

/**
 * What a {@link ClientConnection} needs of its transport: frames in, frames out, flow control and close. The
 * connection's logic (rate limit, idle timer, ordering, backpressure, {@code BYE slow}) is the same on every
 * transport; only framing differs: lines on a TCP or TLS socket ({@link SocketChannel}), text messages on a
 * WebSocket ({@link WebSocketChannel}). Confined to the event loop that accepted it.
 */
interface ClientChannel {

  /** Where a channel reports what comes in. Every call is on the channel's event loop. */
  interface Inbound {

    /** A complete frame, decoded, without its line end; never empty. */
    void frame(String frame);

    /** A frame that is too long, not UTF-8, or otherwise no frame: to be answered with the error. */
    void badFrame(ProtocolException failure);

    /** A sign of life that is no frame (a WebSocket ping): resets the idle timer like a frame. */
    void alive();

    /** The write queue is no longer full. */
    void writable();

    /** The server is shutting down: say goodbye. */
    void shutdown();

    /** The channel closed, for whatever reason; called once. */
    void closed();
  }

  Transport transport();

  /** Starts reading, reporting to {@code inbound}. */
  void start(Inbound inbound);

  /**
   * Writes one frame; {@code line} is as {@link io.clusterchat.protocol.ServerFrame#encode} makes it, LF
   * included (a WebSocket sends it without, as one text message). Completes once it is written out.
   */
  Future<Void> write(String line);

  boolean writeQueueFull();

  void pause();

  void resume();

  /** Closes once what is queued is written. */
  void close();

  /** Closes now, dropping what waits to be written (a client that never reads never lets it out). */
  void cutOff();

  /** The client's address, or null when unknown. */
  SocketAddress remoteAddress();
}
