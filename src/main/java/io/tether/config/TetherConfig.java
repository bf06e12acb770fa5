package io.tether.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The typed, validated configuration of one node. Built once by {@link ConfigLoader}. */
public record TetherConfig(boolean production, Server server, Http http, Pg pg, Redis redis, Auth auth, Sync sync,
                           Limits limits, Retention retention, Graphql graphql, Jobs jobs, Webhooks webhooks, Push push,
                           Presence presence) {

  public record Server(int eventLoops, String adminToken, String logLevel, String logFormat, int notReadySeconds,
                       int socketCloseWindowSeconds, int drainTimeoutSeconds) {}

  public record Http(String host, int port, int instances, int maxBodyBytes, int maxHeaderBytes, int maxHeaders,
                     List<String> corsOrigins) {
    /** Instances actually deployed: 0 in config means one per core. */
    public int effectiveInstances() {
      return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }
  }

  public record Pg(String url, int poolSize, int pipeliningLimit, int poolWaitQueueSize, int connectTimeoutMillis,
                   String dataDir, int embeddedPort) {
    public boolean embedded() {
      return url == null;
    }
  }

  public record Redis(String url, String channelPrefix, int poolSize, int reconnectMinMillis, int reconnectMaxMillis) {
    public boolean enabled() {
      return url != null;
    }
  }

  /** An external identity provider whose tokens are accepted. */
  public record ExternalIssuer(String issuer, String audience, String jwksUri, String userClaim) {}

  public record Auth(String jwtSecret, String signingKeyFile, String signingKey, String signingKeyId,
                     String previousKeyFile, String previousKeyId, String issuer, String audience,
                     int accessTokenTtlSeconds, int refreshTokenTtlDays, int clockSkewSeconds, int passwordIterations,
                     int minPasswordLength, int jwksRefetchSeconds, List<ExternalIssuer> externalIssuers) {
    public boolean usesDevelopmentSecret() {
      return Settings.DEV_JWT_SECRET.equals(jwtSecret);
    }

    public boolean hasSigningKey() {
      return signingKeyFile != null || signingKey != null;
    }
  }

  public record Sync(int pingIntervalSeconds, int idleTimeoutSeconds, int authTimeoutSeconds,
                     int maxSubscriptions, int maxConnectionsPerUser, List<String> allowedOrigins, int maxFrameBytes,
                     int writeQueueBytes, int catchUpPageSize, int gapGraceMillis, int headCheckIntervalSeconds) {}

  public record Limits(int maxDocumentBytes, int maxJsonDepth, int maxPageSize, int defaultPageSize,
                       int maxMutationsPerBatch, int userRequestsPerSecond, int userBurst, int ipRequestsPerSecond,
                       int ipBurst, int loginAttemptsPerMinute, int listingCacheEntries) {}

  public record Retention(int changeMaxAgeHours, int changeMaxCount, int mutationMaxAgeHours, int intervalSeconds) {}

  public record Graphql(int maxDepth, int maxCost, boolean introspection) {}

  public record Jobs(int concurrency, int maxAttempts, int backoffBaseMillis, int backoffMaxMillis, int pollMillis,
                     int leaseSeconds) {}

  public record Webhooks(int timeoutMillis, boolean allowPrivateTargets) {}

  /** Who is in a space (cluster-wide, renewed, expiring) and the ephemeral signals between them. */
  public record Presence(int ttlSeconds, int maxStateBytes, int maxSignalBytes, int signalsPerSecond) {}

  public record Push(int collapseSeconds, String fcmServiceAccountFile, String fcmEndpoint, String apnsKeyFile,
                     String apnsKeyId, String apnsTeamId, String apnsTopic, String apnsEndpoint) {
    public boolean fcm() {
      return fcmServiceAccountFile != null;
    }

    public boolean apns() {
      return apnsKeyFile != null;
    }

  }

  static TetherConfig from(Map<String, Object> v) {
    Values values = new Values(v);
    String mode = values.str("server.mode");
    if (!mode.equals("development") && !mode.equals("production")) {
      throw new ConfigException("server.mode", "must be development or production");
    }
    boolean production = mode.equals("production");
    String logFormat = values.str("log.format");
    if (!logFormat.matches("json|text|auto")) {
      throw new ConfigException("log.format", "must be json, text or auto");
    }
    String logLevel = values.str("log.level").toUpperCase(java.util.Locale.ROOT);
    if (!logLevel.matches("TRACE|DEBUG|INFO|WARN|ERROR|OFF")) {
      throw new ConfigException("log.level", "must be TRACE, DEBUG, INFO, WARN, ERROR or OFF");
    }
    Server server = new Server(values.range("server.eventLoops", 0, 1024), values.strOrNull("server.adminToken"),
        logLevel, logFormat, values.range("drain.notReadySeconds", 0, 600),
        values.range("drain.socketCloseWindowSeconds", 0, 3600), values.positive("drain.timeoutSeconds"));
    if (server.adminToken() != null && server.adminToken().length() < 16) {
      throw new ConfigException("server.adminToken", "must be at least 16 characters");
    }
    Http http = new Http(values.str("http.host"), values.range("http.port", 0, 65535),
        values.range("http.instances", 0, 1024), values.positive("http.maxBodyBytes"),
        values.range("http.maxHeaderBytes", 1024, 1_048_576), values.range("http.maxHeaders", 8, 1000),
        values.list("http.corsOrigins"));
    Pg pg = new Pg(values.strOrNull("pg.url"), values.positive("pg.poolSize"), values.range("pg.pipeliningLimit", 1, 10_000),
        values.positive("pg.poolWaitQueueSize"), values.positive("pg.connectTimeoutMillis"),
        values.str("pg.dataDir"), values.range("pg.embeddedPort", 0, 65535));
    Redis redis = new Redis(values.strOrNull("redis.url"), values.str("redis.channelPrefix"), values.positive("redis.poolSize"),
        values.positive("redis.reconnectMinMillis"), values.positive("redis.reconnectMaxMillis"));
    Auth auth = new Auth(values.str("auth.jwtSecret"), values.strOrNull("auth.signingKeyFile"),
        values.strOrNull("auth.signingKey"), values.str("auth.signingKeyId"), values.strOrNull("auth.previousKeyFile"),
        values.str("auth.previousKeyId"), values.str("auth.issuer"), values.str("auth.audience"),
        values.positive("auth.accessTokenTtlSeconds"), values.range("auth.refreshTokenTtlDays", 1, 3650),
        values.range("auth.clockSkewSeconds", 0, 600), values.range("auth.passwordIterations", 1000, 100_000_000),
        values.range("auth.minPasswordLength", 1, 1024), values.range("auth.jwksRefetchSeconds", 0, 86_400),
        externalIssuers((JsonArray) v.get("auth.externalIssuers")));
    if (auth.jwtSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("auth.jwtSecret", "must be at least 32 bytes for HS256");
    }
    if (production && !auth.hasSigningKey()) {
      throw new ConfigException("auth.signingKeyFile", "production mode signs tokens with an ES256 key: set "
          + "TETHER_AUTH_SIGNING_KEY_FILE or TETHER_AUTH_SIGNING_KEY (HS256 secrets are for development only)");
    }
    if (pg.url() != null && !pg.url().matches("^postgres(ql)?://.*")) {
      throw new ConfigException("pg.url", "expected postgresql://user:pass@host:port/db");
    }
    if (redis.url() != null && !redis.url().matches("^rediss?://.*")) {
      throw new ConfigException("redis.url", "expected redis://host:port");
    }
    Sync sync = new Sync(values.positive("sync.pingIntervalSeconds"), values.positive("sync.idleTimeoutSeconds"),
        values.positive("sync.authTimeoutSeconds"), values.positive("sync.maxSubscriptions"),
        values.positive("sync.maxConnectionsPerUser"), values.list("sync.allowedOrigins"),
        values.range("sync.maxFrameBytes", 1024, 64 * 1024 * 1024), values.range("sync.writeQueueBytes", 1024, Integer.MAX_VALUE),
        values.range("sync.catchUpPageSize", 1, 10_000), values.range("sync.gapGraceMillis", 0, 60_000),
        values.positive("sync.headCheckIntervalSeconds"));
    if (sync.idleTimeoutSeconds() <= sync.pingIntervalSeconds()) {
      throw new ConfigException("sync.idleTimeoutSeconds", "must be longer than sync.pingIntervalSeconds");
    }
    Limits limits = new Limits(values.positive("limits.maxDocumentBytes"), values.range("limits.maxJsonDepth", 2, 1000),
        values.positive("limits.maxPageSize"), values.positive("limits.defaultPageSize"),
        values.positive("limits.maxMutationsPerBatch"), values.positive("limits.userRequestsPerSecond"),
        values.positive("limits.userBurst"), values.positive("limits.ipRequestsPerSecond"),
        values.positive("limits.ipBurst"), values.positive("limits.loginAttemptsPerMinute"),
        values.range("limits.listingCacheEntries", 0, 1_000_000));
    if (limits.defaultPageSize() > limits.maxPageSize()) {
      throw new ConfigException("limits.defaultPageSize", "must not exceed limits.maxPageSize");
    }
    Retention retention = new Retention(values.range("retention.changeMaxAgeHours", 0, 1_000_000),
        values.range("retention.changeMaxCount", 0, Integer.MAX_VALUE),
        values.range("retention.mutationMaxAgeHours", 0, 1_000_000), values.positive("retention.intervalSeconds"));
    Graphql graphql = new Graphql(values.range("graphql.maxDepth", 2, 100), values.positive("graphql.maxCost"),
        (Boolean) v.get("graphql.introspection"));
    Jobs jobs = new Jobs(values.positive("jobs.concurrency"), values.positive("jobs.maxAttempts"),
        values.positive("jobs.backoffBaseMillis"), values.positive("jobs.backoffMaxMillis"), values.positive("jobs.pollMillis"),
        values.positive("jobs.leaseSeconds"));
    Webhooks webhooks = new Webhooks(values.positive("webhooks.timeoutMillis"), (Boolean) v.get("webhooks.allowPrivateTargets"));
    Push push = new Push(values.range("push.collapseSeconds", 0, 86_400), values.strOrNull("push.fcm.serviceAccountFile"),
        values.str("push.fcm.endpoint"), values.strOrNull("push.apns.keyFile"), values.strOrNull("push.apns.keyId"),
        values.strOrNull("push.apns.teamId"), values.strOrNull("push.apns.topic"), values.str("push.apns.endpoint"));
    if (push.apns() && (push.apnsKeyId() == null || push.apnsTeamId() == null || push.apnsTopic() == null)) {
      throw new ConfigException("push.apns.keyFile", "APNs also needs push.apns.keyId, push.apns.teamId and push.apns.topic");
    }
    Presence presence = new Presence(values.range("presence.ttlSeconds", 3, 3600), values.range("presence.maxStateBytes", 2, 65_536),
        values.range("presence.maxSignalBytes", 2, 65_536), values.range("presence.signalsPerSecond", 1, 10_000));
    return new TetherConfig(production, server, http, pg, redis, auth, sync, limits, retention, graphql, jobs, webhooks, push,
        presence);
  }

  private static List<ExternalIssuer> externalIssuers(JsonArray raw) {
    List<ExternalIssuer> issuers = new ArrayList<>();
    for (Object item : raw) {
      if (!(item instanceof JsonObject json)) {
        throw new ConfigException("auth.externalIssuers", "each entry must be an object");
      }
      String issuer = json.getString("issuer");
      String audience = json.getString("audience");
      String jwksUri = json.getString("jwksUri");
      if (issuer == null || audience == null || jwksUri == null || !jwksUri.matches("^https?://.+")) {
        throw new ConfigException("auth.externalIssuers", "each entry needs issuer, audience and an http(s) jwksUri");
      }
      issuers.add(new ExternalIssuer(issuer, audience, jwksUri, json.getString("userClaim", "sub")));
    }
    return List.copyOf(issuers);
  }

  private record Values(Map<String, Object> map) {
    String strOrNull(String key) {
      return (String) map.get(key);
    }

    String str(String key) {
      String s = strOrNull(key);
      if (s == null) {
        throw new ConfigException(key, "must not be empty");
      }
      return s;
    }

    List<String> list(String key) {
      String s = strOrNull(key);
      return s == null ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    int range(String key, int min, int max) {
      int value = ((Number) map.get(key)).intValue();
      if (value < min || value > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    int positive(String key) {
      return range(key, 1, Integer.MAX_VALUE);
    }
  }
}
