package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.gateway.Transport;
import io.clusterchat.protocol.ByeReason;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.RequestDecoder;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.Spelling;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's long-lived connection: framing, rate limit, idle timer, and requests answered strictly in order
 * (one final reply each), the same on every transport (its {@link ClientChannel}: TCP, TLS or WebSocket). Confined
 * to the event loop that accepted it; other threads reach it through {@link #context()}.
 *
 * <p>Backpressure: reading pauses while too many requests wait or the channel's write queue is full; streamed
 * replies (SYNC, HISTORY) wait for the queue to drain; and a connection with more than {@code max-outbound} bytes
 * waiting to be written (pushes it does not read) gets {@code BYE slow} and is closed. So a client that floods or
 * never reads costs bounded memory, and never holds up another.
 */
public final class ClientConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  /** Requests read ahead of the one in flight before reading pauses. */
  private static final int MAX_QUEUED = 64;
  /** How long a goodbye may take to reach a client that does not read before the connection is cut anyway. */
  private static final long CLOSE_GRACE_MILLIS = 1_000;

  private final String id;
  private final ClientChannel channel;
  private final Context context;
  private final GatewayOptions options;
  private final Commands commands;
  private final ConnectionRegistry registry;
  private final GatewayMeters meters;
  private final RateLimiter limiter;
  private final ArrayDeque<Request> queue = new ArrayDeque<>(4);
  private Spelling pushSpelling = Spelling.TEXT;
  /** The logged-in user's address, or null. */
  private String user;
  private long lastFrameNanos;
  private boolean busy;
  private boolean closing;
  /** Set by QUIT: the reply being sent is the last frame. */
  private boolean closeAfterReply;
  private boolean pausedForQueue;
  private boolean pausedForWrites;
  /** Bytes handed to the channel and not yet written out: the measure of max-outbound. */
  private long outboundBytes;
  /** A streamed reply waiting for the write queue to drain, or null. */
  private Runnable afterDrain;

  ClientConnection(String id, ClientChannel channel, GatewayOptions options, Commands commands,
                   ConnectionRegistry registry) {
    this.id = id;
    this.channel = channel;
    // The event loop's own context: an HTTP server (WebSocket) calls its handlers on a duplicate of it, which the
    // idle sweep of that loop would not find its connections under.
    this.context = ((ContextInternal) Vertx.currentContext()).unwrap();
    this.options = options;
    this.commands = commands;
    this.registry = registry;
    this.meters = GatewayMeters.of(context.owner());
    long now = System.nanoTime();
    this.lastFrameNanos = now;
    this.limiter = new RateLimiter(options.getRateLimit(), options.getRateBurst(), options.getAbuseLimit(),
        TimeUnit.MILLISECONDS.toNanos(options.getAbuseWindowMillis()), now);
  }

  void start() {
    meters.connectionOpened(channel.transport());
    channel.start(new ClientChannel.Inbound() {
      @Override
      public void frame(String frame) {
        onLine(frame);
      }

      @Override
      public void badFrame(ProtocolException failure) {
        onBadFrame(failure);
      }

      @Override
      public void alive() {
        if (!closing) {
          lastFrameNanos = System.nanoTime();
        }
      }

      @Override
      public void writable() {
        pausedForWrites = false;
        continueStream();
        resumeIfUnblocked();
      }

      @Override
      public void shutdown() {
        closeWith(ByeReason.SHUTDOWN, null);
      }

      @Override
      public void closed() {
        meters.connectionClosed();
        closing = true;
        continueStream();
        registry.remove(ClientConnection.this);
      }
    });
    write(ServerFrame.hello(options.getRegion(), options.getNodeId()).encode(Spelling.TEXT, null));
  }

  public String id() {
    return id;
  }

  public Context context() {
    return context;
  }

  public GatewayOptions options() {
    return options;
  }

  /** The transport the client is connected over: RECONNECT names a target's port of the same one. */
  public Transport transport() {
    return channel.transport();
  }

  public boolean loggedIn() {
    return user != null;
  }

  /** The logged-in user's address ({@code alice@bj}), or null. */
  public String user() {
    return user;
  }

  void user(String address) {
    this.user = address;
  }

  /** The client's IP address, for per-address login limits. */
  public String remoteHost() {
    return channel.remoteAddress() == null ? "unknown" : channel.remoteAddress().hostAddress();
  }

  /** True once the connection is closing or closed: nothing more is sent. */
  boolean closing() {
    return closing;
  }

  /**
   * Writes the items of a streamed reply (MSG of SYNC, HIST of HISTORY) in the request's spelling, waiting for the
   * write queue to drain whenever it is full; completes once all are handed to the channel, or the connection closed.
   */
  Future<Void> stream(Request request, Iterator<ServerFrame> items) {
    Promise<Void> done = Promise.promise();
    streamSome(request, items, done);
    return done.future();
  }

  private void streamSome(Request request, Iterator<ServerFrame> items, Promise<Void> done) {
    while (!closing && items.hasNext()) {
      write(items.next().encode(request.spelling(), null));
      if (channel.writeQueueFull()) {
        afterDrain = () -> streamSome(request, items, done);
        return;
      }
    }
    done.complete();
  }

  private void continueStream() {
    Runnable next = afterDrain;
    afterDrain = null;
    if (next != null) {
      next.run();
    }
  }

  /** Sends a frame the client did not ask for, in the spelling of its latest request. Call on {@link #context()}. */
  public void push(ServerFrame frame) {
    if (!closing) {
      if (GatewayMeters.isDelivery(frame.op())) {
        meters.deliveries.increment();
      }
      // A group's push is one frame for many connections: its line is built once per spelling.
      write(frame.encode(pushSpelling, null));
    }
  }

  /** Sends {@code BYE <reason>} (after {@code before}, if any) and closes. Call on {@link #context()}. */
  public void closeWith(ByeReason reason, ServerFrame before) {
    if (closing) {
      return;
    }
    if (before != null) {
      write(before.encode(pushSpelling, null));
      if (closing) {
        // That write found the client too slow and said goodbye already.
        return;
      }
    }
    closing = true;
    queue.clear();
    meters.framesOut.increment();
    channel.write(ServerFrame.bye(reason).encode(pushSpelling, null)).onComplete(v -> channel.close());
    // A client that does not read never lets the goodbye out: cut it off anyway, so it holds nothing.
    context.owner().setTimer(CLOSE_GRACE_MILLIS, id -> cutOff());
  }

  /**
   * Closes the connection now, dropping what still waits to be written. A plain close (Vert.x's) waits for that to
   * be flushed, which a client that never reads never allows.
   */
  private void cutOff() {
    channel.cutOff();
  }

  /** Closes the connection if it has been silent for the idle timeout. */
  void checkIdle(long nowNanos) {
    if (!closing && nowNanos - lastFrameNanos >= TimeUnit.MILLISECONDS.toNanos(options.getIdleTimeoutMillis())) {
      meters.error(ErrorCode.IDLE_TIMEOUT);
      closeWith(ByeReason.IDLE, ServerFrame.error(ErrorCode.IDLE_TIMEOUT, "idle timeout"));
    }
  }

  // ---- input ----

  /** A complete frame: the only thing that resets the idle timer (bytes without a line end do not). */
  private void frameArrived() {
    lastFrameNanos = System.nanoTime();
    meters.framesIn.increment();
  }

  private void onLine(String line) {
    if (closing) {
      return;
    }
    frameArrived();
    Request request = RequestDecoder.decode(line);
    switch (limiter.onFrame(lastFrameNanos)) {
      case ACCEPT:
        enqueue(request);
        break;
      case REJECT:
        enqueue(Request.invalid(request.spelling(), request.id(),
            new ProtocolException(ErrorCode.TOO_MANY_REQUESTS, "too many requests")));
        break;
      default:
        LOG.info("connection {} from {} keeps flooding: closing it", id, channel.remoteAddress());
        closeWith(ByeReason.ABUSE, null);
    }
  }

  /** A line that is too long or not UTF-8: answered in the spelling the client used last. */
  private void onBadFrame(ProtocolException failure) {
    if (closing) {
      return;
    }
    frameArrived();
    RateLimiter.Verdict verdict = limiter.onFrame(lastFrameNanos);
    if (verdict == RateLimiter.Verdict.ABUSE) {
      closeWith(ByeReason.ABUSE, null);
    } else {
      enqueue(Request.invalid(pushSpelling, null, verdict == RateLimiter.Verdict.ACCEPT ? failure
          : new ProtocolException(ErrorCode.TOO_MANY_REQUESTS, "too many requests")));
    }
  }

  private void enqueue(Request request) {
    queue.add(request);
    if (queue.size() >= MAX_QUEUED && !pausedForQueue) {
      pausedForQueue = true;
      channel.pause();
    }
    drain();
  }

  // ---- processing, one request at a time ----

  private void drain() {
    while (!busy && !closing && !queue.isEmpty()) {
      Request request = queue.poll();
      busy = true;
      Future<ServerFrame> reply = dispatch(request);
      if (reply.isComplete()) {
        finish(request, reply);
      } else {
        reply.onComplete(done -> {
          finish(request, reply);
          drain();
        });
      }
    }
    if (pausedForQueue && queue.size() < MAX_QUEUED / 2) {
      pausedForQueue = false;
      resumeIfUnblocked();
    }
  }

  private Future<ServerFrame> dispatch(Request request) {
    pushSpelling = request.spelling();
    meters.request(request.isValid() ? request.command() : null);
    if (!request.isValid()) {
      return Future.failedFuture(request.failure());
    }
    try {
      return commands.handle(this, request);
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      LOG.warn("connection {}: {} failed", id, request.command(), e);
      return Future.failedFuture(e);
    }
  }

  private void finish(Request request, Future<ServerFrame> reply) {
    busy = false;
    if (closing) {
      return;
    }
    ServerFrame frame;
    if (reply.succeeded()) {
      frame = reply.result();
    } else {
      ProtocolException failure = Failures.toProtocol(reply.cause());
      meters.error(failure.code());
      frame = ServerFrame.error(failure);
    }
    if (closeAfterReply) {
      closing = true;
      queue.clear();
      meters.framesOut.increment();
      channel.write(frame.encode(request.spelling(), request.id())).onComplete(v -> channel.close());
      return;
    }
    write(frame.encode(request.spelling(), request.id()));
  }

  /** QUIT: the reply to the request being answered is the last frame; the connection closes once it is written. */
  void closeAfterReply() {
    closeAfterReply = true;
  }

  // ---- output ----

  private void write(String line) {
    meters.framesOut.increment();
    int size = Limits.utf8Length(line);
    outboundBytes += size;
    channel.write(line).onComplete(written -> outboundBytes -= size);
    if (outboundBytes > options.getMaxOutbound() && !closing) {
      LOG.info("connection {} from {} does not read ({} bytes waiting): BYE slow", id, channel.remoteAddress(),
          outboundBytes);
      meters.slowReaders.increment();
      closeWith(ByeReason.SLOW, null);
      return;
    }
    if (!pausedForWrites && channel.writeQueueFull()) {
      pausedForWrites = true;
      channel.pause();
    }
  }

  private void resumeIfUnblocked() {
    if (!pausedForQueue && !pausedForWrites && !closing) {
      channel.resume();
    }
  }
}
