package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  private static final String PASSWORD = "correct horse battery staple";

  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void verifiesTheRightPassword() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hasher.verify(PASSWORD, hash)).isTrue();
  }

  @Test
  void rejectsAWrongPassword() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hasher.verify("correct horse battery stapl", hash)).isFalse();
    assertThat(hasher.verify("", hash)).isFalse();
  }

  @Test
  void writesAPhcStringWithOwaspParameters() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    String[] fields = hash.split("\\$");
    assertThat(Base64.getDecoder().decode(fields[4])).hasSize(PasswordHasher.SALT_BYTES);
    assertThat(Base64.getDecoder().decode(fields[5])).hasSize(PasswordHasher.HASH_BYTES);
  }

  @Test
  void twoHashesOfOnePasswordDiffer() {
    assertThat(hasher.hash(PASSWORD)).isNotEqualTo(hasher.hash(PASSWORD));
  }

  @Test
  void readsTheParametersFromTheStoredString() {
    String weaker = new PasswordHasher(8_192, 1, 1).hash(PASSWORD);

    assertThat(weaker).startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
    assertThat(hasher.verify(PASSWORD, weaker)).isTrue();
    assertThat(hasher.verify("wrong password", weaker)).isFalse();
  }

  @Test
  void matchesTheReferenceImplementation() {
    // Both made with libargon2's argon2id_hash_encoded (the reference C implementation), the second with OWASP's
    // parameters and a password that is not ASCII (it is hashed as UTF-8).
    String classic = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    String owasp = "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$R6gbO8uWnfSsn+8nfD/dMXRlRzE5ZhD/x0VW6/mIqo8";

    assertThat(hasher.verify("password", classic)).isTrue();
    assertThat(hasher.verify("p\u00e4ssw\u00f6rd\u2713 correct", owasp)).isTrue();
    assertThat(hasher.verify("passw\u00f6rd\u2713 correct", owasp)).isFalse();
  }

  @Test
  void refusesMalformedOrOutOfBoundsStrings() {
    String good = hasher.hash(PASSWORD);

    assertThat(hasher.verify(PASSWORD, null)).isFalse();
    assertThat(hasher.verify(PASSWORD, "")).isFalse();
    assertThat(hasher.verify(PASSWORD, good.replace("argon2id", "argon2i"))).isFalse();
    assertThat(hasher.verify(PASSWORD, good.replace("v=19", "v=16"))).isFalse();
    assertThat(hasher.verify(PASSWORD, good.replace("m=19456", "m=99999999"))).isFalse();
    assertThat(hasher.verify(PASSWORD, good.replace("t=2", "t=x"))).isFalse();
    assertThat(hasher.verify(PASSWORD, good + "$extra")).isFalse();
    assertThat(hasher.verify(PASSWORD, good.substring(0, good.lastIndexOf('$') + 1) + "!!!")).isFalse();
  }
}
