package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Failsafe's JVMs get the same system properties as Surefire's (the parent pom's {@code test.systemProperties}):
 * Vert.x and Hazelcast log through SLF4J, Netty's leak detection is paranoid, IPv4 is preferred.
 */
class FailsafeJvmIT {

  @Test
  void integrationTestsRunWithTheUnitTestsSystemProperties() {
    assertThat(System.getProperty("vertx.logger-delegate-factory-class-name"))
        .isEqualTo("io.vertx.core.logging.SLF4JLogDelegateFactory");
    assertThat(System.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    assertThat(System.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(System.getProperty("io.netty.leakDetectionLevel")).isEqualTo("PARANOID");
    assertThat(System.getProperty("java.net.preferIPv4Stack")).isEqualTo("true");
  }
}
