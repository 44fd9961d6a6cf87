package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;

/**
 * The group lines of PROTOCOL.md 1.1 as the group mode speaks them (text spelling): CREATE and JOIN for setup, and
 * reading a GMSG push without splitting it, since a member reads one for every message of its group.
 */
public final class GroupLines {

  public static final String GMSG = "GMSG ";
  public static final String GEVENT = "GEVENT ";
  /** {@code GMSG <group> <seq> <msg-id> <from> <ts> <text>}: the text follows the sixth space. */
  private static final int GMSG_TEXT_SPACE = 6;
  /** {@code OK JOIN <group> <latest>}. */
  private static final int JOIN_FIELDS = 4;
  private static final int JOIN_LATEST = 3;
  private static final int CREATE_GROUP = 2;
  private static final int DECIMAL = 10;

  private GroupLines() {
  }

  /**
   * A message of the group mode as a member reads it: the group, its seq there, and what the text carries (the
   * send time in nanoseconds, the sender's slot in the group, its counter).
   */
  public record GroupMessage(String group, long seq, long sentNanos, int slot, long counter) {
  }

  /** The text the group mode sends: {@code <sent-nanos> <slot> <counter> <padding>}. */
  public static String text(long sentNanos, int slot, long counter, String padding) {
    return sentNanos + " " + slot + " " + counter + " " + padding;
  }

  /** Reads a GMSG line whose text the group mode wrote; null if it is not one. */
  public static GroupMessage parse(String line) {
    if (!line.startsWith(GMSG)) {
      return null;
    }
    try {
      int groupEnd = line.indexOf(' ', GMSG.length());
      int seqEnd = line.indexOf(' ', groupEnd + 1);
      int textStart = nthSpace(line, GMSG_TEXT_SPACE) + 1;
      int nanosEnd = line.indexOf(' ', textStart);
      int slotEnd = line.indexOf(' ', nanosEnd + 1);
      int counterEnd = line.indexOf(' ', slotEnd + 1);
      if (textStart == 0 || slotEnd < 0) {
        return null;
      }
      return new GroupMessage(line.substring(GMSG.length(), groupEnd),
          Long.parseLong(line, groupEnd + 1, seqEnd, DECIMAL),
          Long.parseLong(line, textStart, nanosEnd, DECIMAL),
          Integer.parseInt(line, nanosEnd + 1, slotEnd, DECIMAL),
          Long.parseLong(line, slotEnd + 1, counterEnd < 0 ? line.length() : counterEnd, DECIMAL));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** CREATEs {@code #name} as an open group; completes with its full address from {@code OK CREATE <group>}. */
  public static Future<String> create(LineSocket socket, String name, long timeoutMillis) {
    String request = "CREATE #" + name + " open";
    return socket.request(request, ChatLines.FINAL_REPLY, timeoutMillis).compose(reply ->
        reply.startsWith("OK CREATE ") ? Future.succeededFuture(reply.split(" ")[CREATE_GROUP])
            : Future.failedFuture(request + ": " + reply));
  }

  /** JOINs {@code group}; completes with the group's latest seq at the join, from {@code OK JOIN <group> <latest>}. */
  public static Future<Long> join(LineSocket socket, String group, long timeoutMillis) {
    String request = "JOIN " + group;
    return socket.request(request, ChatLines.FINAL_REPLY, timeoutMillis).compose(reply -> {
      String[] fields = reply.split(" ");
      return reply.startsWith("OK JOIN ") && fields.length == JOIN_FIELDS
          ? Future.succeededFuture(Long.parseLong(fields[JOIN_LATEST]))
          : Future.failedFuture(request + ": " + reply);
    });
  }

  private static int nthSpace(String line, int n) {
    int at = -1;
    for (int i = 0; i < n && (i == 0 || at >= 0); i++) {
      at = line.indexOf(' ', at + 1);
    }
    return at;
  }
}
