package io.clusterchat.bus;

import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests that are sent again when a node that may have taken them dies. A request a node received just before it
 * died gets no answer, and would only fail when its timeout ends, seconds after Hazelcast has told everyone the node
 * is gone. So a request that is safe to send twice (a read, an idempotent write) is sent again when a node of a role
 * that serves it leaves the cluster, after a moment in which the event bus forgets the dead node's addresses, and
 * once more a little later should the first have gone to the dead node after all; the first answer of any of its
 * sends is the answer. Requests whose answer must say whether something was stored are not for this class.
 */
public final class ResentRequests {

  /** Sends one request once, with the caller's timeout. */
  @FunctionalInterface
  public interface Sender {
    Future<JsonObject> send(String address, JsonObject body);
  }

  /** Sends of one request at most: the first, and two more for each of two losses. */
  private static final int MAX_SENDS = 5;
  private static final long RESEND_DELAY_MILLIS = 500;
  private static final long RESEND_AGAIN_MILLIS = 2_000;

  private final Vertx vertx;
  private final Sender sender;
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();

  public ResentRequests(Vertx vertx, Sender sender) {
    this.vertx = vertx;
    this.sender = sender;
  }

  /** Sends a request that nodes of {@code servedBy} serve, to be sent again if one of them leaves meanwhile. */
  public Future<JsonObject> request(String address, JsonObject body, Set<NodeRole> servedBy) {
    InFlight request = new InFlight(address, body, servedBy);
    inFlight.add(request);
    request.send();
    return request.answer.future().onComplete(done -> inFlight.remove(request));
  }

  /** A node of {@code role} left the cluster: the requests it may have taken with it are sent again. */
  public void nodeLeft(NodeRole role) {
    List<InFlight> held = new ArrayList<>();
    for (InFlight request : inFlight) {
      if (request.servedBy.contains(role)) {
        held.add(request);
      }
    }
    if (!held.isEmpty()) {
      vertx.setTimer(RESEND_DELAY_MILLIS, id -> held.forEach(InFlight::send));
      vertx.setTimer(RESEND_AGAIN_MILLIS, id -> held.forEach(InFlight::send));
    }
  }

  /** A request that may be sent again; its answer is the first any of its sends gets. */
  private final class InFlight {
    private final String address;
    private final JsonObject body;
    private final Set<NodeRole> servedBy;
    private final Promise<JsonObject> answer = Promise.promise();
    private int sends;

    InFlight(String address, JsonObject body, Set<NodeRole> servedBy) {
      this.address = address;
      this.body = body;
      this.servedBy = servedBy;
    }

    void send() {
      int number;
      synchronized (this) {
        if (sends >= MAX_SENDS || answer.future().isComplete()) {
          return;
        }
        number = ++sends;
      }
      sender.send(address, body).onComplete(result -> {
        if (result.succeeded()) {
          answer.tryComplete(result.result());
        } else if (latest(number)) {
          // An earlier send's failure (its node died, or its timeout ended) is not the answer while a later runs.
          answer.tryFail(result.cause());
        }
      });
    }

    private synchronized boolean latest(int number) {
      return number == sends;
    }
  }
}
