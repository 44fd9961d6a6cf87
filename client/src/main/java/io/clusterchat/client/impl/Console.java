package io.clusterchat.client.impl;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Where the CLI reads lines and prints: a JLine terminal (output from other threads goes above the line being
 * typed, which stays intact) or, when input is not a terminal, plain streams, so that the CLI can be scripted.
 */
public interface Console extends Closeable {

  /** The next line, or null at the end of input. */
  String readLine(String prompt);

  /** A password, not echoed where the console can help it; null at the end of input. */
  String readPassword(String prompt);

  /** Prints a line; safe from any thread, including while {@link #readLine} waits. */
  void println(String line);

  /** Whether a person is typing (prompts make sense), as opposed to piped input. */
  boolean interactive();

  @Override
  void close();

  /** A JLine console on the system terminal. */
  static Console terminal() throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).build();
    LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("clusterchat").build();
    return new TerminalConsole(terminal, reader);
  }

  /** A console on plain streams: no prompts, no line editing. */
  static Console plain(InputStream in, PrintStream out) {
    return new PlainConsole(in, out);
  }

  /** JLine: {@link LineReader#printAbove} redraws the prompt and the partial input under the printed line. */
  final class TerminalConsole implements Console {

    private final Terminal terminal;
    private final LineReader reader;

    TerminalConsole(Terminal terminal, LineReader reader) {
      this.terminal = terminal;
      this.reader = reader;
    }

    @Override
    public String readLine(String prompt) {
      return read(prompt, null);
    }

    @Override
    public String readPassword(String prompt) {
      return read(prompt, '*');
    }

    private String read(String prompt, Character mask) {
      while (true) {
        try {
          return reader.readLine(prompt, mask);
        } catch (UserInterruptException e) {
          // Ctrl-C drops the line being typed, as in a shell; Ctrl-D or /quit leave.
          continue;
        } catch (EndOfFileException e) {
          return null;
        }
      }
    }

    @Override
    public void println(String line) {
      reader.printAbove(line);
    }

    @Override
    public boolean interactive() {
      return true;
    }

    @Override
    public void close() {
      try {
        terminal.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Piped input: lines in, lines out, nothing to redraw. */
  final class PlainConsole implements Console {

    private final BufferedReader in;
    private final PrintStream out;

    PlainConsole(InputStream in, PrintStream out) {
      this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      this.out = out;
    }

    @Override
    public String readLine(String prompt) {
      try {
        return in.readLine();
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public String readPassword(String prompt) {
      return readLine(prompt);
    }

    @Override
    public void println(String line) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }

    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
