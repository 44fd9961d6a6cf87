package io.clusterchat.client;

import java.util.List;

/**
 * The answer to WHO.
 *
 * @param address the user asked about
 * @param online whether it has a live session anywhere
 * @param regions the regions of the gateways it is connected to, each once; empty when offline
 */
public record Presence(String address, boolean online, List<String> regions) {

  public Presence {
    regions = List.copyOf(regions);
  }
}
