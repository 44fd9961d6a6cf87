package io.clusterchat.client;

/**
 * One of the user's groups, as GROUPS lists it.
 *
 * @param group the group's address, {@code #name@region}
 * @param latest the highest seq in the group's log
 * @param read the user's read cursor in it (moved by {@link ChatClient#ack(String, long)})
 * @param members how many members it has
 */
public record GroupSummary(String group, long latest, long read, long members) {

  /** Entries after the read cursor. */
  public long unread() {
    return Math.max(0, latest - read);
  }
}
