package io.clusterchat.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PersistenceOptionsTest {

  @Test
  void defaultsAreTheEmbeddedH2DatabaseUnderTheDataDirectory() {
    PersistenceOptions options = new PersistenceOptions();
    assertThat(options.getJdbcUrl()).isNull();
    assertThat(options.getDataDir()).isEqualTo(PersistenceOptions.DEFAULT_DATA_DIR);
    assertThat(options.getBatchMaxSize()).isEqualTo(PersistenceOptions.DEFAULT_BATCH_MAX_SIZE);
    assertThat(options.getBatchMaxDelayMillis()).isEqualTo(PersistenceOptions.DEFAULT_BATCH_MAX_DELAY_MILLIS);
    String expectedFile = Path.of("data").toAbsolutePath().resolve("clusterchat").toString();
    assertThat(options.effectiveJdbcUrl())
        .isEqualTo("jdbc:h2:file:" + expectedFile + ";DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void jsonRoundTripAndCopyKeepEverySetting() {
    PersistenceOptions options = new PersistenceOptions()
        .setJdbcUrl("jdbc:postgresql://db:5432/chat")
        .setDataDir("/var/lib/clusterchat")
        .setDbUser("chat")
        .setDbPassword("secret")
        .setPoolSize(4)
        .setBatchMaxSize(64)
        .setBatchMaxDelayMillis(5)
        .setMaxPendingAppends(1000)
        .setConnectTimeoutMillis(750)
        .setMaxGroupMembers(50);
    assertThat(options.toJson().getInteger("maxGroupMembers")).isEqualTo(50);
    assertThat(new PersistenceOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new PersistenceOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(new PersistenceOptions(new JsonObject()).toJson()).isEqualTo(new PersistenceOptions().toJson());
  }

  @Test
  void badSettingsAreRefusedWithAClearMessage() {
    PersistenceOptions options = new PersistenceOptions();
    assertThatThrownBy(() -> options.setJdbcUrl("jdbc:mysql://db/chat"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> options.setBatchMaxSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("batch max size must be in 1..65536, was 0");
    assertThatThrownBy(() -> options.setBatchMaxDelayMillis(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch max delay");
    assertThatThrownBy(() -> options.setPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool size");
    assertThatThrownBy(() -> options.setDataDir(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data directory");
    assertThatThrownBy(() -> options.setConnectTimeoutMillis(10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 250 ms");
    assertThatThrownBy(() -> options.setMaxGroupMembers(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("max group members must be in 1..1000000, was 0");
    assertThatThrownBy(() -> new PersistenceOptions(new JsonObject().put("poolSize", -3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool size");
  }

  @Test
  void aBadDatabaseFailsDeployWithAMessageNamingIt() {
    Vertx vertx = Vertx.vertx();
    try {
      PersistenceOptions unreachable = new PersistenceOptions()
          .setJdbcUrl("jdbc:postgresql://127.0.0.1:1/nowhere")
          .setConnectTimeoutMillis(500);
      assertThatThrownBy(() -> PersistenceNode.deploy(vertx, unreachable).toCompletionStage().toCompletableFuture()
          .get()).hasMessageContaining("127.0.0.1:1/nowhere");
    } finally {
      vertx.close();
    }
  }
}
