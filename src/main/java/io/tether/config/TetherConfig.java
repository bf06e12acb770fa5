package io.tether.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The typed, validated configuration of one node, built once by {@link ConfigLoader}. Each record is
 * one section of keys and each component one key, bound by name (see {@link ConfigBinder}): what a
 * key accepts is said on its {@link Setting}; the rules that relate several keys live in the compact
 * constructors here.
 */
public record TetherConfig(Server server, Log log, Drain drain, Http http, Pg pg, Redis redis, Auth auth, Sync sync,
                           Limits limits, Retention retention, Graphql graphql, Jobs jobs, Webhooks webhooks, Push push,
                           Presence presence, Mail mail) {

  public TetherConfig {
    if (http.host() == null) {
      boolean production = server.mode().equals("production");
      http = new Http(production ? "0.0.0.0" : "127.0.0.1", http.port(), http.instances(), http.maxBodyBytes(),
          http.maxHeaderBytes(), http.maxHeaders(), http.headerTimeoutSeconds(), http.requestTimeoutSeconds(),
          http.keepAliveSeconds(),
          http.corsOrigins(), http.trustedProxies());
    }
    if (server.publicUrl() == null && !server.mode().equals("production")) {
      server = new Server(server.mode(), server.eventLoops(), server.adminToken(), server.metricsToken(), server.inviteUrl(),
          "http://localhost:" + http.port());
    }
    if (server.mode().equals("production") && mail.enabled() && server.publicUrl() == null
        && (mail.resetUrl().startsWith("/") || mail.verifyUrl().startsWith("/") || server.inviteUrl().startsWith("/"))) {
      throw new ConfigException("server.publicUrl", "emails carry absolute links: set server.publicUrl, or make "
          + "mail.resetUrl, mail.verifyUrl and server.inviteUrl absolute");
    }
    if (server.mode().equals("production") && !auth.hasSigningKey()) {
      throw new ConfigException("auth.signingKeyFile", "production mode signs tokens with an ES256 key: make one with "
          + "'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out tether-signing.pem' and set "
          + "TETHER_AUTH_SIGNING_KEY_FILE=tether-signing.pem (or its PEM text in TETHER_AUTH_SIGNING_KEY); keep the file "
          + "secret and the same on every node (HS256 secrets are for development only)");
    }
  }

  /**
   * What a production node runs on that is meant for development, each named: a warning at start,
   * since each works but is not what production wants.
   */
  public java.util.List<String> productionWarnings() {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    if (!production()) {
      return warnings;
    }
    if (pg().url() == null) {
      warnings.add("PostgreSQL is the embedded one in " + pg().dataDir() + " (set TETHER_PG_URL to your database)");
    }
    if (!redis().enabled()) {
      warnings.add("the bus is in-process, so this node cannot share changes with others (set TETHER_REDIS_URL)");
    }
    if (!mail().enabled()) {
      warnings.add("no mail server: password reset and email verification answer 503 (set TETHER_MAIL_HOST)");
    }
    return warnings;
  }

  public boolean production() {
    return server.mode().equals("production");
  }

  public record Server(String mode, int eventLoops, String adminToken, String metricsToken, String inviteUrl,
                       String publicUrl) {
    /** {@code template} with {@code {code}} filled in, under {@link #publicUrl} when it is a path. */
    public String link(String template, String code) {
      String filled = template.replace("{code}", code);
      return filled.startsWith("/") && publicUrl != null ? publicUrl + filled : filled;
    }
  }

  /** {@code level} is a logback level name; {@code format} json, text or auto. */
  public record Log(String level, String format) {}

  /** What SIGTERM does: not ready for a while, then sockets closed over a window, all within a bound. */
  public record Drain(int notReadySeconds, int socketCloseWindowSeconds, int timeoutSeconds) {}

  public record Http(String host, int port, int instances, int maxBodyBytes, int maxHeaderBytes, int maxHeaders,
                     int headerTimeoutSeconds, int requestTimeoutSeconds, int keepAliveSeconds,
                     List<String> corsOrigins, List<String> trustedProxies) {
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

  /** An external identity provider whose tokens are accepted; {@code userClaim} defaults to {@code sub}. */
  public record ExternalIssuer(String issuer, String audience, String jwksUri, String userClaim) {
    public ExternalIssuer {
      if (issuer == null || audience == null || jwksUri == null || !jwksUri.matches("^https?://.+")) {
        throw new ConfigException("auth.externalIssuers", "each entry needs issuer, audience and an http(s) jwksUri");
      }
      requireSafeJwksUri("auth.externalIssuers", jwksUri);
      userClaim = userClaim == null ? "sub" : userClaim;
    }
  }

  /** Keys fetched over plain HTTP can be swapped by anyone on the path: https, except on loopback. */
  static void requireSafeJwksUri(String key, String jwksUri) {
    if (!jwksUri.startsWith("https://") && !jwksUri.matches("^http://(127\\.[0-9.]+|localhost|\\[::1\\])(:[0-9]+)?/.*")) {
      throw new ConfigException(key, "jwksUri must be https (plain http only on loopback): " + jwksUri);
    }
  }

  /**
   * A provider whose ID tokens {@code POST /v1/auth/exchange} turns into Tether sessions. {@code apple}
   * and {@code google} know their issuer and JWKS; every provider needs {@code audience}, the app's
   * client ids (comma-separated: an iOS, an Android and a web client each have one).
   */
  /** A service key declared by its SHA-256 (the key itself stays with the operator). */
  public record DeclaredServiceKey(String name, String sha256, io.vertx.core.json.JsonArray scopes,
                                   io.vertx.core.json.JsonArray spaces, Integer requestsPerSecond) {
    public DeclaredServiceKey {
      if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}") || sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")
          || scopes == null || scopes.isEmpty()) {
        throw new ConfigException("auth.serviceKeys", "each entry needs a name ([a-z0-9._-], up to 64), sha256 (64 hex "
            + "digits: the SHA-256 of the tsk_ key) and scopes");
      }
    }
  }

  public record SignInProvider(String name, String issuer, String audience, String jwksUri) {
    public SignInProvider {
      if (name == null || !name.matches("[a-z0-9-]{1,32}")) {
        throw new ConfigException("auth.signInProviders", "each entry needs a name of lower-case letters, digits and '-'");
      }
      if ("google".equals(name)) {
        issuer = issuer == null ? "https://accounts.google.com" : issuer;
        jwksUri = jwksUri == null ? "https://www.googleapis.com/oauth2/v3/certs" : jwksUri;
      } else if ("apple".equals(name)) {
        issuer = issuer == null ? "https://appleid.apple.com" : issuer;
        jwksUri = jwksUri == null ? "https://appleid.apple.com/auth/keys" : jwksUri;
      }
      if (issuer == null || jwksUri == null || audience == null || audience.isBlank()) {
        throw new ConfigException("auth.signInProviders", name + " needs issuer, jwksUri and audience (your app's client ids)");
      }
      requireSafeJwksUri("auth.signInProviders", jwksUri);
    }

    /** The client ids an ID token may be for. */
    public List<String> audiences() {
      return java.util.Arrays.stream(audience.split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList();
    }
  }

  public record Auth(String jwtSecret, String signingKeyFile, String signingKey, String signingKeyId,
                     String previousKeyFile, String previousKeyId, String issuer, String audience,
                     int accessTokenTtlSeconds, int refreshTokenTtlDays, int clockSkewSeconds, int passwordIterations,
                     int minPasswordLength, int jwksRefetchSeconds, List<ExternalIssuer> externalIssuers,
                     int verifiedTokenCacheEntries, List<SignInProvider> signInProviders, int reauthenticationSeconds,
                     List<DeclaredServiceKey> serviceKeys) {
    public Auth {
      if (jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new ConfigException("auth.jwtSecret", "must be at least 32 bytes for HS256");
      }
    }

    public boolean usesDevelopmentSecret() {
      return Settings.DEV_JWT_SECRET.equals(jwtSecret);
    }

    public boolean hasSigningKey() {
      return signingKeyFile != null || signingKey != null;
    }
  }

  public record Sync(int pingIntervalSeconds, int idleTimeoutSeconds, int authTimeoutSeconds,
                     int maxSubscriptions, int maxConnectionsPerUser, List<String> allowedOrigins, int maxFrameBytes,
                     int writeQueueBytes, int maxWriteQueueBytes, int catchUpPageSize, int gapGraceMillis,
                     int headCheckIntervalSeconds, int membershipRecheckSeconds, String compression) {
    public Sync {
      if (maxWriteQueueBytes < writeQueueBytes) {
        throw new ConfigException("sync.maxWriteQueueBytes", "must be at least sync.writeQueueBytes");
      }
      if (idleTimeoutSeconds <= pingIntervalSeconds) {
        throw new ConfigException("sync.idleTimeoutSeconds", "must be longer than sync.pingIntervalSeconds");
      }
    }

    /** Whether sockets may negotiate permessage-deflate. */
    public boolean deflate() {
      return "deflate".equals(compression);
    }
  }

  public record Limits(int maxDocumentBytes, int maxJsonDepth, int maxPageSize, int maxPageBytes, int defaultPageSize,
                       int maxMutationsPerBatch, int userRequestsPerSecond, int userBurst, int ipRequestsPerSecond,
                       int ipBurst, int loginAttemptsPerMinute, int listingCacheEntries, int listingCacheBytes,
                       int emailsPerAddressPerHour, int exportsPerHour, int maxExportBytes,
                       int inviteEmailsPerSenderPerHour) {
    public Limits {
      if (defaultPageSize > maxPageSize) {
        throw new ConfigException("limits.defaultPageSize", "must not exceed limits.maxPageSize");
      }
    }
  }

  public record Retention(int changeMaxAgeHours, int changeMaxCount, int mutationMaxAgeHours, int intervalSeconds) {}

  public record Graphql(int maxDepth, int maxCost, boolean introspection) {}

  public record Jobs(int concurrency, int maxAttempts, int backoffBaseMillis, int backoffMaxMillis, int pollMillis,
                     int leaseSeconds) {}

  public record Webhooks(int timeoutMillis, boolean allowPrivateTargets, String dnsServer, int maxPerSpace) {}

  /** Who is in a space (cluster-wide, renewed, expiring) and the ephemeral signals between them. */
  public record Presence(int ttlSeconds, int maxStateBytes, int maxSignalBytes, int signalsPerSecond, int maxListed) {}

  /** Email through SMTP: on when a host is configured. */
  public record Mail(String host, int port, String security, String username, String password, String from,
                     String appName, String templatesDir, String resetUrl, String verifyUrl, int resetCodeMinutes,
                     int verifyCodeHours, int maxConnections, int maxPending) {
    public Mail {
      if (username != null && password == null) {
        throw new ConfigException("mail.password", "mail.username is set, so the SMTP password is needed too");
      }
    }

    public boolean enabled() {
      return host != null;
    }

    @Override
    public String toString() {
      return "Mail[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
          + ", password=" + (password == null ? null : "(set)") + ", from=" + from + "]";
    }
  }

  public record Push(int collapseSeconds, int maxDevicesPerUser, Fcm fcm, Apns apns) {
    /** Firebase Cloud Messaging: on when a service account is configured. */
    public record Fcm(String serviceAccountFile, String endpoint) {
      public boolean enabled() {
        return serviceAccountFile != null;
      }
    }

    /** Apple Push Notification service: on when a .p8 key is configured, which then needs its ids. */
    public record Apns(String keyFile, String keyId, String teamId, String topic, String endpoint) {
      public Apns {
        if (keyFile != null && (keyId == null || teamId == null || topic == null)) {
          throw new ConfigException("push.apns.keyFile", "APNs also needs push.apns.keyId, push.apns.teamId and push.apns.topic");
        }
      }

      public boolean enabled() {
        return keyFile != null;
      }
    }
  }
}
