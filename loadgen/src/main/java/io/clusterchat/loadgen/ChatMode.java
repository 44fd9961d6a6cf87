package io.clusterchat.loadgen;

import io.clusterchat.loadgen.impl.ChatLines;
import io.clusterchat.loadgen.impl.Connector;
import io.clusterchat.loadgen.impl.JetStreamRelay;
import io.clusterchat.loadgen.impl.LineSocket;
import io.clusterchat.loadgen.impl.LoadRun;
import io.clusterchat.loadgen.impl.LongRing;
import io.clusterchat.loadgen.impl.Measurement;
import io.clusterchat.loadgen.impl.RabbitRelay;
import io.clusterchat.loadgen.impl.Relay;
import io.clusterchat.loadgen.impl.RunOptions;
import io.clusterchat.loadgen.impl.Shards;
import io.clusterchat.loadgen.impl.Targets;
import io.clusterchat.loadgen.impl.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen chat}: P pairs of users, one of each pair on gateway A and the other on gateway B, each sending to
 * its partner, either on a fixed schedule (the offered rate is shared by all 2P senders) or in a closed loop
 * ({@code --rate 0}: one message in flight per pair, ping-pong, the partner answering each message it receives).
 * Latency from the intended send time (corrected for coordinated omission; in the closed loop, the send itself) to
 * the partner's push, carried in the message text; for clusterchat also to the sender's {@code OK SEND}, which comes
 * only after the message is durably stored. The same load, through the same pacing and measurement, goes to the
 * peers clusterchat is compared with: an IRC server's relay (PRIVMSG between nicks), and the durable relays NATS
 * JetStream ({@link JetStreamRelay}) and RabbitMQ ({@link RabbitRelay}), whose acknowledgement after storage is the
 * "stored" latency there.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = "Chat load: pairs of users on two gateways (or an IRC server, NATS JetStream, RabbitMQ) messaging "
        + "each other.")
public final class ChatMode extends LoadRun {

  /** The wire the users speak. */
  public enum Protocol { clusterchat, irc, jetstream, rabbitmq }

  private static final long SETTLE_MILLIS = 10_000;
  /** Logins in flight at once: each costs the auth-node a password hash. */
  private static final int LOGIN_PARALLELISM = 8;
  /** Well inside the gateways' idle timeout (120 s by default): logging in a thousand users takes minutes. */
  private static final long HEARTBEAT_MILLIS = 20_000;
  private static final char PAD = 'x';
  /** The text starts with the send time in nanoseconds: up to 19 digits and a space, then padding. */
  private static final int TIMESTAMP_CHARS = 20;
  /** Room for the send time and a little padding. */
  private static final int MIN_SIZE = 24;
  private static final String MSG = "MSG ";
  private static final String PING = "PING ";
  /** {@code MSG <seq> <msg-id> <from> <to> <ts> <text>}: the text follows the sixth space. */
  private static final int MSG_TEXT_WORD = 6;
  /** A closed-loop step's stand-in for a pacer's timer id. */
  private static final long NO_TIMER = -1;

  @Option(names = "--a", required = true, paramLabel = "HOST:PORT",
      description = "where the first user of each pair connects (a gateway, or the IRC, NATS or RabbitMQ server)")
  String gatewayA;

  @Option(names = "--b", paramLabel = "HOST:PORT",
      description = "where the second user connects (default: the same as --a; clusterchat and irc only)")
  String gatewayB;

  @Option(names = "--protocol", paramLabel = "PROTOCOL",
      description = "clusterchat (text spelling of PROTOCOL.md), irc, jetstream (NATS JetStream, file storage) "
          + "or rabbitmq (durable queues, persistent messages, publisher confirms; guest/guest). "
          + "Default: ${DEFAULT-VALUE}")
  Protocol protocol = Protocol.clusterchat;

  @Option(names = "--pairs", paramLabel = "P", description = "pairs of users (default: ${DEFAULT-VALUE})")
  int pairs = 50;

  @Option(names = "--rate", paramLabel = "PER_SECOND", required = true, split = ",",
      description = "messages a second in all, on a fixed schedule; 0 for a closed loop (one message in flight per "
          + "pair). Several (0,1000,2000,...) run one after another with the same users, each with its warm-up")
  List<Double> rates;

  @Option(names = "--size", paramLabel = "BYTES",
      description = "message text bytes, at least 24 (default: ${DEFAULT-VALUE})")
  int size = 64;

  @Option(names = "--prefix", paramLabel = "NAME",
      description = "user names are <prefix><k>a and <prefix><k>b; a rerun reuses the accounts; the JetStream "
          + "stream is loadgen-<prefix>, subjects and RabbitMQ queues <prefix>.chat.<user> (default: ${DEFAULT-VALUE})")
  String prefix = "lg";

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "the users' password (clusterchat; default: ${DEFAULT-VALUE})")
  String password = "loadgen-password";

  private volatile boolean sending;
  /** The step running: its rate (0: closed loop) and its numbers. */
  private volatile double rate;
  private volatile Measurement measurement;
  private volatile LongAdder outOfOrder = new LongAdder();
  /** The durable relay of jetstream and rabbitmq; null for the line protocols. */
  private volatile Relay relay;

  @Override
  protected String mode() {
    return "chat";
  }

  @Override
  protected void validate() {
    Targets.parse("--a", gatewayA);
    Targets.parse("--b", gatewayB());
    RunOptions.positive("--pairs", pairs);
    rates.forEach(rate -> RunOptions.atLeastZero("--rate", rate));
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException("--size must be at least " + MIN_SIZE
          + " (the text carries the send time), was " + size);
    }
    if (protocol != Protocol.clusterchat) {
      transport.requireTcp("--protocol " + protocol);
    }
    if (!prefix.matches("[a-z][a-z0-9]{0,3}")) {
      throw new IllegalArgumentException("--prefix must be a letter and up to 3 more letters or digits "
          + "(nicks stay within IRC's 9 characters), was " + prefix);
    }
  }

  private String gatewayB() {
    return gatewayB == null ? gatewayA : gatewayB;
  }

  @Override
  protected JsonObject parameters() {
    return new JsonObject().put("a", gatewayA).put("b", gatewayB()).put("protocol", protocol.name())
        .put("pairs", pairs).put("rates", new JsonArray(new ArrayList<>(rates))).put("size", size)
        .put("durationSeconds", run.durationSeconds).put("warmupSeconds", run.warmupSeconds);
  }

  @Override
  protected Future<JsonObject> execute(Vertx vertx, Shards shards) {
    List<List<User>> byShard = shards.perShard();
    User[] users = new User[2 * pairs];
    for (int i = 0; i < users.length; i++) {
      users[i] = new User(i);
      byShard.get(shards.shardOf(i)).add(users[i]);
    }
    for (User user : users) {
      user.partner = users[user.index ^ 1];
    }
    relay = newRelay();
    Future<Void> connected = relay == null
        ? connect(vertx, shards, byShard, users)
        : relay.open(vertx, Arrays.stream(users).map(user -> user.name).toList(), new RelayListener(users));
    Future<JsonObject> done = connected.compose(v ->
        steps(rates, stepRate -> step(vertx, shards, byShard, users, stepRate)));
    // The relay's stream or queues are deleted whatever happened: the next run starts fresh.
    Relay used = relay;
    return used == null ? done : done.eventually(() -> used.close(vertx));
  }

  /** The durable relay the users go through, or null for the line protocols. */
  private Relay newRelay() {
    SocketAddress server = Targets.parse("--a", gatewayA);
    Duration timeout = Duration.ofMillis(run.timeoutMillis());
    return switch (protocol) {
      case jetstream -> new JetStreamRelay(server, prefix, timeout);
      case rabbitmq -> new RabbitRelay(server, prefix, timeout, run.threads);
      default -> null;
    };
  }

  /** Connects and logs in the users of a line protocol, each on its shard. */
  private Future<Void> connect(Vertx vertx, Shards shards, List<List<User>> byShard, User[] users) {
    Connector client = client(vertx, null);
    if (protocol == Protocol.clusterchat) {
      // IRC servers ping their clients; clusterchat clients ping the gateway, from their login on.
      for (int shard = 0; shard < shards.size(); shard++) {
        List<User> mine = byShard.get(shard);
        shards.periodic(shard, HEARTBEAT_MILLIS, () -> mine.forEach(User::heartbeat));
      }
    }
    return Tasks.forEach(2 * pairs, LOGIN_PARALLELISM, i -> shards.on(shards.shardOf(i), () -> users[i].open(client)));
  }

  /** One offered rate (or the closed loop): send, warm up, measure, stop, wait for the deliveries still due. */
  private Future<JsonObject> step(Vertx vertx, Shards shards, List<List<User>> byShard, User[] users,
                                  double stepRate) {
    Measurement step = new Measurement(out, "delivery", "stored");
    LongAdder stepOutOfOrder = new LongAdder();
    measurement = step;
    outOfOrder = stepOutOfOrder;
    rate = stepRate;
    sending = true;
    List<Future<Long>> started = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      List<User> mine = byShard.get(shard);
      if (stepRate == 0) {
        // The first user of each pair serves; from then on each delivery is answered.
        started.add(shards.on(shard, () -> {
          mine.stream().filter(User::serves).forEach(user -> user.send(System.nanoTime()));
          return Future.succeededFuture(NO_TIMER);
        }));
      } else {
        started.add(shards.paced(shard, stepRate / shards.size(), mine, () -> sending, User::send));
      }
    }
    return Future.all(started)
        .compose(v -> step.run(vertx, run.warmupSeconds, run.durationSeconds,
            () -> relay == null ? open(users) : relay.connected()))
        .compose(v -> {
          sending = false;
          started.forEach(timer -> vertx.cancelTimer(timer.result()));
          return Tasks.until(vertx, () -> undelivered(step) == 0, SETTLE_MILLIS);
        })
        .map(v -> step.report().put("rate", stepRate).put("closedLoop", stepRate == 0)
            .put("undelivered", undelivered(step)).put("outOfOrder", stepOutOfOrder.sum()));
  }

  private static int open(User[] users) {
    int open = 0;
    for (User user : users) {
      if (user != null && user.socket != null && user.socket.isOpen()) {
        open++;
      }
    }
    return open;
  }

  /** Messages sent and neither delivered nor refused. */
  private static long undelivered(Measurement measurement) {
    return measurement.sent.sum() - measurement.received.sum() - measurement.errors.sum();
  }

  @Override
  protected String summary(JsonObject result) {
    JsonObject delivery = result.getJsonObject("latency").getJsonObject("delivery");
    JsonObject stored = result.getJsonObject("latency").getJsonObject("stored");
    double stepRate = result.getDouble("rate");
    String load = stepRate == 0 ? "closed loop" : "of " + Math.round(stepRate) + " offered";
    // IRC acknowledges nothing: no stored latency to show.
    String storedP99 = stored.getLong("count") == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms",
        stored.getDouble("p99Ms"));
    return String.format(Locale.ROOT, "%d deliveries/s %s, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, "
            + "stored p99 %s, errors %d, undelivered %d, out of order %d (%s, %d pairs, %d s)",
        result.getLong("receivedPerSecond"), load, delivery.getDouble("p50Ms"),
        delivery.getDouble("p99Ms"), delivery.getDouble("p999Ms"), storedP99, result.getLong("errors"),
        result.getLong("undelivered"), result.getLong("outOfOrder"), protocol, pairs, run.durationSeconds);
  }

  /**
   * One user: its connection, what it sent awaiting the store's OK, and the inbox seq it expects next. Confined to its
   * shard, but for the users of a relay, which its client calls from threads of its own (they touch only the
   * thread-safe measurement and the relay).
   */
  private final class User {

    final int index;
    final String name;
    private final LongRing awaitingStored = new LongRing();
    private final String padding;
    LineSocket socket;
    User partner;
    /** Where the partner sends: the address (clusterchat) or the nick (IRC). */
    String address;
    private long nextSeq;

    User(int index) {
      this.index = index;
      this.name = prefix + (index / 2) + (index % 2 == 0 ? "a" : "b");
      this.padding = String.valueOf(PAD).repeat(Math.max(0, size - TIMESTAMP_CHARS));
    }

    Future<Void> open(Connector client) {
      SocketAddress server = Targets.parse("--a", index % 2 == 0 ? gatewayA : gatewayB());
      if (protocol == Protocol.irc) {
        return client.connect(server).compose(this::ircLogin);
      }
      return ChatLines.connect(client, server, run.timeoutMillis())
          .compose(greeted -> {
            socket = greeted.socket();
            return ChatLines.registerAndLogin(socket, name, password, run.timeoutMillis());
          })
          .map(login -> {
            address = login.address();
            nextSeq = login.latest() + 1;
            socket.handler(this::onChatLine);
            return null;
          });
    }

    private Future<Void> ircLogin(LineSocket connected) {
      socket = connected;
      address = name;
      Future<String> welcome = socket.await(line -> line.contains(" 001 "), this::answerPing, run.timeoutMillis());
      socket.send("NICK " + name);
      socket.send("USER " + name + " 0 * :" + name);
      return welcome.map(line -> {
        socket.handler(this::onIrcLine);
        return null;
      });
    }

    /** The first of its pair: it starts the closed loop's ping-pong. */
    boolean serves() {
      return index % 2 == 0;
    }

    void heartbeat() {
      if (address != null && socket.isOpen()) {
        socket.send("PING");
      }
    }

    void send(long intendedNanos) {
      Measurement measurement = ChatMode.this.measurement;
      String text = intendedNanos + " " + padding;
      if (relay != null) {
        measurement.sent.increment();
        relay.send(index, partner.index, text, intendedNanos);
        return;
      }
      if (!socket.isOpen()) {
        measurement.sent.increment();
        measurement.errors.increment();
        return;
      }
      measurement.sent.increment();
      if (protocol == Protocol.irc) {
        socket.send("PRIVMSG " + partner.address + " :" + text);
      } else {
        awaitingStored.add(intendedNanos);
        socket.send("SEND " + partner.address + " " + text);
      }
    }

    // MSG <seq> <msg-id> <from> <to> <ts> <text>; OK SEND <msg-id> <ts>; ERR <code> <reason>
    private void onChatLine(String line) {
      long now = System.nanoTime();
      if (line.startsWith(MSG)) {
        int textStart = nthSpace(line, MSG_TEXT_WORD) + 1;
        long seq = Long.parseLong(line.substring(MSG.length(), line.indexOf(' ', MSG.length())));
        if (seq != nextSeq) {
          outOfOrder.increment();
        }
        nextSeq = seq + 1;
        delivered(now, line, textStart);
      } else if (line.startsWith("OK SEND ")) {
        Measurement measurement = ChatMode.this.measurement;
        measurement.latency("stored").record(now - awaitingStored.poll(now));
      } else if (line.startsWith("ERR ")) {
        Measurement measurement = ChatMode.this.measurement;
        awaitingStored.poll(now);
        measurement.errors.increment();
      }
    }

    // :<nick>!<user>@<host> PRIVMSG <me> :<text>; PING :<token>
    private void onIrcLine(String line) {
      int privmsg = line.indexOf(" PRIVMSG ");
      if (privmsg > 0) {
        delivered(System.nanoTime(), line, line.indexOf(" :", privmsg) + 2);
      } else {
        answerPing(line);
      }
    }

    private void answerPing(String line) {
      if (line.startsWith(PING)) {
        socket.send("PONG " + line.substring(PING.length()));
      }
    }

    void delivered(long now, String line, int textStart) {
      int end = line.indexOf(' ', textStart);
      long intended = Long.parseLong(line.substring(textStart, end < 0 ? line.length() : end));
      Measurement measurement = ChatMode.this.measurement;
      measurement.latency("delivery").record(now - intended);
      measurement.received.increment();
      if (rate == 0 && sending) {
        // Closed loop: the partner's message in, this user's answer out.
        send(now);
      }
    }
  }

  /** Where a relay's client reports, from its own threads. */
  private final class RelayListener implements Relay.Listener {

    private final User[] users;

    RelayListener(User[] users) {
      this.users = users;
    }

    @Override
    public void delivered(int user, String text, long nowNanos) {
      users[user].delivered(nowNanos, text, 0);
    }

    @Override
    public void stored(long intendedNanos, long nowNanos) {
      measurement.latency("stored").record(nowNanos - intendedNanos);
    }

    @Override
    public void refused() {
      measurement.errors.increment();
    }
  }

  private static int nthSpace(String line, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = line.indexOf(' ', at + 1);
    }
    return at;
  }
}
