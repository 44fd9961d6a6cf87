package io.clusterchat.client;

import io.clusterchat.client.ChatEvent.MessageReceived;
import java.util.List;

/**
 * The answer to SYNC.
 *
 * @param messages the inbox messages, oldest first
 * @param latest the highest seq in the inbox when the server answered
 */
public record SyncResult(List<MessageReceived> messages, long latest) {

  public SyncResult {
    messages = List.copyOf(messages);
  }

}
