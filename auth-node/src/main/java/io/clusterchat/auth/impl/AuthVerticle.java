package io.clusterchat.auth.impl;

import com.hazelcast.core.HazelcastInstance;
import io.clusterchat.auth.AuthOptions;
import io.clusterchat.auth.TokenKey;
import io.clusterchat.bus.AuthService;
import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.BusMessages;
import io.clusterchat.bus.ResentRequests;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterCounters;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link AuthService#REGISTER}, {@link AuthService#LOGIN} and {@link AuthService#RESUME}. Password hashing
 * never runs on the event loop: LOGIN verifies on a lane of {@link AuthOptions#getHashThreads()} threads and
 * REGISTER hashes on a smaller lane of its own, each with a bounded wait ({@link HashLane}), so a REGISTER flood
 * cannot starve logins and a request that cannot be taken gets 503 at once, before anything is stored. Accounts are
 * read and written through the persistence-node ({@link StoreService}) with a timeout; a store that is down or slow
 * makes the request fail 503.
 */
public class AuthVerticle extends VerticleBase {

  /** The login lane's worker pool. */
  public static final String HASH_POOL = "clusterchat-auth-hash";
  /** The registration lane's worker pool. */
  public static final String REGISTER_POOL = "clusterchat-auth-register";

  static final String PASSWORD_LENGTH = Limits.passwordLengthRule();
  static final String WRONG_LOGIN = "wrong name or password";
  static final String TOO_MANY_ATTEMPTS = "too many login attempts";
  static final String BAD_TOKEN = "bad or expired token";
  static final String STORE_UNAVAILABLE = "store unavailable";
  static final String NAME_TAKEN = "name already registered";
  static final String TOO_MANY_REGISTRATIONS = "too many registrations from this address";
  static final String BUSY = "too busy to take it now; nothing was stored";

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  private static final int DUMMY_PASSWORD_BYTES = 24;
  private static final String WARM_UP_USER = "warm-up@auth";
  private static final String WARM_UP_CLIENT = "127.0.0.1";
  /**
   * Logins that may wait for a thread, per thread: about a second of hashing at most, well inside a gateway's
   * timeout; enough for a crowd behind one address logging in at once.
   */
  private static final int LOGIN_WAIT_PER_THREAD = 8;
  /** The longest a hash waits for a thread: well inside a gateway's request timeout (5 s by default). */
  private static final long MAX_HASH_WAIT_MILLIS = 1_000;
  /** Registrations that may wait, per thread: few, since each is also limited per address. */
  private static final int REGISTER_WAIT_PER_THREAD = 4;
  /**
   * A registration that took longer than this (waiting, hashing) is refused 503 rather than sent to the store: the
   * gateway that asked may be about to give up on it, and a 503 must mean nothing was stored.
   */
  private static final long REGISTER_BUDGET_MILLIS = 2_000;
  /**
   * Taken off the deadlines a registration is written under, so that the store refuses it (unwritten) a little
   * before this node, or the gateway, stops waiting for the answer; it also covers that much clock skew between
   * hosts.
   */
  private static final long DEADLINE_MARGIN_MILLIS = 250;
  /**
   * The longest textual IP address: INET6_ADDRSTRLEN (46) plus a zone of at most IFNAMSIZ (16) characters; a
   * longer "client" is not an address.
   */
  private static final int MAX_CLIENT_LENGTH = 46 + 16;

  private final AuthOptions options;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final HazelcastInstance hazelcast;
  private LoginLimiter limiter;
  private HashLane logins;
  private HashLane registers;
  private DeliveryOptions storeDelivery;
  /** Verified against when the user does not exist, so an unknown name costs as long as a wrong password. */
  private String dummyHash;

  /** @param hazelcast the cluster's Hazelcast, which holds the login and registration counters of every auth-node */
  private static final Set<NodeRole> STORE_NODES = EnumSet.of(NodeRole.PERSISTENCE_NODE);
  private volatile ResentRequests storeReads;

  public AuthVerticle(AuthOptions options, HazelcastInstance hazelcast) {
    this.options = options;
    this.hasher = new PasswordHasher(options.getHashMemoryKib(), options.getHashIterations(),
        PasswordHasher.OWASP_PARALLELISM);
    this.tokens = new Tokens(options.getTokenKeys(), options.getTokenTtlMillis());
    this.hazelcast = hazelcast;
  }

  @Override
  public Future<?> start() {
    int loginThreads = options.getHashThreads();
    int registerThreads = Math.max(1, loginThreads / 2);
    logins = new HashLane("login", vertx.createSharedWorkerExecutor(HASH_POOL, loginThreads),
        loginThreads * (1 + LOGIN_WAIT_PER_THREAD), MAX_HASH_WAIT_MILLIS);
    registers = new HashLane("register", vertx.createSharedWorkerExecutor(REGISTER_POOL, registerThreads),
        registerThreads * (1 + REGISTER_WAIT_PER_THREAD), MAX_HASH_WAIT_MILLIS);
    storeDelivery = new DeliveryOptions().setSendTimeout(options.getStoreTimeoutMillis());
    storeReads = new ResentRequests(vertx, this::store);
    LoginLimiter.Policy policy = new LoginLimiter.Policy(options.getUserFailureLimit(),
        options.getUserFailureWindowMillis(), options.getClientFailureLimit(), options.getClientFailureWindowMillis(),
        options.getRegisterLimit(), AuthOptions.REGISTER_WINDOW_MILLIS);
    return ClusterCounters.create(vertx, hazelcast)
        .compose(counters -> {
          limiter = new LoginLimiter(counters, policy);
          // Warm every path a first request takes (the counters' partitions, the token code), so that the first
          // REGISTER or LOGIN on a cold node is not the one that runs out of time.
          return limiter.check(WARM_UP_USER, WARM_UP_CLIENT);
        })
        .compose(verdict -> logins.submit(() -> hasher.hash(randomPassword())))
        .compose(dummy -> {
          dummyHash = dummy;
          tokens.claims(tokens.issue(WARM_UP_USER, 0, System.currentTimeMillis()), System.currentTimeMillis());
          return listen();
        })
        // Key ids, never secrets: which key signs and which verify is what an operator checks during a rotation.
        .onSuccess(v -> LOG.info("auth-node ready: hashing on {} threads, token ttl {} ms, tokens signed with key "
            + "'{}', verified with {}, store timeout {} ms", options.getHashThreads(), options.getTokenTtlMillis(),
            options.getTokenKeys().get(0).id(), options.getTokenKeys().stream().map(TokenKey::id).toList(),
            options.getStoreTimeoutMillis()));
  }

  @Override
  public Future<?> stop() {
    return Future.join(logins.close(), registers.close());
  }

  private Future<Void> listen() {
    EventBus bus = vertx.eventBus();
    return Future.all(
            bus.<Object>consumer(AuthService.REGISTER, this::register).completion(),
            bus.<Object>consumer(AuthService.LOGIN, this::login).completion(),
            bus.<Object>consumer(AuthService.RESUME, this::resume).completion())
        .mapEmpty();
  }

  private void register(Message<Object> message) {
    AuthService.Register request;
    try {
      request = AuthService.Register.fromJson(BusMessages.body(message));
    } catch (BusContractException e) {
      message.fail(BusContractException.FAILURE_CODE, e.getMessage());
      return;
    }
    String name = request.name();
    String region = request.region();
    String password = request.password();
    if (!Limits.isName(name) || !Limits.isRegion(region)) {
      message.fail(ErrorCode.BAD_REQUEST.code(), "bad address");
      return;
    }
    if (!Limits.isPasswordLength(password)) {
      message.fail(ErrorCode.BAD_REQUEST.code(), PASSWORD_LENGTH);
      return;
    }
    String client = request.client();
    if (!isClientAddress(client)) {
      message.fail(ErrorCode.BAD_REQUEST.code(), "register needs a client address");
      return;
    }
    String address = name + "@" + region;
    long receivedAt = monotonicMillis();
    limiter.register(client)
        .compose(counted -> counted ? registers.submit(() -> hasher.hash(password))
            : Future.failedFuture(new TooMany()))
        .compose(hash -> {
          long storeDeadline = storeDeadline(request.deadline());
          return monotonicMillis() - receivedAt > REGISTER_BUDGET_MILLIS
              || System.currentTimeMillis() >= storeDeadline
              ? Future.failedFuture(new HashLane.Full("register"))
              : store(StoreService.ACCOUNT_CREATE, new StoreService.AccountCreate(address, hash, storeDeadline)
                  .toJson());
        })
        .onSuccess(reply -> message.reply(new AuthService.Registered(address).toJson()))
        .onFailure(failure -> failRegister(message, failure));
  }

  /**
   * The wall-clock time from which the store must not write a registration: before this node's own store timeout
   * ends, and before the asker's deadline (the gateway's, when it sent one), each less a margin.
   */
  private long storeDeadline(Long askerDeadline) {
    long own = System.currentTimeMillis() + options.getStoreTimeoutMillis();
    long deadline = askerDeadline == null ? own : Math.min(own, askerDeadline);
    return deadline - DEADLINE_MARGIN_MILLIS;
  }

  /** The address has registered too often in the current window. */
  private static final class TooMany extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooMany() {
      super(TOO_MANY_REGISTRATIONS, null, false, false);
    }
  }

  private static boolean isClientAddress(String client) {
    return client != null && !client.isEmpty() && client.length() <= MAX_CLIENT_LENGTH;
  }

  private void failRegister(Message<Object> message, Throwable failure) {
    int code = storeFailureCode(failure);
    if (failure instanceof TooMany) {
      message.fail(ErrorCode.TOO_MANY_REQUESTS.code(), TOO_MANY_REGISTRATIONS);
    } else if (failure instanceof HashLane.Full) {
      message.fail(ErrorCode.UNAVAILABLE.code(), BUSY);
    } else if (code == ErrorCode.CONFLICT.code()) {
      message.fail(code, NAME_TAKEN);
    } else if (code == ErrorCode.BAD_REQUEST.code()) {
      message.fail(code, failure.getMessage());
    } else {
      failUnavailable(message, failure);
    }
  }

  private void login(Message<Object> message) {
    AuthService.Login request;
    try {
      request = AuthService.Login.fromJson(BusMessages.body(message));
    } catch (BusContractException e) {
      message.fail(BusContractException.FAILURE_CODE, "login needs a user address and a client address");
      return;
    }
    String user = request.user();
    String password = request.password();
    String client = request.client();
    // Checked before anything is counted: the limiter's keys must stay small for its memory bound to mean much.
    if (!Limits.isAddress(user) || !isClientAddress(client)) {
      message.fail(ErrorCode.BAD_REQUEST.code(), "login needs a user address and a client address");
      return;
    }
    limiter.check(user, client)
        .onSuccess(verdict -> proceed(message, verdict, user, password, client))
        .onFailure(failure -> failUnavailable(message, failure));
  }

  private void proceed(Message<Object> message, LoginLimiter.Verdict verdict, String user, String password,
      String client) {
    if (verdict.refused()) {
      message.fail(ErrorCode.TOO_MANY_REQUESTS.code(), TOO_MANY_ATTEMPTS);
    } else if (!Limits.isPasswordLength(password)) {
      // Cannot match any account: a failure, and no reason to spend a hash on it.
      finishLogin(message, user, client, OptionalLong.empty());
    } else if (verdict.delayMillis() > 0) {
      // The user is under attack from elsewhere: slowed, not refused, so the real user still gets in.
      vertx.setTimer(verdict.delayMillis(), id -> authenticate(message, user, password, client));
    } else {
      authenticate(message, user, password, client);
    }
  }

  /** Reads the account, checks the password (against a dummy hash when there is none) and answers. */
  private void authenticate(Message<Object> message, String user, String password, String client) {
    storeRead(StoreService.ACCOUNT_GET, new StoreService.AccountGet(user).toJson())
        .map(StoreService.Account::fromJson)
        .recover(failure -> storeFailureCode(failure) == ErrorCode.NOT_FOUND.code()
            ? Future.succeededFuture(null) : Future.failedFuture(failure))
        .compose(account -> checkPassword(password, account)
            .map(match -> match ? OptionalLong.of(account.tokenGeneration()) : OptionalLong.empty()))
        .onSuccess(generation -> finishLogin(message, user, client, generation))
        .onFailure(failure -> {
          if (failure instanceof HashLane.Full) {
            message.fail(ErrorCode.UNAVAILABLE.code(), BUSY);
          } else {
            failUnavailable(message, failure);
          }
        });
  }

  /** Whether {@code password} is the account's password; false, after as much work, when there is no account. */
  private Future<Boolean> checkPassword(String password, StoreService.Account account) {
    String stored = account == null ? dummyHash : account.hash();
    return logins.submit(() -> hasher.verify(password, stored)).map(match -> match && account != null);
  }

  /** @param generation the account's token generation when the password matched; empty when it did not */
  private void finishLogin(Message<Object> message, String user, String client, OptionalLong generation) {
    if (generation.isEmpty()) {
      // Answered once counted, so the guesser's next attempt, on whichever auth-node, sees this failure.
      limiter.failed(user, client).onComplete(counted -> {
        if (counted.failed()) {
          LOG.warn("login failure of {} from {} not counted: {}", user, client, counted.cause().toString());
        }
        message.fail(ErrorCode.UNAUTHORIZED.code(), WRONG_LOGIN);
      });
      return;
    }
    limiter.succeeded(user, client).onFailure(failure ->
        LOG.warn("failures of {} not reset: {}", user, failure.toString()));
    message.reply(grant(user, generation.getAsLong()));
  }

  private void resume(Message<Object> message) {
    String token;
    try {
      token = AuthService.Resume.fromJson(BusMessages.body(message)).token();
    } catch (BusContractException e) {
      message.fail(ErrorCode.UNAUTHORIZED.code(), BAD_TOKEN);
      return;
    }
    Optional<Tokens.Claims> claims = tokens.claims(token, System.currentTimeMillis());
    if (claims.isEmpty()) {
      message.fail(ErrorCode.UNAUTHORIZED.code(), BAD_TOKEN);
      return;
    }
    String address = claims.get().address();
    // A good signature is not enough: the account must still exist, and not have had its tokens revoked (a kick).
    storeRead(StoreService.ACCOUNT_EXISTS, new StoreService.AccountGet(address).toJson())
        .map(StoreService.AccountExists::fromJson)
        .onSuccess(account -> {
          if (account.exists() && account.tokenGeneration() == claims.get().generation()) {
            message.reply(grant(address, account.tokenGeneration()));
          } else {
            message.fail(ErrorCode.UNAUTHORIZED.code(), BAD_TOKEN);
          }
        })
        .onFailure(failure -> failUnavailable(message, failure));
  }

  private JsonObject grant(String address, long generation) {
    // Wall-clock time: tokens are checked by other nodes, and an expiry must mean the same instant on all of them.
    return new AuthService.Granted(address, tokens.issue(address, generation, System.currentTimeMillis())).toJson();
  }

  private Future<JsonObject> store(String address, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(address, request, storeDelivery).map(Message::body);
  }

  /** A read of the store, sent again should the persistence-node that took it die meanwhile. */
  private Future<JsonObject> storeRead(String address, JsonObject request) {
    return storeReads.request(address, request, STORE_NODES);
  }

  /**
   * A node left the cluster: a read of the store it may have taken along is sent again at once, not left to
   * fail at the store timeout (which a LOGIN would pass on as 503).
   */
  public void nodeLeft(NodeRole role) {
    if (storeReads != null) {
      storeReads.nodeLeft(role);
    }
  }

  private static void failUnavailable(Message<Object> message, Throwable failure) {
    if (failure instanceof ReplyException) {
      LOG.warn("store request failed: {}", failure.getMessage());
    } else {
      LOG.error("auth request failed", failure);
    }
    message.fail(ErrorCode.UNAVAILABLE.code(), STORE_UNAVAILABLE);
  }

  /** The store's failure code when it answered with a failure; -1 for a timeout, no handler or anything else. */
  private static int storeFailureCode(Throwable failure) {
    if (failure instanceof ReplyException) {
      ReplyException reply = (ReplyException) failure;
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return reply.failureCode();
      }
    }
    return -1;
  }

  private static long monotonicMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  private static String randomPassword() {
    byte[] bytes = new byte[DUMMY_PASSWORD_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
