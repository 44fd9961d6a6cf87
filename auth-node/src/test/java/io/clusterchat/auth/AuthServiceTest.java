package io.clusterchat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.nimbusds.jwt.SignedJWT;
import io.clusterchat.auth.impl.Tokens;
import io.clusterchat.bus.AuthService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterCounters;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The auth-node through its event-bus addresses, as a gateway uses it, against a store on the same event bus. */
@ExtendWith(VertxExtension.class)
class AuthServiceTest {

  static final String SECRET = "test secret: 0123456789abcdef0123456789";
  /** The key of {@link #SECRET}, as {@code setTokenSecret} names it. */
  private static final TokenKey KEY = TokenKey.ofSecret(SECRET);
  private static final TokenKey OLD_KEY = new TokenKey("2026-06", "the old key: 0123456789abcdef0123456789");
  private static final TokenKey NEW_KEY = new TokenKey("2026-12", "the new key: 0123456789abcdef0123456789");
  private static final long TTL = TimeUnit.HOURS.toMillis(1);
  static final int USER_LIMIT = 3;
  private static final int CLIENT_LIMIT = 5;
  private static final long STORE_TIMEOUT = 500;
  private static final long REQUEST_TIMEOUT = 10_000;
  private static final String PASSWORD = "s3cret-enough";
  private static final String CLIENT = "192.0.2.1";

  private Vertx vertx;
  private PersistenceNode store;
  private AuthNode auth;

  @TempDir
  Path dataDir;
  private final AtomicInteger accountReads = new AtomicInteger();

  static AuthOptions options() {
    return new AuthOptions()
        .setTokenSecret(SECRET)
        .setHashThreads(2)
        .setUserFailureLimit(USER_LIMIT)
        .setClientFailureLimit(CLIENT_LIMIT)
        .setStoreTimeoutMillis(STORE_TIMEOUT);
  }

  /** The cluster's counters live in Hazelcast: one real member for the whole class, its counters cleared per test. */
  private static HazelcastInstance hazelcast;

  @BeforeAll
  static void startHazelcast() {
    hazelcast = Hazelcast.newHazelcastInstance(ClusterNode.hazelcastConfig(
        new TestClusters().node("auth-test-hz", NodeRole.SESSION_STORE, null, true)));
  }

  @AfterAll
  static void stopHazelcast() {
    hazelcast.shutdown();
  }

  @AfterEach
  void stopStore(VertxTestContext ctx) {
    if (store == null) {
      ctx.completeNow();
    } else {
      store.close().onComplete(ctx.succeedingThenComplete());
    }
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    // Counts the store reads the auth-node makes: a login refused by the limiter must not make one (nor hash).
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (StoreService.ACCOUNT_GET.equals(delivery.message().address())) {
        accountReads.incrementAndGet();
      }
      delivery.next();
    });
    hazelcast.getMap(ClusterCounters.MAP).clear();
    AuthNode.deploy(vertx, hazelcast, options()).onSuccess(node -> auth = node)
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The real store: a persistence-node on an H2 file of this test's own. */
  private Future<?> startStore() {
    return PersistenceNode.deploy(vertx, new PersistenceOptions().setDataDir(dataDir.toString()))
        .onSuccess(node -> store = node);
  }

  @Test
  void registers(VertxTestContext ctx) {
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo(new JsonObject().put("address", "alice@bj"));
          ctx.completeNow();
        })));
  }

  /** A registration whose asker (the gateway) has already given up is refused 503, and nothing is stored. */
  @Test
  void aRegistrationPastItsAskersDeadlineIsRefusedAndNotStored(VertxTestContext ctx) {
    long passed = System.currentTimeMillis() - 1;
    startStore()
        .compose(v -> expectFailure(request(AuthService.REGISTER,
            new AuthService.Register("late", "bj", PASSWORD, CLIENT, passed).toJson()), 503, null))
        .compose(v -> register("late", PASSWORD))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo(new JsonObject().put("address", "late@bj"));
          ctx.completeNow();
        })));
  }

  @Test
  void refusesATakenName(VertxTestContext ctx) {
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> expectFailure(register("alice", "another password"), 409, "name already registered"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void refusesPasswordsOutside8To128Characters(VertxTestContext ctx) {
    String reason = "password must be 8 to 128 characters";
    startStore()
        .compose(v -> expectFailure(register("alice", "7 chars"), 400, reason))
        .compose(v -> expectFailure(register("alice", "x".repeat(129)), 400, reason))
        .compose(v -> register("alice", "8 chars!"))
        .compose(v -> register("bob", "\u2713".repeat(128)))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Lengths are code points, as at the gateway: an emoji (two UTF-16 units) is one character. */
  @Test
  void countsPasswordLengthInCodePoints(VertxTestContext ctx) {
    String emoji = "\uD83D\uDE00";
    String reason = "password must be 8 to 128 characters";
    startStore()
        .compose(v -> expectFailure(register("alice", emoji.repeat(4)), 400, reason))
        .compose(v -> expectFailure(register("alice", emoji.repeat(129)), 400, reason))
        .compose(v -> register("alice", emoji.repeat(8)))
        .compose(v -> register("bob", emoji.repeat(128)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void logsInWithTheRightPassword(VertxTestContext ctx) {
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> login("alice@bj", PASSWORD, CLIENT))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.fieldNames()).containsExactlyInAnyOrder("address", "token");
          assertThat(reply.getString("address")).isEqualTo("alice@bj");
          assertThat(new Tokens(List.of(KEY), 1).verify(reply.getString("token"), System.currentTimeMillis()))
              .contains("alice@bj");
          ctx.completeNow();
        })));
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSame401(VertxTestContext ctx) {
    String reason = "wrong name or password";
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> expectFailure(login("alice@bj", "not the password", CLIENT), 401, reason))
        .compose(v -> expectFailure(login("nobody@bj", PASSWORD, CLIENT), 401, reason))
        .compose(v -> expectFailure(login("alice@bj", "short", CLIENT), 401, reason))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The guessing address is refused, before the store is even asked; the real user elsewhere gets in. */
  @Test
  void guessesFromOneAddressAreRefusedThereWhileTheRightPasswordFromAnotherGetsIn(VertxTestContext ctx) {
    Future<Void> failures = startStore().compose(v -> register("alice", PASSWORD)).mapEmpty();
    for (int i = 0; i < USER_LIMIT; i++) {
      failures = failures.compose(v -> expectFailure(login("alice@bj", "wrong password", "192.0.2.10"), 401, null));
    }
    failures
        .compose(v -> {
          int readsBefore = accountReads.get();
          return expectFailure(login("alice@bj", PASSWORD, "192.0.2.10"), 429, "too many login attempts")
              .map(x -> readsBefore);
        })
        .compose(readsBefore -> {
          ctx.verify(() -> assertThat(accountReads.get()).isEqualTo(readsBefore));
          return login("alice@bj", PASSWORD, "198.51.100.7");
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.getString("address")).isEqualTo("alice@bj");
          ctx.completeNow();
        })));
  }

  /** Guesses spread over many addresses slow the user's logins down; they never refuse the right password. */
  @Test
  void spreadGuessesSlowTheUserButNeverLockItOut(VertxTestContext ctx) {
    Future<Void> failures = startStore().compose(v -> register("alice", PASSWORD)).mapEmpty();
    for (int i = 0; i < 2 * USER_LIMIT; i++) {
      String client = "192.0.2." + (10 + i);
      failures = failures.compose(v -> expectFailure(login("alice@bj", "wrong password", client), 401, null));
    }
    failures
        .compose(v -> login("alice@bj", PASSWORD, "198.51.100.7"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.getString("address")).isEqualTo("alice@bj");
          ctx.completeNow();
        })));
  }

  /** Correct logins at once, even many of one user from one address, never count as failures. */
  @Test
  void concurrentCorrectLoginsAllSucceed(VertxTestContext ctx) {
    startStore().compose(v -> register("alice", PASSWORD))
        .compose(v -> {
          List<Future<JsonObject>> logins = new ArrayList<>();
          // Eight at once: the case that used to get three 429s (attempts in progress counted as failures).
          for (int i = 0; i < 8; i++) {
            logins.add(login("alice@bj", PASSWORD, CLIENT));
          }
          return Future.all(logins);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void successResetsTheUsersFailuresFromThatAddress(VertxTestContext ctx) {
    Future<Void> chain = startStore().compose(v -> register("alice", PASSWORD)).mapEmpty();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < USER_LIMIT - 1; i++) {
        chain = chain.compose(v -> expectFailure(login("alice@bj", "wrong password", "192.0.2.1"), 401, null));
      }
      chain = chain.compose(v -> login("alice@bj", PASSWORD, "192.0.2.1")).mapEmpty();
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  /** REGISTER is limited per client address, before anything is hashed. */
  @Test
  void registrationsFromOneAddressAreLimited(VertxTestContext ctx) {
    Future<Void> chain = startStore().mapEmpty();
    for (int i = 0; i < AuthOptions.DEFAULT_REGISTER_LIMIT; i++) {
      String name = "reg" + i;
      chain = chain.compose(v -> register(name, PASSWORD, "203.0.113.9")).mapEmpty();
    }
    chain
        .compose(v -> expectFailure(register("one-more", PASSWORD, "203.0.113.9"), 429,
            "too many registrations from this address"))
        .compose(v -> register("one-more", PASSWORD, "203.0.113.10"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void refusesAClientAfterTooManyFailuresWhateverTheUser(VertxTestContext ctx) {
    Future<Void> chain = startStore().compose(v -> register("alice", PASSWORD)).mapEmpty();
    for (int i = 0; i < CLIENT_LIMIT; i++) {
      String user = "user" + i + "@bj";
      chain = chain.compose(v -> expectFailure(login(user, PASSWORD, CLIENT), 401, null));
    }
    chain
        .compose(v -> expectFailure(login("alice@bj", PASSWORD, CLIENT), 429, "too many login attempts"))
        .compose(v -> login("alice@bj", PASSWORD, "198.51.100.1"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void resumesWithATokenAndGetsAFreshOne(VertxTestContext ctx) {
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> login("alice@bj", PASSWORD, CLIENT))
        .compose(first -> resume(first.getString("token")).map(second -> {
          assertThat(second.getString("address")).isEqualTo("alice@bj");
          assertThat(second.getString("token")).isNotEqualTo(first.getString("token"));
          return second;
        }))
        .compose(second -> resume(second.getString("token")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void refusesBadTokens(VertxTestContext ctx) {
    String reason = "bad or expired token";
    long now = System.currentTimeMillis();
    Tokens ours = new Tokens(List.of(KEY), TTL);
    String expired = ours.issue("alice@bj", now - 2 * TTL);
    String otherSecret = new Tokens(List.of(TokenKey.ofSecret("another secret, 0123456789abcdef0123")), TTL)
        .issue("alice@bj", now);
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> login("alice@bj", PASSWORD, CLIENT))
        .compose(reply -> expectFailure(resume(tamper(reply.getString("token"))), 401, reason))
        .compose(v -> expectFailure(resume("garbage"), 401, reason))
        .compose(v -> expectFailure(resume(expired), 401, reason))
        .compose(v -> expectFailure(resume(otherSecret), 401, reason))
        .compose(v -> expectFailure(resume(new Tokens(List.of(OLD_KEY), TTL).issue("alice@bj", now)), 401, reason))
        // Tokens of the hand-made format before JWTs, with the right secret: refused, clients LOGIN once again.
        .compose(v -> expectFailure(resume(oldFormatToken("alice@bj", now + TTL)), 401, reason))
        .compose(v -> expectFailure(request(AuthService.RESUME, new JsonObject()), 401, reason))
        // Validly signed, but for an account that does not exist (issue 11, finding 7).
        .compose(v -> expectFailure(resume(ours.issue("ghost@bj", now)), 401, reason))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Key rotation as operations.md tells it: the new key is added (after the old, it only verifies), then put first
   * (it signs, the old still verifies), then the old one removed once its tokens expired.
   */
  @Test
  void keysRotate(VertxTestContext ctx) {
    String old = new Tokens(List.of(OLD_KEY), TTL).issue("alice@bj", System.currentTimeMillis());
    startStore()
        .compose(v -> register("alice", PASSWORD))
        .compose(v -> restartAuth(OLD_KEY, NEW_KEY))
        .compose(v -> resume(old))
        .compose(reply -> {
          ctx.verify(() -> assertThat(kid(reply.getString("token"))).isEqualTo("2026-06"));
          return restartAuth(NEW_KEY, OLD_KEY);
        })
        .compose(v -> resume(old))
        .compose(reply -> {
          ctx.verify(() -> assertThat(kid(reply.getString("token"))).isEqualTo("2026-12"));
          return restartAuth(NEW_KEY).map(reply.getString("token"));
        })
        .compose(fresh -> expectFailure(resume(old), 401, "bad or expired token").map(fresh))
        .compose(this::resume)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(kid(reply.getString("token"))).isEqualTo("2026-12");
          ctx.completeNow();
        })));
  }

  /** Replaces the running auth-node with one that has {@code keys}, the first signing. */
  private Future<Void> restartAuth(TokenKey... keys) {
    return auth.close()
        .compose(v -> AuthNode.deploy(vertx, hazelcast, options().setTokenKeys(List.of(keys))))
        .onSuccess(node -> auth = node)
        .mapEmpty();
  }

  private static String kid(String token) throws java.text.ParseException {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }

  @Test
  void storeDownIs503AndCountsAgainstNobody(VertxTestContext ctx) {
    String reason = "store unavailable";
    Future<Void> chain = expectFailure(register("alice", PASSWORD), 503, reason);
    // More attempts than the user limit: none of them was decided, so none counts as a failure.
    for (int i = 0; i <= USER_LIMIT; i++) {
      chain = chain.compose(v -> expectFailure(login("alice@bj", PASSWORD, CLIENT), 503, reason));
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStoreThatDoesNotAnswerIs503AfterTheStoreTimeout(VertxTestContext ctx) {
    String reason = "store unavailable";
    vertx.eventBus().<JsonObject>consumer(StoreService.ACCOUNT_CREATE, message -> { });
    vertx.eventBus().<JsonObject>consumer(StoreService.ACCOUNT_GET, message -> { })
        .completion()
        .compose(v -> expectFailure(register("alice", PASSWORD), 503, reason))
        .compose(v -> expectFailure(login("alice@bj", PASSWORD, CLIENT), 503, reason))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void refusesMalformedRequests(VertxTestContext ctx) {
    startStore()
        .compose(v -> expectFailure(request(AuthService.REGISTER, new JsonObject().put("name", "Alice!")
            .put("region", "bj").put("password", PASSWORD).put("client", CLIENT)), 400, "bad address"))
        .compose(v -> expectFailure(request(AuthService.LOGIN, new JsonObject().put("user", "alice@bj")
            .put("password", PASSWORD)), 400, null))
        .compose(v -> expectFailure(request(AuthService.LOGIN, new JsonObject().put("user", 42)
            .put("password", PASSWORD).put("client", CLIENT)), 400, null))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<JsonObject> register(String name, String password) {
    return register(name, password, CLIENT);
  }

  private Future<JsonObject> register(String name, String password, String client) {
    return request(AuthService.REGISTER, new AuthService.Register(name, "bj", password, client).toJson());
  }

  private Future<JsonObject> login(String user, String password, String client) {
    return request(AuthService.LOGIN, new JsonObject().put("user", user).put("password", password)
        .put("client", client));
  }

  private Future<JsonObject> resume(String token) {
    return request(AuthService.RESUME, new JsonObject().put("token", token));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT))
        .map(Message::body);
  }

  /** Succeeds when {@code future} failed with {@code code} and, unless null, {@code reason}. */
  static Future<Void> expectFailure(Future<?> future, int code, String reason) {
    return future.transform(result -> {
      assertThat(result.succeeded()).as("expected failure %d, got %s", code, result.result()).isFalse();
      assertThat(result.cause()).isInstanceOf(ReplyException.class);
      ReplyException failure = (ReplyException) result.cause();
      assertThat(failure.failureCode()).as(failure.getMessage()).isEqualTo(code);
      if (reason != null) {
        assertThat(failure.getMessage()).isEqualTo(reason);
      }
      return Future.succeededFuture();
    });
  }

  /** A token in the format before JWTs: base64url(address|expires|generation|nonce) "." base64url(HMAC-SHA256). */
  private static String oldFormatToken(String address, long expiresAt) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    byte[] payload = (address + "|" + expiresAt + "|0|AAAAAAAAAAAAAAAAAAAAAA").getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return base64.encodeToString(payload) + "." + base64.encodeToString(mac.doFinal(payload));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The token with the first character of its signature changed. */
  private static String tamper(String token) {
    int at = token.lastIndexOf('.') + 1;
    return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
  }
}
