package io.clusterchat.loadgen.impl;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * RabbitMQ as a durable relay, through its Java client (amqp-client), as guest/guest. Each user has a connection
 * of its own and a durable queue {@code <prefix>.chat.<user>} (deleted and declared fresh for the run, deleted after
 * it). Sending publishes a persistent message (delivery mode 2) through the default exchange on a channel in
 * publisher-confirm mode: the message counts as stored when the broker confirms it, which for a persistent message in
 * a durable queue is once it is on disk. Each user consumes its queue with <b>manual acks</b>, one per message, and
 * a prefetch of {@value #PREFETCH} (JetStream's default for unacknowledged messages): a relay that must not lose a
 * message only lets the broker forget it once the consumer has it; with auto-ack a message written to a socket that
 * then breaks is gone.
 */
public final class RabbitRelay implements Relay {

  /** Unacknowledged deliveries a consumer may hold, as JetStream's default MaxAckPending. */
  static final int PREFETCH = 1000;
  private static final int PERSISTENT = 2;
  private static final String DEFAULT_EXCHANGE = "";
  private static final AMQP.BasicProperties PERSISTENT_TEXT = new AMQP.BasicProperties.Builder()
      .deliveryMode(PERSISTENT).contentType("text/plain").build();

  private final SocketAddress server;
  private final String prefix;
  private final Duration timeout;
  /** Runs the consumers of every connection (each channel's deliveries stay in order), instead of a pool each. */
  private final ExecutorService consumers;
  private final List<User> users = new CopyOnWriteArrayList<>();
  private List<String> queues = List.of();
  private volatile Listener listener;

  public RabbitRelay(SocketAddress server, String prefix, Duration timeout, int consumerThreads) {
    this.server = server;
    this.prefix = prefix;
    this.timeout = timeout;
    this.consumers = Executors.newFixedThreadPool(consumerThreads);
  }

  /** One user's connection: a channel to publish with confirms, one to consume with acks. */
  private final class User {

    final Connection connection;
    final Channel publisher;
    final Channel consumer;
    /** Published and not yet confirmed: publish sequence number to intended send time. */
    final ConcurrentNavigableMap<Long, Long> unconfirmed = new ConcurrentSkipListMap<>();

    User(Connection connection) throws IOException {
      this.connection = connection;
      this.publisher = connection.createChannel();
      this.consumer = connection.createChannel();
      publisher.confirmSelect();
      publisher.addConfirmListener((tag, multiple) -> confirmed(tag, multiple, true),
          (tag, multiple) -> confirmed(tag, multiple, false));
    }

    private void confirmed(long tag, boolean multiple, boolean stored) {
      long now = System.nanoTime();
      Map<Long, Long> settled = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
      for (long intended : settled.values()) {
        if (stored) {
          listener.stored(intended, now);
        } else {
          listener.refused();
        }
      }
      settled.clear();
    }

    /** From the pacer's event loop (fixed rates) or the consumer's thread (closed loop): one at a time. */
    synchronized void publish(String queue, String text, long intendedNanos) throws IOException {
      unconfirmed.put(publisher.getNextPublishSeqNo(), intendedNanos);
      publisher.basicPublish(DEFAULT_EXCHANGE, queue, PERSISTENT_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Future<Void> open(Vertx vertx, List<String> names, Listener listener) {
    this.listener = listener;
    return vertx.executeBlocking(() -> {
      queues = names.stream().map(name -> prefix + ".chat." + name).toList();
      ConnectionFactory factory = factory();
      for (int i = 0; i < names.size(); i++) {
        User user = new User(factory.newConnection(names.get(i)));
        users.add(user);
        String queue = queues.get(i);
        user.consumer.queueDelete(queue);
        user.consumer.queueDeclare(queue, true, false, false, null);
        user.consumer.basicQos(PREFETCH);
        int index = i;
        user.consumer.basicConsume(queue, false, (tag, delivery) -> {
          listener.delivered(index, new String(delivery.getBody(), StandardCharsets.UTF_8), System.nanoTime());
          user.consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });
      }
      return null;
    }, false);
  }

  private ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(server.host());
    factory.setPort(server.port());
    factory.setUsername("guest");
    factory.setPassword("guest");
    factory.setConnectionTimeout((int) timeout.toMillis());
    factory.setAutomaticRecoveryEnabled(false);
    factory.setSharedExecutor(consumers);
    return factory;
  }

  @Override
  public void send(int from, int to, String text, long intendedNanos) {
    try {
      users.get(from).publish(queues.get(to), text, intendedNanos);
    } catch (IOException | RuntimeException e) {
      listener.refused();
    }
  }

  @Override
  public int connected() {
    return (int) users.stream().filter(user -> user.connection.isOpen()).count();
  }

  @Override
  public Future<Void> close(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      try {
        for (int i = 0; i < users.size(); i++) {
          users.get(i).consumer.queueDelete(queues.get(i));
        }
      } finally {
        for (User user : users) {
          user.connection.abort();
        }
        consumers.shutdownNow();
      }
      return null;
    }, false);
  }
}
