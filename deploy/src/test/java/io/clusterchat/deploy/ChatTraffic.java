package io.clusterchat.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Continuous chat traffic over real sockets, as careful clients make it, and its verifier. Senders send JSON SENDs
 * with an idempotency {@code "id"} at a steady rate to a recipient of their own (across regions), and repeat a SEND
 * with the same id after {@code ERR 503}, a timeout or a lost connection; every client finds a gateway through a
 * coordinator's dispatch (the other coordinator when one does not answer, the other region when its own has no live
 * gateway), RESUMEs with its token (else LOGINs) and follows RECONNECT and BYE. Every acknowledged send is recorded;
 * {@link #verify} then SYNCs every recipient's whole inbox and checks it.
 *
 * <p>Safety: only test hosts (10.0.0.x) are ever connected to; a dispatch naming anything else is refused.
 */
final class ChatTraffic implements AutoCloseable {

  static final String PASSWORD = "s3cret-pass";
  private static final Pattern TEST_HOST = Pattern.compile("10\\.0\\.0\\.([1-9][0-9]?)");
  private static final int REPLY_MILLIS = 8_000;
  private static final int CONNECT_MILLIS = 2_000;
  private static final long RECONNECT_SECONDS = 120;
  private static final long RETRY_PAUSE_MILLIS = 200;
  private static final long PING_MILLIS = 2_000;
  private static final long FINISH_SECONDS = 90;
  private static final int SYNC_PAGE = 1000;

  private final List<String> coordinators;
  private final String prefix;
  private final long periodMillis;
  private final List<Pair> pairs = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
  private final AtomicLong unavailable = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private volatile boolean stopping;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(CONNECT_MILLIS))
      .build();

  /** {@code pairs} sender/recipient pairs, sender regions alternating bj/sh, recipients mostly in the other. */
  ChatTraffic(List<String> coordinators, String prefix, int pairCount, long periodMillis) {
    this.coordinators = coordinators;
    this.prefix = prefix;
    this.periodMillis = periodMillis;
    for (int i = 0; i < pairCount; i++) {
      String from = i % 2 == 0 ? "bj" : "sh";
      String to = i % 3 == 2 ? from : (from.equals("bj") ? "sh" : "bj");
      pairs.add(new Pair(new User(prefix + "s" + i, from), new User(prefix + "r" + i, to)));
    }
  }

  /** Registers every user, connects them and starts sending. */
  void start() throws Exception {
    for (Pair pair : pairs) {
      for (User user : List.of(pair.sender, pair.recipient)) {
        user.register();
        user.ensureConnected(deadline(RECONNECT_SECONDS));
      }
    }
    for (Pair pair : pairs) {
      threads.add(daemon("sender-" + pair.sender.name, () -> sendLoop(pair)));
      threads.add(daemon("recipient-" + pair.recipient.name, () -> readLoop(pair.recipient)));
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Stops sending: every sender finishes (acknowledged or given up) the SEND it has under way. */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(FINISH_SECONDS + 10));
    }
  }

  /**
   * The longest time any sender went without an acknowledged SEND from {@code faultAt} on (from the fault, or from
   * its last acknowledgement after it, to its next one): the takeover as the worst-placed client sees it. Steady
   * traffic alone gives about the send period. -1 when a sender had no acknowledgement after the fault at all.
   */
  long sendTakeoverMillis(long faultAt) {
    long worst = 0;
    for (Pair pair : pairs) {
      long from = faultAt;
      boolean any = false;
      for (Ack ack : pair.acks) {
        if (ack.ackedAt() > faultAt) {
          worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(ack.ackedAt() - from));
          from = ack.ackedAt();
          any = true;
        }
      }
      if (!any) {
        return -1;
      }
    }
    return worst;
  }

  /** How many of the users are connected to each gateway now. */
  Map<String, Integer> placement() {
    Map<String, Integer> placed = new java.util.TreeMap<>();
    for (Pair pair : pairs) {
      for (User user : List.of(pair.sender, pair.recipient)) {
        placed.merge(String.valueOf(user.gatewayNode), 1, Integer::sum);
      }
    }
    return placed;
  }

  int acknowledged() {
    return pairs.stream().mapToInt(p -> p.acks.size()).sum();
  }

  long unavailable() {
    return unavailable.get();
  }

  long retries() {
    return retries.get();
  }

  long reconnects() {
    return reconnects.get();
  }

  List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  /** What a check of the inboxes found: counts, and each problem in words. */
  record Verdict(int acked, int lost, int duplicated, int outOfOrder, int gaps, List<String> problems) {
    boolean clean() {
      return problems.isEmpty();
    }
  }

  /**
   * Every recipient SYNCs its whole inbox: every acknowledged message there exactly once (and with its text), each
   * sender's in the order acknowledged, seqs 1..n without a gap, no id twice.
   */
  Verdict verify() throws Exception {
    int lost = 0;
    int duplicated = 0;
    int outOfOrder = 0;
    int gaps = 0;
    int acked = 0;
    List<String> problems = new ArrayList<>();
    for (Pair pair : pairs) {
      List<JsonObject> inbox = pair.recipient.syncAll();
      Map<String, List<JsonObject>> byMsg = new HashMap<>();
      Map<String, Integer> byText = new HashMap<>();
      for (int i = 0; i < inbox.size(); i++) {
        JsonObject item = inbox.get(i);
        if (item.getLong("seq") != i + 1) {
          gaps++;
          problems.add(pair.recipient.address() + ": item " + (i + 1) + " has seq " + item.getLong("seq"));
        }
        byMsg.computeIfAbsent(item.getString("msg"), m -> new ArrayList<>()).add(item);
        byText.merge(item.getString("text"), 1, Integer::sum);
      }
      for (Map.Entry<String, Integer> text : byText.entrySet()) {
        if (text.getValue() > 1) {
          duplicated += text.getValue() - 1;
          problems.add(pair.recipient.address() + ": id " + text.getKey() + " stored " + text.getValue() + " times");
        }
      }
      long lastSeq = 0;
      for (Ack ack : pair.acks) {
        acked++;
        List<JsonObject> found = byMsg.getOrDefault(ack.msg(), List.of());
        if (found.isEmpty()) {
          lost++;
          problems.add(pair.recipient.address() + ": acknowledged " + ack.id() + " (" + ack.msg() + ") is missing");
          continue;
        }
        JsonObject item = found.get(0);
        if (!ack.id().equals(item.getString("text")) || !pair.sender.address().equals(item.getString("from"))) {
          problems.add(pair.recipient.address() + ": " + ack.msg() + " is " + item.encode() + ", not " + ack.id());
        }
        if (item.getLong("seq") < lastSeq) {
          outOfOrder++;
          problems.add(pair.recipient.address() + ": " + ack.id() + " at seq " + item.getLong("seq")
              + ", before an earlier acknowledged one at " + lastSeq);
        }
        lastSeq = Math.max(lastSeq, item.getLong("seq"));
      }
    }
    return new Verdict(acked, lost, duplicated, outOfOrder, gaps, problems);
  }

  /**
   * WHO tells the truth, within {@code seconds}: every connected user online in its gateway's region; then every
   * sender QUITs and shows offline. Returns the problems left at the deadline (none: empty), and the ms it took.
   */
  WhoResult checkWho(long seconds) throws Exception {
    long begun = System.nanoTime();
    long deadline = deadline(seconds);
    List<User> users = new ArrayList<>();
    for (Pair pair : pairs) {
      users.add(pair.sender);
      users.add(pair.recipient);
    }
    for (User user : users) {
      user.ping(deadline);
    }
    User asker = pairs.get(0).recipient;
    List<String> wrong = whoMismatches(asker, users, true, deadline);
    if (!wrong.isEmpty()) {
      return new WhoResult(wrong, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
    }
    List<User> quitters = new ArrayList<>();
    for (Pair pair : pairs) {
      pair.sender.quit();
      quitters.add(pair.sender);
    }
    wrong = whoMismatches(asker, quitters, false, deadline);
    return new WhoResult(wrong, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
  }

  record WhoResult(List<String> problems, long millis) {
  }

  private List<String> whoMismatches(User asker, List<User> users, boolean online, long deadline)
      throws Exception {
    List<String> wrong = List.of();
    while (true) {
      List<String> now = new ArrayList<>();
      for (User user : users) {
        JsonObject who = asker.request(new JsonObject().put("op", "who").put("user", user.address()), deadline);
        JsonArray regions = who.getJsonArray("regions", new JsonArray());
        boolean right = online
            ? who.getBoolean("online", false) && regions.equals(new JsonArray().add(user.gatewayRegion))
            : !who.getBoolean("online", true);
        if (!right) {
          now.add(user.address() + " " + (online ? "online in " + user.gatewayRegion : "offline (quit)")
              + " but WHO says " + who.encode());
        }
      }
      wrong = now;
      if (wrong.isEmpty() || System.nanoTime() > deadline) {
        return wrong;
      }
      Thread.sleep(500);
    }
  }

  /** Every client still connected says QUIT and closes. */
  @Override
  public void close() {
    stopping = true;
    for (Pair pair : pairs) {
      pair.sender.closeQuietly();
      pair.recipient.closeQuietly();
    }
  }

  private void sendLoop(Pair pair) {
    User sender = pair.sender;
    int k = 1;
    while (!stopping) {
      String id = prefix + sender.name + "-" + k;
      JsonObject send = new JsonObject().put("op", "send").put("to", pair.recipient.address()).put("text", id)
          .put("id", id);
      long finish = Long.MAX_VALUE;
      boolean first = true;
      while (true) {
        if (stopping && finish == Long.MAX_VALUE) {
          finish = deadline(FINISH_SECONDS);
        }
        if (System.nanoTime() > finish) {
          unexpected.add(sender.name + ": gave up on " + id + " (never acknowledged)");
          return;
        }
        if (!first) {
          retries.incrementAndGet();
        }
        first = false;
        try {
          JsonObject reply = sender.request(send, Math.min(finish, deadline(RECONNECT_SECONDS)));
          if ("ok".equals(reply.getString("op"))) {
            pair.acks.add(new Ack(id, reply.getString("msg"), System.nanoTime()));
            break;
          }
          if (reply.getInteger("code", 0) == 503) {
            unavailable.incrementAndGet();
          } else {
            unexpected.add(sender.name + ": " + id + " answered " + reply.encode());
          }
          pause(RETRY_PAUSE_MILLIS);
        } catch (Moved moved) {
          // on the new gateway already: the same id again
        } catch (Exception e) {
          sender.drop();
          pause(RETRY_PAUSE_MILLIS);
        }
      }
      k++;
      pause(periodMillis);
    }
  }

  private void readLoop(User recipient) {
    while (!stopping) {
      try {
        recipient.ping(deadline(RECONNECT_SECONDS));
      } catch (Exception e) {
        recipient.drop();
      }
      pause(PING_MILLIS);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long deadline(long seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  /** A coordinator's dispatch for a region: host and port, or null (no answer, no live gateway). */
  static InetSocketAddress dispatch(String coordinator, String region) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
              URI.create(coordinator + "/api/dispatch?region=" + region)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return null;
      }
      JsonObject body = new JsonObject(response.body());
      String host = body.getString("host");
      if (!TEST_HOST.matcher(host).matches()) {
        throw new IllegalStateException("refusing to connect to " + host + ": not a test host");
      }
      return InetSocketAddress.createUnresolved(host + "|" + body.getString("node"), body.getInteger("port"));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  record Ack(String id, String msg, long ackedAt) {
  }

  private static final class Pair {
    final User sender;
    final User recipient;
    final List<Ack> acks = new CopyOnWriteArrayList<>();

    Pair(User sender, User recipient) {
      this.sender = sender;
      this.recipient = recipient;
    }
  }

  /** A client of one user: at most one connection at a time, rebuilt as a careful client would. */
  private final class User {
    final String name;
    final String region;
    private final AtomicInteger ids = new AtomicInteger();
    private String token;
    private Conn conn;
    volatile String gatewayRegion;
    volatile String gatewayNode;

    User(String name, String region) {
      this.name = name;
      this.region = region;
    }

    String address() {
      return name + "@" + region;
    }

    void register() throws Exception {
      long deadline = deadline(RECONNECT_SECONDS);
      while (true) {
        try (Conn c = connectDispatched(region, deadline)) {
          JsonObject reply = c.request(new JsonObject().put("op", "register").put("name", name)
              .put("password", PASSWORD).put("id", "r"), REPLY_MILLIS);
          if ("ok".equals(reply.getString("op")) || reply.getInteger("code", 0) == 409) {
            return;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cannot register " + name + ": " + reply.encode());
          }
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
        pause(RETRY_PAUSE_MILLIS);
      }
    }

    /** A request on this user's connection (made first if need be); its final reply. */
    synchronized JsonObject request(JsonObject request, long deadline) throws Exception {
      ensureConnected(deadline);
      JsonObject withId = request.copy();
      if (!withId.containsKey("id")) {
        withId.put("id", "q" + ids.incrementAndGet());
      }
      try {
        return conn.request(withId, REPLY_MILLIS);
      } catch (Moved moved) {
        drop();
        connectTo(moved.to, deadline);
        throw moved;
      }
    }

    synchronized void ping(long deadline) throws Exception {
      JsonObject pong = request(new JsonObject().put("op", "ping").put("data", "x"), deadline);
      if (!"pong".equals(pong.getString("op"))) {
        throw new IOException("PING answered " + pong.encode());
      }
    }

    synchronized void quit() {
      if (conn != null) {
        try {
          conn.request(new JsonObject().put("op", "quit").put("id", "quit"), REPLY_MILLIS);
        } catch (Exception e) {
          // gone already: offline all the same
        }
        drop();
      }
    }

    synchronized void drop() {
      if (conn != null) {
        conn.close();
        conn = null;
      }
    }

    synchronized void closeQuietly() {
      drop();
    }

    synchronized void ensureConnected(long deadline) throws Exception {
      while (conn == null) {
        if (System.nanoTime() > deadline) {
          throw new IOException(name + ": no gateway would take me");
        }
        try {
          Conn c = connectDispatched(region, deadline);
          if (login(c)) {
            return;
          }
        } catch (IOException e) {
          // try again
        }
        pause(RETRY_PAUSE_MILLIS);
      }
    }

    private void connectTo(InetSocketAddress to, long deadline) throws Exception {
      try {
        login(new Conn(to));
      } catch (IOException e) {
        ensureConnected(deadline);
      }
    }

    /** RESUME with the token, else LOGIN; true when logged in (and {@code c} is this user's connection). */
    private boolean login(Conn c) throws Exception {
      reconnects.incrementAndGet();
      JsonObject reply = null;
      if (token != null) {
        reply = c.request(new JsonObject().put("op", "resume").put("token", token).put("id", "l"), REPLY_MILLIS);
        if (reply.getInteger("code", 0) == 401) {
          token = null;
        }
      }
      if (token == null) {
        reply = c.request(new JsonObject().put("op", "login").put("user", address()).put("password", PASSWORD)
            .put("id", "l"), REPLY_MILLIS);
      }
      if (!"ok".equals(reply.getString("op"))) {
        c.close();
        return false;
      }
      token = reply.getString("token");
      conn = c;
      gatewayRegion = c.region;
      gatewayNode = c.node;
      return true;
    }

    /** Dispatch through either coordinator, for the region (else the other one), and connect. */
    private Conn connectDispatched(String wanted, long deadline) throws IOException {
      IOException last = new IOException("no dispatch");
      for (int round = 0; System.nanoTime() < deadline; round++) {
        for (String r : List.of(wanted, wanted.equals("bj") ? "sh" : "bj")) {
          for (int i = 0; i < coordinators.size(); i++) {
            InetSocketAddress to = dispatch(coordinators.get((round + i) % coordinators.size()), r);
            if (to == null) {
              continue;
            }
            try {
              return new Conn(to);
            } catch (IOException e) {
              last = e;
            }
          }
        }
        pause(RETRY_PAUSE_MILLIS);
      }
      throw last;
    }

    /** The whole inbox, SYNCed in pages from seq 0. */
    List<JsonObject> syncAll() throws Exception {
      List<JsonObject> all = new ArrayList<>();
      long deadline = deadline(RECONNECT_SECONDS);
      ping(deadline); // pushes still unread come before its PONG, so none is taken for a SYNC item
      while (true) {
        long after = all.isEmpty() ? 0 : all.get(all.size() - 1).getLong("seq");
        List<JsonObject> page = syncPage(after, deadline);
        all.addAll(page);
        if (page.size() < SYNC_PAGE) {
          return all;
        }
      }
    }

    private synchronized List<JsonObject> syncPage(long after, long deadline) throws Exception {
      while (true) {
        ensureConnected(deadline);
        try {
          List<JsonObject> items = new ArrayList<>();
          JsonObject reply = conn.stream(new JsonObject().put("op", "sync").put("after", after)
              .put("limit", SYNC_PAGE).put("id", "s" + ids.incrementAndGet()), items);
          if ("ok".equals(reply.getString("op"))) {
            return items;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(name + ": SYNC answered " + reply.encode());
          }
        } catch (IOException e) {
          drop();
        }
        pause(RETRY_PAUSE_MILLIS);
      }
    }
  }

  /** RECONNECT: go to that gateway. */
  private static final class Moved extends IOException {
    final InetSocketAddress to;

    Moved(InetSocketAddress to) {
      super("RECONNECT " + to);
      this.to = to;
    }
  }

  /** One connection to a gateway. */
  private static final class Conn implements AutoCloseable {
    final Socket socket = new Socket();
    final BufferedReader in;
    final OutputStream out;
    final String region;
    final String node;

    /** {@code to}: an unresolved "host|node" from {@link #dispatch}, or a RECONNECT's host. */
    Conn(InetSocketAddress to) throws IOException {
      String host = to.getHostString().split("\\|")[0];
      if (!TEST_HOST.matcher(host).matches()) {
        throw new IllegalStateException("refusing to connect to " + host + ": not a test host");
      }
      try {
        socket.connect(new InetSocketAddress(host, to.getPort()), CONNECT_MILLIS);
        socket.setSoTimeout(REPLY_MILLIS);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        String hello = in.readLine();
        String[] words = hello == null ? new String[0] : hello.split(" ");
        if (words.length != 4 || !words[0].equals("HELLO")) {
          throw new IOException("no HELLO from " + host + ": " + hello);
        }
        region = words[2];
        node = words[3];
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    }

    JsonObject request(JsonObject request, int millis) throws IOException {
      return stream(request, null, millis);
    }

    JsonObject stream(JsonObject request, List<JsonObject> items) throws IOException {
      return stream(request, items, REPLY_MILLIS);
    }

    /** Sends the request; reads until its final reply (same id), collecting msg items, following pushes. */
    private JsonObject stream(JsonObject request, List<JsonObject> items, int millis) throws IOException {
      out.write((request.encode() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      String id = request.getString("id");
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new SocketTimeoutException("no reply to " + request.getString("op") + " in " + millis + " ms");
        }
        socket.setSoTimeout((int) left);
        String line = in.readLine();
        if (line == null) {
          throw new IOException("connection closed");
        }
        if (!line.startsWith("{")) {
          continue; // a text push before our first JSON request
        }
        JsonObject frame = new JsonObject(line);
        String op = frame.getString("op", "");
        switch (op) {
          case "reconnect" -> throw new Moved(InetSocketAddress.createUnresolved(frame.getString("host"),
              frame.getInteger("port")));
          case "bye" -> throw new IOException("BYE " + frame.getString("reason"));
          case "msg" -> {
            if (items != null && id.equals(frame.getString("id", id))) {
              items.add(frame);
            }
          }
          case "ok", "err", "pong" -> {
            if (id.equals(frame.getString("id"))) {
              return frame;
            }
          }
          default -> {
            // sent, notice, a late reply to an abandoned request: not ours
          }
        }
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
