package io.clusterchat.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into the protocol's frames: lines of UTF-8 ending in LF.
 *
 * <ul>
 *   <li>A CR right before the LF is dropped; empty lines are skipped.</li>
 *   <li>A line longer than {@code maxLine} bytes (LF and a final CR not counted) is discarded up to its LF and
 *       reported once as {@link ErrorCode#TOO_LARGE}. At most {@code maxLine + 1} bytes are ever held.</li>
 *   <li>A line that is not valid UTF-8 is reported as {@link ErrorCode#BAD_REQUEST}.</li>
 * </ul>
 *
 * <p>Not thread-safe: one parser per connection, fed from its event loop.
 */
public final class FrameParser implements Handler<Buffer> {

  /** The default {@code max-line} of PROTOCOL.md. */
  public static final int DEFAULT_MAX_LINE = Limits.DEFAULT_MAX_LINE;

  private static final byte LF = '\n';
  /** The first buffer of an unfinished line: small, since most lines end in the next read. */
  private static final int MIN_PENDING_CAPACITY = 64;
  private static final byte CR = '\r';
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final int maxLine;
  private final Handler<String> lineHandler;
  private final Handler<ProtocolException> errorHandler;
  /** Bytes of the unfinished line; null while there are none, to keep idle connections small. */
  private Buffer pending;
  /** True while skipping the rest of an over-long line. */
  private boolean discarding;

  public FrameParser(int maxLine, Handler<String> lineHandler, Handler<ProtocolException> errorHandler) {
    if (maxLine < 1) {
      throw new IllegalArgumentException("maxLine must be at least 1, was " + maxLine);
    }
    this.maxLine = maxLine;
    this.lineHandler = lineHandler;
    this.errorHandler = errorHandler;
  }

  @Override
  public void handle(Buffer data) {
    int start = 0;
    int length = data.length();
    for (int i = 0; i < length; i++) {
      if (data.getByte(i) == LF) {
        endOfLine(data, start, i);
        start = i + 1;
      }
    }
    if (start < length) {
      partOfLine(data, start, length);
    }
  }

  private void endOfLine(Buffer data, int from, int to) {
    if (discarding) {
      discarding = false;
      pending = null;
      errorHandler.handle(new ProtocolException(ErrorCode.TOO_LARGE, "line too long"));
      return;
    }
    Buffer line;
    if (pending == null) {
      line = data.slice(from, to);
    } else if (pending.length() + (to - from) > maxLine + 1) {
      // Too long already: never hold more than maxLine + 1 bytes, even for a moment.
      pending = null;
      errorHandler.handle(new ProtocolException(ErrorCode.TOO_LARGE, "line too long"));
      return;
    } else {
      line = pending.appendBuffer(data, from, to - from);
      pending = null;
    }
    int size = line.length();
    if (size > 0 && line.getByte(size - 1) == CR) {
      size--;
    }
    if (size > maxLine) {
      errorHandler.handle(new ProtocolException(ErrorCode.TOO_LARGE, "line too long"));
    } else if (size > 0) {
      emit(line, size);
    }
  }

  private void partOfLine(Buffer data, int from, int to) {
    if (discarding) {
      return;
    }
    int held = pending == null ? 0 : pending.length();
    // maxLine + 1: the line may still end in a CR, which does not count.
    if (held + (to - from) > maxLine + 1) {
      pending = null;
      discarding = true;
      return;
    }
    if (pending == null) {
      pending = Buffer.buffer(Math.min(maxLine + 1, Math.max(MIN_PENDING_CAPACITY, 2 * (to - from))));
    }
    pending.appendBuffer(data, from, to - from);
  }

  private void emit(Buffer line, int size) {
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(0, size));
    CharsetDecoder decoder = UTF8.get().reset();
    CharBuffer chars;
    try {
      chars = decoder.decode(bytes);
    } catch (CharacterCodingException e) {
      errorHandler.handle(new ProtocolException(ErrorCode.BAD_REQUEST, "invalid utf-8"));
      return;
    }
    lineHandler.handle(chars.toString());
  }
}
