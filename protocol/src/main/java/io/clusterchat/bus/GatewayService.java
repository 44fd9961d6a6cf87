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

  private GatewayService() {
  }

  public static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }
}
