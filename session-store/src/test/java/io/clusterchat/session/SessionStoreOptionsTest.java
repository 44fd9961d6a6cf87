package io.clusterchat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SessionStoreOptionsTest {

  @Test
  void defaults() {
    SessionStoreOptions options = new SessionStoreOptions();
    assertThat(options.getSweepIntervalMillis()).isEqualTo(SessionStoreOptions.DEFAULT_SWEEP_INTERVAL_MILLIS);
    assertThat(options.getMaxSessionsPerUser()).isEqualTo(SessionStoreOptions.DEFAULT_MAX_SESSIONS_PER_USER);
  }

  @Test
  void jsonAndCopyRoundTrip() {
    SessionStoreOptions options = new SessionStoreOptions().setSweepIntervalMillis(5_000).setMaxSessionsPerUser(8);
    assertThat(new SessionStoreOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new SessionStoreOptions(options).getMaxSessionsPerUser()).isEqualTo(8);
    assertThat(new SessionStoreOptions(new JsonObject()).toJson()).isEqualTo(new SessionStoreOptions().toJson());
  }

  @Test
  void badValuesFailWithAClearMessage() {
    assertThatThrownBy(() -> new SessionStoreOptions().setSweepIntervalMillis(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sweep interval");
    assertThatThrownBy(() -> new SessionStoreOptions().setMaxSessionsPerUser(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max sessions per user");
    assertThatThrownBy(() -> new SessionStoreOptions(new JsonObject().put("maxSessionsPerUser", 1_000_000)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
