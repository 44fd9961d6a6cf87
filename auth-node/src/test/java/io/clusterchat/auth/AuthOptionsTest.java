package io.clusterchat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthOptionsTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final String OTHER = "another secret: 0123456789abcdef0123";

  @Test
  void hasSaneDefaults() {
    AuthOptions options = new AuthOptions();

    assertThat(options.getTokenKeys()).isNull();
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
    assertThat(new AuthOptions().setTokenSecret(SECRET).validate().getTokenKeys())
        .containsExactly(new TokenKey("default", SECRET));
  }

  @Test
  void takesTokenKeysInOrderTheFirstSigning() {
    List<TokenKey> keys = TokenKey.parseList("2026-12=" + SECRET + "==,2026-06=" + OTHER);

    assertThat(keys).containsExactly(new TokenKey("2026-12", SECRET + "=="), new TokenKey("2026-06", OTHER));
    assertThat(new AuthOptions().setTokenKeys(keys).validate().getTokenKeys()).isEqualTo(keys);
  }

  @Test
  void refusesBadTokenKeysWithClearMessagesThatNeverShowASecret() {
    AuthOptions options = new AuthOptions();

    assertThatThrownBy(() -> options.setTokenKeys(List.of()))
        .hasMessage("token keys must name at least one key");
    assertThatThrownBy(() -> options.setTokenKeys(List.of(new TokenKey("a", SECRET), new TokenKey("a", OTHER))))
        .hasMessage("token key id 'a' is given twice");
    assertThatThrownBy(() -> options.setTokenKeys(Collections.nCopies(17, new TokenKey("a", SECRET))))
        .hasMessage("token keys must be at most 16, were 17");
    assertThatThrownBy(() -> new TokenKey("bad id", SECRET))
        .hasMessage("token key id must match [A-Za-z0-9][A-Za-z0-9._-]{0,31}, was 'bad id'");
    assertThatThrownBy(() -> new TokenKey("-x", SECRET)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenKey("x".repeat(33), SECRET)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenKey.parseList("2026-12=short secret"))
        .hasMessage("token secret of key '2026-12' must be at least 32 characters, was 12");
    assertThatThrownBy(() -> TokenKey.parseList(SECRET))
        .hasMessage("token key 1 must be written id=secret");
    assertThatThrownBy(() -> TokenKey.parseList("a=" + SECRET + ",")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenKey.parseList("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new TokenKey("a", SECRET).toString()).doesNotContain(SECRET);
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
    assertThatThrownBy(() -> options.setHashMemoryKib(7)).hasMessage("hash memory (KiB) must be in 8..262144, was 7");
    assertThatThrownBy(() -> options.setHashMemoryKib((1 << 18) + 1)).hasMessageContaining("8..262144");
    assertThatThrownBy(() -> options.setHashIterations(65)).hasMessage("hash iterations must be in 1..64, was 65");
    assertThat(options.setHashMemoryKib(1 << 18).getHashMemoryKib()).isEqualTo(1 << 18);
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
  void tokenKeysRoundTripThroughJsonAndTheOldTokenSecretStillReads() {
    AuthOptions options = new AuthOptions().setTokenKeys(TokenKey.parseList("new=" + OTHER + ",old=" + SECRET));

    assertThat(new AuthOptions(options.toJson()).getTokenKeys()).isEqualTo(options.getTokenKeys());
    assertThat(new AuthOptions(new JsonObject().put("tokenSecret", SECRET)).getTokenKeys())
        .containsExactly(TokenKey.ofSecret(SECRET));
    assertThatThrownBy(() -> new AuthOptions(options.toJson().put("tokenSecret", SECRET)))
        .hasMessage("give token keys or a token secret, not both");
    assertThatThrownBy(() -> new AuthOptions(new JsonObject().put("tokenKeys", new JsonArray().add("x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonValuesAreValidatedToo() {
    assertThatThrownBy(() -> new AuthOptions(new JsonObject().put("hashThreads", 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthOptions(new JsonObject().put("tokenSecret", "short")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
