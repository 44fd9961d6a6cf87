package io.clusterchat.auth.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id password hashes as PHC strings: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (standard base64
 * without padding). New hashes use this hasher's parameters (OWASP's by default); {@link #verify} reads them from
 * the stored string, so they can be raised later without breaking existing accounts.
 *
 * <p>Both methods are CPU- and memory-heavy by design (tens of milliseconds, {@code m} KiB each): call them on a
 * worker thread, never on an event loop. Thread-safe.
 */
public final class PasswordHasher {

  /** OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
  public static final int OWASP_MEMORY_KIB = 19_456;
  public static final int OWASP_ITERATIONS = 2;
  public static final int OWASP_PARALLELISM = 1;
  public static final int SALT_BYTES = 16;
  public static final int HASH_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(PasswordHasher.class);
  private static final String ALGORITHM = "argon2id";
  private static final String VERSION = "v=19";
  /** {@code $argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>}: an empty field, then five. */
  private static final int PHC_FIELDS = 6;
  private static final int PHC_PARAMETERS = 3;
  private static final int PHC_SALT = 4;
  private static final int PHC_HASH = 5;
  /** m, t and p. */
  private static final int ARGON2_PARAMETERS = 3;
  /** Argon2 needs at least 8 KiB of memory per lane. */
  public static final int MIN_MEMORY_KIB_PER_LANE = 8;
  // Bounds on what a stored string may ask for, so a corrupt row cannot make one verify take minutes or gigabytes.
  public static final int MAX_MEMORY_KIB = 1 << 20;
  public static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 64;
  private static final int MIN_STORED_BYTES = 8;
  private static final int MAX_STORED_BYTES = 64;

  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();
  private final int memoryKib;
  private final int iterations;
  private final int parallelism;

  /** A hasher with OWASP's parameters. */
  public PasswordHasher() {
    this(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
  }

  public PasswordHasher(int memoryKib, int iterations, int parallelism) {
    if (memoryKib < MIN_MEMORY_KIB_PER_LANE * parallelism || memoryKib > MAX_MEMORY_KIB
        || iterations < 1 || iterations > MAX_ITERATIONS || parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("bad Argon2id parameters m=" + memoryKib + ",t=" + iterations
          + ",p=" + parallelism);
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** A new PHC string for {@code password}, with a fresh random salt. Blocking. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Phc phc = new Phc(memoryKib, iterations, parallelism, salt, null);
    return phc.withHash(derive(password, phc, HASH_BYTES)).format();
  }

  /** Whether {@code password} matches the PHC string {@code stored}; false for a malformed string. Blocking. */
  public boolean verify(String password, String stored) {
    Phc phc = Phc.parse(stored);
    if (phc == null) {
      LOG.warn("stored password hash is not an argon2id PHC string this node can read");
      return false;
    }
    byte[] actual = derive(password, phc, phc.hash.length);
    return MessageDigest.isEqual(actual, phc.hash);
  }

  private static byte[] derive(String password, Phc phc, int length) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(phc.memoryKib)
        .withIterations(phc.iterations)
        .withParallelism(phc.parallelism)
        .withSalt(phc.salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }

  /** The fields of a PHC string. */
  private static final class Phc {
    final int memoryKib;
    final int iterations;
    final int parallelism;
    final byte[] salt;
    final byte[] hash;

    Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
      this.memoryKib = memoryKib;
      this.iterations = iterations;
      this.parallelism = parallelism;
      this.salt = salt;
      this.hash = hash;
    }

    Phc withHash(byte[] newHash) {
      return new Phc(memoryKib, iterations, parallelism, salt, newHash);
    }

    String format() {
      return "$" + ALGORITHM + "$" + VERSION + "$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
          + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /** The fields of {@code text}, or null when it is not an argon2id v19 PHC string within bounds. */
    static Phc parse(String text) {
      if (text == null) {
        return null;
      }
      String[] fields = text.split("\\$", -1);
      if (fields.length != PHC_FIELDS || !fields[0].isEmpty() || !ALGORITHM.equals(fields[1])
          || !VERSION.equals(fields[2])) {
        return null;
      }
      try {
        return parseRest(fields[PHC_PARAMETERS], DECODER.decode(fields[PHC_SALT]), DECODER.decode(fields[PHC_HASH]));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    private static Phc parseRest(String parameters, byte[] salt, byte[] hash) {
      String[] pairs = parameters.split(",", -1);
      if (pairs.length != ARGON2_PARAMETERS || !inBounds(salt.length) || !inBounds(hash.length)) {
        return null;
      }
      int m = number(pairs[0], "m=", MAX_MEMORY_KIB);
      int t = number(pairs[1], "t=", MAX_ITERATIONS);
      int p = number(pairs[2], "p=", MAX_PARALLELISM);
      if (m < MIN_MEMORY_KIB_PER_LANE * p) {
        return null;
      }
      return new Phc(m, t, p, salt, hash);
    }

    private static boolean inBounds(int length) {
      return length >= MIN_STORED_BYTES && length <= MAX_STORED_BYTES;
    }

    /** The number after {@code key} in {@code pair}; throws IllegalArgumentException unless it is in 1..max. */
    private static int number(String pair, String key, int max) {
      if (!pair.startsWith(key)) {
        throw new IllegalArgumentException("expected " + key);
      }
      int value = Integer.parseInt(pair.substring(key.length()));
      if (value < 1 || value > max) {
        throw new IllegalArgumentException(key + " out of range");
      }
      return value;
    }
  }
}
