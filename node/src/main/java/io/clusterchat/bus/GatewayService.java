package io.clusterchat.bus;

/**
 * A gateway node's own event-bus address: one consumer per node, never one per user.
 */
public final class GatewayService {

  /** Followed by the node id: {@code gateway.gw-bj-1}. */
  public static final String ADDRESS_PREFIX = "gateway.";

  /** Header {@code action} of a message to a gateway. */
  public static final String ACTION = "action";

  /**
   * Push a stored message to every live connection of {@code user} on this gateway (sent, not requested). Body
   * {@code {"user":s,"message":{"seq":n,"msg":s,"from":s,"to":s,"ts":n,"text":s}}}.
   */
  public static final String DELIVER = "deliver";

  /**
   * Stop accepting clients and move the connected ones elsewhere (requested; the reply comes once every client
   * is gone). Body {@code {"targets":[{"host":s,"port":n}],"batchSize":n,"batchIntervalMillis":n}}: clients are
   * sent {@code RECONNECT <host> <port>} of a target (spread over the targets), then {@code BYE drain}, then
   * closed, in batches. Reply {@code {"moved":n}}.
   */
  public static final String DRAIN = "drain";

  /** Push {@code NOTICE <text>} to every connection of this gateway (sent). Body {@code {"text":s}}. */
  public static final String NOTICE = "notice";

  /**
   * Send {@code BYE kicked} to every connection of a user on this gateway and close them (requested). Body
   * {@code {"user":s}}; reply {@code {"kicked":n}}.
   */
  public static final String KICK = "kick";

  private GatewayService() {
  }

  public static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }
}
