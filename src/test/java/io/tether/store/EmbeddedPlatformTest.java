package io.tether.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddedPlatformTest {

  @Test
  void theJarCarriesTheBinariesOfTheMachineThatBuiltIt() {
    String platform = EmbeddedDatabase.platform();
    assertThat(platform).matches("(linux|darwin|windows)-[a-z0-9_]+");
    assertThat(getClass().getClassLoader().getResource("postgres-" + platform + ".txz"))
        .as("postgres-" + platform + ".txz on the classpath (the pom's per-platform profiles)").isNotNull();
  }
}
