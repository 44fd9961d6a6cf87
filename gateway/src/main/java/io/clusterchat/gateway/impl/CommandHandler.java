package io.clusterchat.gateway.impl;

import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;

/**
 * Answers one kind of request. The returned future's frame is the final reply, sent in the request's spelling
 * with its id; streamed items (MSG, HIST) are written on the connection before it completes. A failed future is
 * turned into {@code ERR} once, by {@link Failures}.
 */
@FunctionalInterface
interface CommandHandler {

  Future<ServerFrame> handle(ClientConnection connection, Request request);
}
