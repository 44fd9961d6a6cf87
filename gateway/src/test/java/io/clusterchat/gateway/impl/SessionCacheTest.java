package io.clusterchat.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionCacheTest {

  @Test
  void keepsALookupsAnswer() {
    SessionCache cache = new SessionCache(10);
    assertThat(cache.get("a@bj")).isNull();
    cache.put("a@bj", List.of("gw-bj-1"), cache.stamp("a@bj"));
    assertThat(cache.get("a@bj")).containsExactly("gw-bj-1");
    cache.put("b@bj", List.of(), cache.stamp("b@bj"));
    assertThat(cache.get("b@bj")).as("offline is an answer too").isEmpty();
  }

  @Test
  void aChangeDropsTheEntryAndTheAnswersOfLookupsStartedBeforeIt() {
    SessionCache cache = new SessionCache(10);
    cache.put("a@bj", List.of("gw-bj-1"), cache.stamp("a@bj"));
    SessionCache.Stamp before = cache.stamp("a@bj");
    cache.changed("a@bj");
    assertThat(cache.get("a@bj")).isNull();
    cache.put("a@bj", List.of(), before);
    assertThat(cache.get("a@bj")).as("an answer from before the bind").isNull();
    cache.put("a@bj", List.of("gw-sh-1"), cache.stamp("a@bj"));
    assertThat(cache.get("a@bj")).containsExactly("gw-sh-1");
  }

  @Test
  void aClearDropsEverythingAndTheAnswersOfLookupsStartedBeforeIt() {
    SessionCache cache = new SessionCache(10);
    cache.put("a@bj", List.of("gw-bj-1"), cache.stamp("a@bj"));
    SessionCache.Stamp before = cache.stamp("b@bj");
    cache.clear();
    assertThat(cache.get("a@bj")).isNull();
    cache.put("b@bj", List.of("gw-bj-2"), before);
    assertThat(cache.get("b@bj")).isNull();
  }

  @Test
  void sizeZeroKeepsNothing() {
    SessionCache cache = new SessionCache(0);
    cache.put("a@bj", List.of("gw-bj-1"), cache.stamp("a@bj"));
    assertThat(cache.get("a@bj")).isNull();
  }
}
