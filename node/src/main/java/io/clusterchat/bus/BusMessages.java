package io.clusterchat.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** What every service does with an incoming bus message before reading its record. */
public final class BusMessages {

  private BusMessages() {
  }

  /** The message's body as a JSON object; any other body fails its contract ({@link BusContractException}). */
  public static JsonObject body(Message<?> message) {
    return BusFields.object(message.body());
  }
}
