package io.clusterchat.gateway.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the gateway's PEM certificate and key for a change (modification time or size, checked without blocking
 * at a fixed interval) and then has them reloaded: new TLS connections get the new certificate, connections already
 * open keep theirs. A pair that does not load (a key that does not match yet, a file being written) keeps the old
 * one in force and is tried again at the next check.
 */
final class TlsFiles {

  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  private final Vertx vertx;
  private final String cert;
  private final String key;
  private String loaded;
  private long timer = -1;
  private boolean checking;

  TlsFiles(Vertx vertx, String cert, String key) {
    this.vertx = vertx;
    this.cert = cert;
    this.key = key;
  }

  /** Notes the files' present state (what the servers loaded at start), then checks every {@code intervalMillis}. */
  Future<Void> watch(long intervalMillis, Supplier<Future<Void>> reload) {
    return stamp().map(now -> {
      loaded = now;
      timer = vertx.setPeriodic(intervalMillis, id -> check(reload));
      return null;
    });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void check(Supplier<Future<Void>> reload) {
    if (checking) {
      return;
    }
    checking = true;
    stamp().compose(now -> {
      if (now.equals(loaded)) {
        return Future.succeededFuture();
      }
      return reload.get().onSuccess(v -> {
        loaded = now;
        LOG.info("TLS certificate {} and key {} reloaded", cert, key);
      });
    }).onComplete(done -> {
      checking = false;
      if (done.failed()) {
        LOG.warn("TLS certificate {} or key {} changed but did not load (keeping the previous one; will retry): {}",
            cert, key, done.cause().toString());
      }
    });
  }

  /** What identifies the files' contents without reading them: modification times and sizes. */
  private Future<String> stamp() {
    Future<FileProps> certProps = vertx.fileSystem().props(cert);
    Future<FileProps> keyProps = vertx.fileSystem().props(key);
    return Future.all(certProps, keyProps).map(both -> stamp(certProps.result()) + "/" + stamp(keyProps.result()));
  }

  private static String stamp(FileProps props) {
    return props.lastModifiedTime() + ":" + props.size();
  }
}
