package io.tether.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void defaultsThenFileThenEnvironment() {
    TetherConfig defaults = ConfigLoader.resolve(new JsonObject(), Map.of());
    assertThat(defaults.http().port()).isEqualTo(8080);
    assertThat(defaults.pg().embedded()).isTrue();
    assertThat(defaults.redis().enabled()).isFalse();
    assertThat(defaults.http().effectiveInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());

    JsonObject file = new JsonObject().put("http", new JsonObject().put("port", 9000).put("instances", 3));
    TetherConfig fromFile = ConfigLoader.resolve(file, Map.of());
    assertThat(fromFile.http().port()).isEqualTo(9000);
    assertThat(fromFile.http().effectiveInstances()).isEqualTo(3);

    TetherConfig fromEnv = ConfigLoader.resolve(file, Map.of("TETHER_HTTP_PORT", "9100", "TETHER_HTTP_INSTANCES", "5",
        "TETHER_PG_URL", "postgresql://u:p@db:5432/tether", "TETHER_REDIS_URL", "redis://cache:6379",
        "TETHER_DATA_DIR", "/var/lib/tether", "TETHER_SYNC_PING_INTERVAL_SECONDS", "10"));
    assertThat(fromEnv.http().port()).isEqualTo(9100);
    assertThat(fromEnv.http().instances()).isEqualTo(5);
    assertThat(fromEnv.pg().url()).isEqualTo("postgresql://u:p@db:5432/tether");
    assertThat(fromEnv.pg().embedded()).isFalse();
    assertThat(fromEnv.redis().url()).isEqualTo("redis://cache:6379");
    assertThat(fromEnv.pg().dataDir()).isEqualTo("/var/lib/tether");
    assertThat(fromEnv.sync().pingIntervalSeconds()).isEqualTo(10);
  }

  @Test
  void badValuesStopTheServerWithTheKeyNamed() {
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_HTTP_PORT", "70000")))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject().put("http", new JsonObject().put("prot", 1)), Map.of()))
        .hasMessageContaining("http.prot").hasMessageContaining("unknown");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_AUTH_JWT_SECRET", "short")))
        .hasMessageContaining("auth.jwtSecret");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_PG_URL", "mysql://x")))
        .hasMessageContaining("pg.url");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_SYNC_IDLE_TIMEOUT_SECONDS", "5")))
        .hasMessageContaining("sync.idleTimeoutSeconds");
  }

  @Test
  void productionModeRefusesToStartWithoutAnAsymmetricKey() {
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_MODE", "production")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.signingKeyFile");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_MODE", "production",
        "TETHER_AUTH_JWT_SECRET", "a-custom-but-still-symmetric-secret-0123456789")))
        .hasMessageContaining("development only");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_MODE", "staging")))
        .hasMessageContaining("server.mode");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_AUTH_EXTERNAL_ISSUERS", "[{\"issuer\":\"x\"}]")))
        .hasMessageContaining("auth.externalIssuers");
  }

  @Test
  void theShippedConfigFileAndTheReadmeListEverySetting() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("conf/config.json")));
    TetherConfig resolved = ConfigLoader.resolve(shipped, Map.of());
    assertThat(resolved).isEqualTo(ConfigLoader.resolve(new JsonObject(), Map.of()));
    String readme = Files.readString(Path.of("src/site/markdown/configuration.md"));
    for (Setting setting : Settings.ALL) {
      String[] parts = setting.path().split("\\.");
      assertThat(shipped.getJsonObject(parts[0]).containsKey(parts[1])).as(setting.path() + " in conf/config.json").isTrue();
      assertThat(readme).as(setting.path() + " in configuration.md").contains("`" + setting.path() + "`");
      assertThat(readme).as(setting.env() + " in configuration.md").contains("`" + setting.env() + "`");
    }
  }

  @Test
  void environmentNamesFollowTheSectionKeyRule() {
    assertThat(Setting.envNameOf("sync.pingIntervalSeconds")).isEqualTo("TETHER_SYNC_PING_INTERVAL_SECONDS");
    assertThat(Settings.byPath("pg.dataDir").env()).isEqualTo("TETHER_DATA_DIR");
    assertThat(Settings.byPath("http.instances").env()).isEqualTo("TETHER_HTTP_INSTANCES");
  }

  @Test
  void eachKeyCarriesItsOwnRulesAndSectionsBindByName() {
    TetherConfig config = ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_LOG_LEVEL", "debug",
        "TETHER_HTTP_CORS_ORIGINS", " https://a.test , https://b.test,", "TETHER_PUSH_APNS_KEY_FILE", "/k.p8",
        "TETHER_PUSH_APNS_KEY_ID", "K", "TETHER_PUSH_APNS_TEAM_ID", "T", "TETHER_PUSH_APNS_TOPIC", "app",
        "TETHER_DRAIN_TIMEOUT_SECONDS", "12",
        "TETHER_AUTH_EXTERNAL_ISSUERS", "[{\"issuer\":\"i\",\"audience\":\"a\",\"jwksUri\":\"https://i.test/jwks\"}]"));
    assertThat(config.log().level()).as("normalized to logback's spelling").isEqualTo("DEBUG");
    assertThat(config.http().corsOrigins()).containsExactly("https://a.test", "https://b.test");
    assertThat(config.push().apns().enabled()).isTrue();
    assertThat(config.push().apns().topic()).isEqualTo("app");
    assertThat(config.push().fcm().enabled()).isFalse();
    assertThat(config.drain().timeoutSeconds()).isEqualTo(12);
    assertThat(config.auth().externalIssuers()).singleElement()
        .isEqualTo(new TetherConfig.ExternalIssuer("i", "a", "https://i.test/jwks", "sub"));

    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_SERVER_ADMIN_TOKEN", "short")))
        .hasMessageContaining("server.adminToken").hasMessageContaining("16");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_LOG_FORMAT", "xml")))
        .hasMessageContaining("log.format");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_DRAIN_TIMEOUT_SECONDS", "0")))
        .hasMessageContaining("drain.timeoutSeconds");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_DATA_DIR", "")))
        .hasMessageContaining("pg.dataDir").hasMessageContaining("empty");
    // Issue 16, item 15: a development node listens on loopback unless told otherwise.
    assertThat(ConfigLoader.resolve(new JsonObject(), Map.of()).http().host()).isEqualTo("127.0.0.1");
    assertThat(ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_HTTP_HOST", "0.0.0.0")).http().host())
        .isEqualTo("0.0.0.0");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_PUSH_APNS_KEY_FILE", "/k.p8")))
        .hasMessageContaining("push.apns.keyId");
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_AUTH_EXTERNAL_ISSUERS", "[{\"issuer\":1}]")))
        .hasMessageContaining("auth.externalIssuers");
    // Issue 16, item 16: signing keys are not fetched over plain HTTP, except on loopback.
    assertThatThrownBy(() -> ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_AUTH_EXTERNAL_ISSUERS",
        "[{\"issuer\":\"i\",\"audience\":\"a\",\"jwksUri\":\"http://idp.example.com/jwks\"}]")))
        .hasMessageContaining("jwksUri must be https");
    assertThat(ConfigLoader.resolve(new JsonObject(), Map.of("TETHER_AUTH_EXTERNAL_ISSUERS",
        "[{\"issuer\":\"i\",\"audience\":\"a\",\"jwksUri\":\"http://127.0.0.1:9000/jwks\"}]")).auth().externalIssuers())
        .hasSize(1);
  }

  /** Every key is taken by exactly one record component, so nothing is read by a spelling of its own. */
  @Test
  void everySettingIsBoundToOneRecordComponent() {
    java.util.Set<String> components = new java.util.TreeSet<>();
    collect(TetherConfig.class, "", components);
    assertThat(components).containsExactlyInAnyOrderElementsOf(Settings.ALL.stream().map(Setting::path).toList());
  }

  private static void collect(Class<?> record, String prefix, java.util.Set<String> into) {
    for (java.lang.reflect.RecordComponent c : record.getRecordComponents()) {
      if (c.getType().isRecord()) {
        collect(c.getType(), prefix + c.getName() + ".", into);
      } else {
        into.add(prefix + c.getName());
      }
    }
  }

  /** Issue 33, item 11: a misspelled variable is named at start, with the setting it was probably meant for. */
  @org.junit.jupiter.api.Test
  void tetherVariablesThatAreNoSettingAreNamed() {
    java.util.List<String> warnings = ConfigLoader.unknownVariables(java.util.Map.of("TETHER_HTTP_PROT", "19003",
        "TETHER_HTTP_PORT", "8081", "TETHER_CONFIG", "x.json", "TETHER_NONSENSE_AT_ALL", "1", "PATH", "/bin",
        "TETHER_TEST_PG_URL", "postgresql://x"));
    org.assertj.core.api.Assertions.assertThat(warnings).containsExactly(
        "TETHER_HTTP_PROT is not a setting (did you mean TETHER_HTTP_PORT?)", "TETHER_NONSENSE_AT_ALL is not a setting");
  }
}
