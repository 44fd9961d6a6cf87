package io.clusterchat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AuthOptionsTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void hasSaneDefaults() {
    AuthOptions options = new AuthOptions();

    assertThat(options.getTokenSecret()).isNull();
    assertThat(options.getTokenTtlMillis()).isEqualTo(7L * 24 * 3600 * 1000);
    assertThat(options.getHashThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(options.getUserFailureLimit()).isEqualTo(5);
    assertThat(options.getUserFailureWindowMillis()).isEqualTo(300_000);
    assertThat(options.getClientFailureLimit()).isEqualTo(20);
    assertThat(options.getClientFailureWindowMillis()).isEqualTo(300_000);
    assertThat(options.getStoreTimeoutMillis()).isEqualTo(3_000);
  }

  @Test
  void needsATokenSecretOfAtLeast32Characters() {
    assertThatThrownBy(() -> new AuthOptions().validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token secret");
    assertThatThrownBy(() -> new AuthOptions().setTokenSecret("short secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token secret must be at least 32 characters, was 12");
    assertThatThrownBy(() -> new AuthOptions().setTokenSecret(" ".repeat(40)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new AuthOptions().setTokenSecret(SECRET).validate().getTokenSecret()).isEqualTo(SECRET);
  }

  @Test
  void refusesOutOfRangeValuesWithClearMessages() {
    AuthOptions options = new AuthOptions();

    assertThatThrownBy(() -> options.setHashThreads(0)).hasMessage("hash threads must be in 1..256, was 0");
    assertThatThrownBy(() -> options.setTokenTtlMillis(10)).hasMessageContaining("token ttl");
    assertThatThrownBy(() -> options.setUserFailureLimit(0)).hasMessageContaining("user failure limit");
    assertThatThrownBy(() -> options.setClientFailureLimit(-1)).hasMessageContaining("client failure limit");
    assertThatThrownBy(() -> options.setUserFailureWindowMillis(0)).hasMessageContaining("user failure window");
    assertThatThrownBy(() -> options.setClientFailureWindowMillis(0)).hasMessageContaining("client failure window");
    assertThatThrownBy(() -> options.setStoreTimeoutMillis(0))
        .hasMessage("store timeout (ms) must be at least 10, was 0");
  }

  @Test
  void roundTripsThroughJsonAndCopies() {
    AuthOptions options = new AuthOptions()
        .setTokenSecret(SECRET)
        .setTokenTtlMillis(60_000)
        .setHashThreads(3)
        .setUserFailureLimit(7)
        .setUserFailureWindowMillis(70_000)
        .setClientFailureLimit(70)
        .setClientFailureWindowMillis(80_000)
        .setStoreTimeoutMillis(900);

    assertThat(new AuthOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new AuthOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(new AuthOptions(new JsonObject()).toJson()).isEqualTo(new AuthOptions().toJson());
  }

  @Test
  void jsonValuesAreValidatedToo() {
    assertThatThrownBy(() -> new AuthOptions(new JsonObject().put("hashThreads", 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthOptions(new JsonObject().put("tokenSecret", "short")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
