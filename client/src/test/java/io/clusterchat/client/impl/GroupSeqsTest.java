package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupSeqsTest {

  @Test
  void eachGroupCountsItsOwnSeqs() {
    GroupSeqs seen = new GroupSeqs();
    assertThat(seen.add("#a@bj", 1)).isTrue();
    assertThat(seen.add("#b@bj", 1)).isTrue();
    assertThat(seen.add("#a@bj", 1)).isFalse();
    assertThat(seen.floor("#a@bj")).isEqualTo(1);
    assertThat(seen.floor("#never@bj")).isZero();
  }

  @Test
  void theLogBeforeJoiningCountsAsSeen() {
    GroupSeqs seen = new GroupSeqs();
    seen.raiseFloor("#a@bj", 10);
    assertThat(seen.add("#a@bj", 9)).isFalse();
    assertThat(seen.add("#a@bj", 11)).isTrue();
    assertThat(seen.floor("#a@bj")).isEqualTo(11);
  }

  @Test
  void aGroupLeftIsForgotten() {
    GroupSeqs seen = new GroupSeqs();
    seen.add("#a@bj", 1);
    seen.forget("#a@bj");
    assertThat(seen.floor("#a@bj")).isZero();
    assertThat(seen.add("#a@bj", 1)).isTrue();
  }

  @Test
  void addressesAreMadeFullAsTheServerWritesThem() {
    assertThat(GroupSeqs.canonical("#Team", "bj")).isEqualTo("#team@bj");
    assertThat(GroupSeqs.canonical("team@SH", "bj")).isEqualTo("#team@sh");
    assertThat(GroupSeqs.canonical("#bad name", "bj")).isEqualTo("#bad name");
  }
}
