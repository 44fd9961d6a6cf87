package io.clusterchat.gateway.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which gateway nodes hold a user's sessions, as this gateway last looked them up: a push then costs no
 * {@code session.lookup}. Bounded in size, and every entry expires after {@link #TTL}.
 *
 * <p>A push must reach every session that was bound before its message was stored (PROTOCOL.md: "pushed as soon
 * as it is stored"). A gateway that binds a session therefore tells every gateway ({@link SessionSync#bind}),
 * and waits for their answers before it reads the inbox cursor for {@code OK LOGIN}; each drops the user's entry
 * ({@link #changed}). A lookup already on its way may still bring the old sessions back: so a lookup's answer is
 * kept only if no change of that user (nor a {@link #clear}) came since the lookup started ({@link Stamp}).
 * A stale entry that only names a session that has ended costs a push the other gateway ignores.
 */
final class SessionCache {

  /** How long an entry is trusted at most: the bound on staleness should a change notice be lost. */
  static final Duration TTL = Duration.ofSeconds(30);
  /** Change counters, each shared by the users whose names hash alike (a change of one refuses all their lookups). */
  private static final int STRIPES = 1024;

  /** Null when the cache is off (size 0): every push looks up. */
  private final Cache<String, List<String>> cache;
  private final AtomicLongArray changes = new AtomicLongArray(STRIPES);
  private final AtomicLong clears = new AtomicLong();

  /** @param maxEntries users kept at most; 0 turns the cache off */
  SessionCache(int maxEntries) {
    this.cache = maxEntries == 0 ? null
        : Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(TTL).build();
  }

  /** The gateways holding {@code user}'s sessions (empty: offline), or null when it must be looked up. */
  List<String> get(String user) {
    return cache == null ? null : cache.getIfPresent(user);
  }

  /** Taken before a lookup starts, handed to {@link #put} with its answer. */
  Stamp stamp(String user) {
    return new Stamp(clears.get(), changes.get(stripe(user)));
  }

  /** Keeps a lookup's answer, unless the user's sessions changed (or the cache was cleared) since its stamp. */
  void put(String user, List<String> gateways, Stamp stamp) {
    if (cache == null) {
      return;
    }
    int stripe = stripe(user);
    // compute: a change of the same user runs either wholly before (then the stamp is stale) or after (then it drops
    // this entry).
    cache.asMap().compute(user, (key, old) ->
        stamp.clears == clears.get() && stamp.changes == changes.get(stripe) ? List.copyOf(gateways) : old);
  }

  /** {@code user}'s sessions changed somewhere: forget them, and refuse answers of lookups that started before. */
  void changed(String user) {
    if (cache == null) {
      return;
    }
    int stripe = stripe(user);
    cache.asMap().compute(user, (key, old) -> {
      changes.incrementAndGet(stripe);
      return null;
    });
  }

  /** Forgets everything: the cluster changed (a node left, a merge), and sessions may have moved without binds. */
  void clear() {
    if (cache == null) {
      return;
    }
    clears.incrementAndGet();
    cache.invalidateAll();
  }

  /** Entries held now (an estimate). */
  long size() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  private static int stripe(String user) {
    return Math.floorMod(user.hashCode(), STRIPES);
  }

  /** The change counters a lookup started from. */
  record Stamp(long clears, long changes) {
  }
}
