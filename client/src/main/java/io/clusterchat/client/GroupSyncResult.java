package io.clusterchat.client;

import io.clusterchat.client.ChatEvent.GroupEntry;
import java.util.List;

/**
 * The answer to a group's SYNC.
 *
 * @param entries the log's messages and membership changes, oldest first
 * @param latest the highest seq in the group's log when the server answered
 */
public record GroupSyncResult(List<GroupEntry> entries, long latest) {

  public GroupSyncResult {
    entries = List.copyOf(entries);
  }
}
