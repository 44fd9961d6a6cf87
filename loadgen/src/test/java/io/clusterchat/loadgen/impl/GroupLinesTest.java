package io.clusterchat.loadgen.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

class GroupLinesTest {

  @Test
  void readsWhatItWroteThroughTheServersGmsg() {
    String text = GroupLines.text(123_456_789_012L, 7, 42, "xxxx");
    String line = ServerFrame.gmsg("#lgab1-0@bj", 19, "m-19", "lgu3@bj", 1_790_000_000_000L, text).text();
    assertThat(GroupLines.parse(line))
        .isEqualTo(new GroupLines.GroupMessage("#lgab1-0@bj", 19, 123_456_789_012L, 7, 42));
  }

  @Test
  void aTextWithoutPaddingStillParses() {
    String line = ServerFrame.gmsg("#g@bj", 2, "m", "a@bj", 1L, "5 0 1").text();
    assertThat(GroupLines.parse(line)).isEqualTo(new GroupLines.GroupMessage("#g@bj", 2, 5, 0, 1));
  }

  @Test
  void otherLinesAreNotMessagesOfTheRun() {
    assertThat(GroupLines.parse("GEVENT #g@bj 2 1 join a@bj a@bj")).isNull();
    assertThat(GroupLines.parse("GMSG #g@bj 2 m a@bj 1 hello there")).isNull();
    assertThat(GroupLines.parse("GMSG #g@bj 2 m a@bj")).isNull();
    assertThat(GroupLines.parse("GMSG #g@bj x m a@bj 1 5 0 1")).isNull();
  }
}
