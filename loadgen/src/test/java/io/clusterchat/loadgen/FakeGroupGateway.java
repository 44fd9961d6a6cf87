package io.clusterchat.loadgen;

import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A stand-in for a gateway with groups, for the group mode's own tests until the real one has them: the text
 * spelling of REGISTER, LOGIN, RESUME, PING, CREATE, JOIN and SEND to a group, with GEVENT and GMSG pushed (through the
 * protocol's own {@link ServerFrame}) to every other member's connection. One region, no persistence, no checks
 * beyond what the mode needs. {@link #dropPush} and {@link #repeatPush} make it lose or repeat chosen pushes.
 */
final class FakeGroupGateway {

  static final String REGION = "bj";

  /** Members by address: a member's pushes go to every live session of its user. */
  private final Map<String, Set<String>> membersByGroup = new HashMap<>();
  private final Map<String, List<NetSocket>> sessionsOf = new HashMap<>();
  private final Map<String, Long> latestByGroup = new HashMap<>();
  private final Map<NetSocket, String> addressOf = new HashMap<>();
  private NetServer server;
  private long nextMessage;
  /** (member address, seq): true to leave that GMSG push out. */
  volatile BiPredicate<String, Long> dropPush = (member, seq) -> false;
  /** (member address, seq): true to push that GMSG twice. */
  volatile BiPredicate<String, Long> repeatPush = (member, seq) -> false;

  Future<Integer> start(Vertx vertx) {
    server = vertx.createNetServer().connectHandler(this::accept);
    return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
  }

  Future<Void> stop() {
    return server.close();
  }

  private void accept(NetSocket socket) {
    socket.write(ServerFrame.hello(REGION, "fake-1").text() + "\n");
    socket.handler(RecordParser.newDelimited("\n", line -> onLine(socket, line.toString().strip())));
    socket.closeHandler(v -> closed(socket));
  }

  private synchronized void closed(NetSocket socket) {
    String address = addressOf.remove(socket);
    if (address != null) {
      sessionsOf.get(address).remove(socket);
    }
  }

  private void loggedIn(NetSocket socket, String address) {
    addressOf.put(socket, address);
    sessionsOf.computeIfAbsent(address, a -> new ArrayList<>()).add(socket);
  }

  private synchronized void onLine(NetSocket socket, String line) {
    String[] words = line.split(" ", 3);
    switch (words[0]) {
      case "REGISTER" -> reply(socket, "OK REGISTER " + words[1] + "@" + REGION);
      case "LOGIN" -> {
        loggedIn(socket, words[1] + "@" + REGION);
        reply(socket, "OK LOGIN " + words[1] + "@" + REGION + " token-" + words[1] + " 0 0");
      }
      case "RESUME" -> {
        String name = words[1].substring("token-".length());
        loggedIn(socket, name + "@" + REGION);
        reply(socket, "OK RESUME " + name + "@" + REGION + " " + words[1] + " 0 0");
      }
      case "PING" -> reply(socket, "PONG");
      case "CREATE" -> create(socket, words[1] + "@" + REGION);
      case "JOIN" -> join(socket, words[1]);
      case "SEND" -> send(socket, words[1], words[2]);
      default -> reply(socket, "ERR 400 unknown command");
    }
  }

  private void create(NetSocket socket, String group) {
    membersByGroup.put(group, new LinkedHashSet<>(List.of(addressOf.get(socket))));
    latestByGroup.put(group, 1L);
    reply(socket, "OK CREATE " + group);
  }

  private void join(NetSocket socket, String group) {
    Set<String> members = membersByGroup.get(group);
    if (members == null) {
      reply(socket, "ERR 404 no such group");
      return;
    }
    long seq = latestByGroup.merge(group, 1L, Long::sum);
    String user = addressOf.get(socket);
    String push = ServerFrame.gevent(group, seq, System.currentTimeMillis(), "join", user, user).text();
    members.forEach(member -> sessionsOf.get(member).forEach(session -> reply(session, push)));
    members.add(user);
    reply(socket, "OK JOIN " + group + " " + seq);
  }

  private void send(NetSocket socket, String group, String text) {
    long seq = latestByGroup.merge(group, 1L, Long::sum);
    long ts = System.currentTimeMillis();
    String msg = "m" + (++nextMessage);
    reply(socket, "OK SEND " + msg + " " + ts);
    String push = ServerFrame.gmsg(group, seq, msg, addressOf.get(socket), ts, text).text();
    for (String member : membersByGroup.get(group)) {
      for (NetSocket session : sessionsOf.get(member)) {
        if (session == socket || dropPush.test(member, seq)) {
          continue;
        }
        reply(session, push);
        if (repeatPush.test(member, seq)) {
          reply(session, push);
        }
      }
    }
  }

  private static void reply(NetSocket socket, String line) {
    socket.write(line + "\n");
  }
}
