package io.clusterchat.loadgen.impl;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * NATS JetStream as a durable relay, through the official Java client (jnats). One stream in file storage,
 * {@code loadgen-<prefix>}, over the subjects {@code <prefix>.chat.>}; created fresh for the run and deleted after it.
 * Each user has a connection of its own and a <b>durable push consumer</b> on {@code <prefix>.chat.<user>} with
 * <b>explicit acks</b>, acknowledging each message it gets: what a relay that must not lose a message uses (an
 * offline user's messages wait in the stream for its consumer, as a clusterchat inbox waits for its owner; an
 * ordered or ack-less consumer would forget where the user was). Sending is an asynchronous JetStream publish: the
 * message counts as stored when its PubAck arrives, which the server sends once the message is in the stream's file
 * (written, not fsynced per message: NATS syncs on its own interval, two minutes by default).
 */
public final class JetStreamRelay implements Relay {

  private final SocketAddress server;
  private final String prefix;
  private final Duration timeout;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<JetStream> streams = new CopyOnWriteArrayList<>();
  private List<String> subjects = List.of();
  private volatile Listener listener;

  public JetStreamRelay(SocketAddress server, String prefix, Duration timeout) {
    this.server = server;
    this.prefix = prefix;
    this.timeout = timeout;
  }

  /** The stream of a run with this {@code --prefix}. */
  public static String streamName(String prefix) {
    return "loadgen-" + prefix;
  }

  @Override
  public Future<Void> open(Vertx vertx, List<String> users, Listener listener) {
    this.listener = listener;
    return vertx.executeBlocking(() -> {
      subjects = users.stream().map(user -> prefix + ".chat." + user).toList();
      for (int i = 0; i < users.size(); i++) {
        Connection connection = Nats.connect(new Options.Builder().server("nats://" + server.host() + ":"
            + server.port()).connectionName(users.get(i)).connectionTimeout(timeout).noReconnect().build());
        connections.add(connection);
        streams.add(connection.jetStream());
        if (i == 0) {
          freshStream(connection.jetStreamManagement());
        }
        subscribe(connection, i, users.get(i));
      }
      return null;
    }, false);
  }

  private void freshStream(JetStreamManagement management) throws IOException, JetStreamApiException {
    deleteStream(management);
    management.addStream(StreamConfiguration.builder().name(streamName(prefix)).subjects(prefix + ".chat.>")
        .storageType(StorageType.File).build());
  }

  private void deleteStream(JetStreamManagement management) throws IOException {
    try {
      management.deleteStream(streamName(prefix));
    } catch (JetStreamApiException e) {
      // None there: nothing to delete.
    }
  }

  private void subscribe(Connection connection, int user, String name)
      throws IOException, JetStreamApiException {
    Dispatcher dispatcher = connection.createDispatcher();
    ConsumerConfiguration consumer = ConsumerConfiguration.builder().durable(name)
        .deliverPolicy(DeliverPolicy.New).ackPolicy(AckPolicy.Explicit).build();
    connection.jetStream().subscribe(subjects.get(user), dispatcher, message -> {
      listener.delivered(user, new String(message.getData(), StandardCharsets.UTF_8), System.nanoTime());
      message.ack();
    }, false, PushSubscribeOptions.builder().stream(streamName(prefix)).configuration(consumer).build());
  }

  @Override
  public void send(int from, int to, String text, long intendedNanos) {
    // jnats connections take publishes from any thread; the PubAck completes on the client's own.
    streams.get(from).publishAsync(subjects.get(to), text.getBytes(StandardCharsets.UTF_8))
        .whenComplete((ack, failure) -> {
          if (failure != null || ack.hasError()) {
            listener.refused();
          } else {
            listener.stored(intendedNanos, System.nanoTime());
          }
        });
  }

  @Override
  public int connected() {
    int open = 0;
    for (Connection connection : connections) {
      if (connection.getStatus() == Connection.Status.CONNECTED) {
        open++;
      }
    }
    return open;
  }

  @Override
  public Future<Void> close(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      try {
        if (!connections.isEmpty()) {
          // Deleting the stream deletes its consumers too.
          deleteStream(connections.get(0).jetStreamManagement());
        }
      } finally {
        for (Connection connection : connections) {
          connection.close();
        }
      }
      return null;
    }, false);
  }
}
