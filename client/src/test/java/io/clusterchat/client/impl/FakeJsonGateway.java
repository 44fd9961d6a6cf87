package io.clusterchat.client.impl;

import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A scripted gateway for the client's own tests: it greets with HELLO, answers each JSON request with the frames
 * the test scripted for its {@code op} (items and pushes first, the final reply last; the request's id is put on
 * the final reply), remembers the requests, and lets the test push frames or drop the connection. Frames are built
 * with the protocol's {@link ServerFrame}, as the real gateway builds them.
 */
final class FakeJsonGateway {

  private final BlockingQueue<JsonObject> requests = new LinkedBlockingQueue<>();
  private final Map<String, Function<JsonObject, List<JsonObject>>> answers = new ConcurrentHashMap<>();
  private NetServer server;
  private volatile NetSocket current;

  Future<Integer> start(Vertx vertx) {
    answer("ping", request -> List.of(new JsonObject().put("op", "pong")));
    answer("quit", request -> List.of(ok()));
    server = vertx.createNetServer().connectHandler(socket -> {
      current = socket;
      socket.write(ServerFrame.hello("bj", "fake-gw").text() + "\n");
      socket.handler(RecordParser.newDelimited("\n", line -> onRequest(socket, new JsonObject(line.toString()))));
    });
    return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
  }

  /** How to answer requests of {@code op}: the frames to write, the final reply last. */
  void answer(String op, Function<JsonObject, List<JsonObject>> frames) {
    answers.put(op, frames);
  }

  /** The requests received, in order. */
  BlockingQueue<JsonObject> requests() {
    return requests;
  }

  void push(JsonObject frame) {
    current.write(frame.encode() + "\n");
  }

  /** Closes the current connection, as a gateway that went away. */
  void drop() {
    current.close();
  }

  static JsonObject ok() {
    return new JsonObject().put("op", "ok");
  }

  private void onRequest(NetSocket socket, JsonObject request) {
    requests.add(request);
    if ("ping".equals(request.getString("op"))) {
      // Heartbeats are not part of any script.
      requests.remove(request);
    }
    Function<JsonObject, List<JsonObject>> answer = answers.get(request.getString("op"));
    List<JsonObject> frames = answer == null
        ? List.of(new JsonObject().put("op", "err").put("code", 400).put("error", "unknown command"))
        : answer.apply(request);
    for (int i = 0; i < frames.size(); i++) {
      JsonObject frame = frames.get(i).copy();
      if (i == frames.size() - 1) {
        frame.put("id", request.getString("id"));
      }
      socket.write(frame.encode() + "\n");
    }
  }
}
