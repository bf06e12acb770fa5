package io.tether.config;

import static io.tether.config.Setting.Type.BOOLEAN;
import static io.tether.config.Setting.Type.INT;
import static io.tether.config.Setting.Type.JSON;
import static io.tether.config.Setting.Type.LIST;
import static io.tether.config.Setting.Type.STRING;

import java.util.List;

/** The catalog of every configuration key Tether reads, with defaults. Nothing else defines a default. */
public final class Settings {

  /** Development-only signing secret; a server started with it logs a loud warning. */
  public static final String DEV_JWT_SECRET = "tether-development-secret-change-me-0123456789";

  public static final List<Setting> ALL = List.of(
      Setting.of("server.mode", STRING, "development", "development or production; production refuses to start without an ES256 signing key").oneOf("development", "production").withEnv("TETHER_MODE"),

      Setting.of("server.eventLoops", INT, 0, "Vert.x event-loop threads; 0 means twice the number of cores (Vert.x's default)").range(0, 1024),
      Setting.of("server.adminToken", STRING, null, "Bearer token for the admin API (GET /admin/stats, GET /admin/jobs, POST /admin/jobs/{id}/retry); unset disables it").minLength(16),
      Setting.of("server.inviteUrl", STRING, "/demo/#invite={code}", "The link an invitation answers, {code} replaced by its code: your app's deep link (https://app.example.com/join/{code}); a path is taken relative to the request's own scheme and host"),
      Setting.of("server.publicUrl", STRING, null, "Where users reach this server (https://sync.example.com): the base of the links in emails whose settings are paths. Unset: http://localhost:<http.port> in development; production with mail.host set requires it (a link is never built from a request's Host header, which the requester controls)").matching("https?://[^/?#]+", "https://host[:port], no path"),
      Setting.of("server.metricsToken", STRING, null, "Bearer token GET /metrics requires; unset leaves /metrics open (keep it off the public network then)").minLength(16),
      Setting.of("log.level", STRING, "INFO", "Root log level (TRACE, DEBUG, INFO, WARN, ERROR)").oneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").withEnv("TETHER_LOG_LEVEL"),
      Setting.of("log.format", STRING, "auto", "json, text, or auto (text in a terminal in development mode, JSON otherwise)").oneOf("json", "text", "auto").withEnv("TETHER_LOG_FORMAT"),
      Setting.of("drain.notReadySeconds", INT, 5, "After SIGTERM, how long the node reports not-ready before it stops accepting connections").range(0, 600),
      Setting.of("drain.socketCloseWindowSeconds", INT, 10, "Sockets are closed with 1012 at random moments spread over this window").range(0, 3600),
      Setting.of("drain.timeoutSeconds", INT, 30, "The drain ends (exit 0) within this bound whatever is still open"),

      Setting.of("http.host", STRING, null, "Address the HTTP and WebSocket server binds to; unset: 127.0.0.1 in development (a laptop's node is not on the network by surprise), 0.0.0.0 in production"),
      Setting.of("http.port", INT, 8080, "HTTP and WebSocket port").range(0, 65535),
      Setting.of("http.instances", INT, 0, "Instances of the API verticle (event loops serving HTTP and sockets); 0 means the number of cores").range(0, 1024),
      Setting.of("http.maxBodyBytes", INT, 1_048_576, "Largest HTTP request body; larger bodies get 413"),
      Setting.of("http.maxHeaderBytes", INT, 8192, "Largest total size of a request's headers; larger gets 431").range(1024, 1_048_576),
      Setting.of("http.maxHeaders", INT, 64, "Most headers in one request; more gets 431").range(8, 1000),
      Setting.of("http.headerTimeoutSeconds", INT, 10, "Time a new connection has to send its first request's headers; a slower connection is closed (slowloris)").range(1, 3600),
      Setting.of("http.requestTimeoutSeconds", INT, 60, "Time from a request's headers to the end of its response; a request still unfinished then (a body trickled byte by byte) has its connection closed. WebSocket upgrades are exempt").range(1, 3600),
      Setting.of("http.keepAliveSeconds", INT, 120, "How long a kept-alive connection may wait for its next request before it is closed (longer than clients' own pool timeouts, such as Vert.x's 60 s, so a reused connection is not closed under a request)").range(1, 3600),
      Setting.of("http.corsOrigins", LIST, null, "Comma-separated origins allowed by CORS (for example https://app.example.com); unset disables CORS"),
      Setting.of("http.trustedProxies", LIST, null, "Comma-separated addresses or CIDR blocks of your load balancers (for example 10.0.0.0/8); X-Forwarded-For is believed only from them, its rightmost address not among them is the client's. Unset: the peer's address is the client's"),

      Setting.of("pg.url", STRING, null, "postgresql://user:pass@host:port/db; unset starts an embedded PostgreSQL").matching("postgres(ql)?://.*", "postgresql://user:pass@host:port/db"),
      Setting.of("pg.poolSize", INT, 8, "Connections in the PostgreSQL pool of this node (shared by all API verticles)"),
      Setting.of("pg.pipeliningLimit", INT, 256, "Queries pipelined on one PostgreSQL connection").range(1, 10_000),
      Setting.of("pg.poolWaitQueueSize", INT, 1000, "Requests that may wait for a pooled connection before new ones are refused with 503"),
      Setting.of("pg.connectTimeoutMillis", INT, 5000, "Timeout for opening a PostgreSQL connection"),
      Setting.of("pg.dataDir", STRING, "./data", "Where the embedded PostgreSQL keeps its files (kept between runs)").withEnv("TETHER_DATA_DIR"),
      Setting.of("pg.embeddedPort", INT, 0, "Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one").range(0, 65535),

      Setting.of("redis.url", STRING, null, "redis://host:port; unset uses the in-process bus (one node only)").matching("rediss?://.*", "redis://host:port"),
      Setting.of("redis.channelPrefix", STRING, "tether:", "Prefix of the Redis pub/sub channels, one per space"),
      Setting.of("redis.poolSize", INT, 8, "Redis connections of each of the node's pools: publishing, presence, rate limits and online users have one each (the bus subscriber has its own connection)"),
      Setting.of("redis.reconnectMinMillis", INT, 100, "First delay before reconnecting the Redis subscriber"),
      Setting.of("redis.reconnectMaxMillis", INT, 5000, "Longest delay between Redis reconnect attempts"),

      Setting.of("auth.jwtSecret", STRING, DEV_JWT_SECRET, "HS256 secret for access tokens in development, used only when set (at least 32 bytes); unset, a development node without a signing key signs with an ES256 key generated for its database"),
      Setting.of("auth.signingKeyFile", STRING, null, "PEM file (PKCS#8, EC P-256) of the ES256 key that signs access tokens"),
      Setting.of("auth.signingKey", STRING, null, "The same key as PEM text, for secrets passed in the environment"),
      Setting.of("auth.signingKeyId", STRING, "tether-1", "kid of the signing key, published in /.well-known/jwks.json"),
      Setting.of("auth.previousKeyFile", STRING, null, "PEM (private or public) of the key used before a rotation, still accepted and published"),
      Setting.of("auth.previousKeyId", STRING, "tether-0", "kid of the previous key"),
      Setting.of("auth.refreshTokenTtlDays", INT, 30, "Lifetime of a refresh token (each refresh rotates it)").range(1, 3650),
      Setting.of("auth.jwksRefetchSeconds", INT, 30, "Least time between two fetches of an external issuer's JWKS (an unknown kid triggers one)").range(0, 86_400),
      Setting.of("auth.externalIssuers", JSON, "[]", "External identity providers: a JSON array of {issuer, audience, jwksUri, userClaim}"),
      Setting.of("auth.reauthenticationSeconds", INT, 300, "How recent a sign-in must be to delete the account without the password (accounts without one: sign in again, then delete)").range(30, 86_400),
      Setting.of("auth.serviceKeys", JSON, "[]", "Service keys declared by their hash, for setups kept in git: a JSON array of {name, sha256 (hex SHA-256 of the tsk_ key), scopes, spaces?, requestsPerSecond?}; they work beside the keys made with the admin API and cannot be revoked by it"),
      Setting.of("auth.signInProviders", JSON, "[]", "Providers whose ID tokens POST /v1/auth/exchange turns into Tether sessions: a JSON array of {name, audience, issuer, jwksUri}; apple and google know their issuer and jwksUri, audience is your app's client ids, comma-separated"),
      Setting.of("auth.issuer", STRING, "tether", "iss claim of issued access tokens, required on verification"),
      Setting.of("auth.audience", STRING, "tether", "aud claim of issued access tokens, required on verification"),
      Setting.of("auth.accessTokenTtlSeconds", INT, 900, "Lifetime of an access token"),
      Setting.of("auth.verifiedTokenCacheEntries", INT, 50_000, "Access tokens a node remembers as verified until they expire (about 300 bytes each), so a phone's reconnects and requests do not pay an ES256 verification (about 1 ms of CPU) each time; 0: verify every time").range(0, 10_000_000),
      Setting.of("auth.clockSkewSeconds", INT, 30, "Tolerated clock difference when checking exp").range(0, 600),
      Setting.of("auth.passwordIterations", INT, 600_000, "PBKDF2-HMAC-SHA256 iterations for new password hashes").range(1000, 100_000_000),
      Setting.of("auth.minPasswordLength", INT, 8, "Shortest accepted password").range(1, 1024),

      Setting.of("sync.pingIntervalSeconds", INT, 25, "How often the server pings each WebSocket"),
      Setting.of("sync.idleTimeoutSeconds", INT, 60, "A socket silent (no frame, no pong) this long is closed with 1001"),
      Setting.of("sync.authTimeoutSeconds", INT, 10, "Time a socket opened without a token has to send its auth frame"),
      Setting.of("sync.maxSubscriptions", INT, 100, "Subscriptions one connection may hold"),
      Setting.of("sync.maxConnectionsPerUser", INT, 20, "Open sockets one user may hold on one node"),
      Setting.of("sync.allowedOrigins", LIST, null, "Comma-separated Origin values allowed to open sockets (browsers); unset allows any"),
      Setting.of("sync.maxFrameBytes", INT, 1_048_576, "Largest WebSocket message; larger ones close the socket with 1009").range(1024, 64 * 1024 * 1024),
      Setting.of("sync.writeQueueBytes", INT, 262_144, "Bytes queued for one socket before it counts as lagging and is caught up from the change log when it drains").range(1024, Integer.MAX_VALUE),
      Setting.of("sync.maxWriteQueueBytes", INT, 1_048_576, "Bytes queued for one socket before its connection is closed: replies (pongs, acks, errors) are written past sync.writeQueueBytes up to here, so a client that sends but never reads cannot grow its queue").range(1024, Integer.MAX_VALUE),
      Setting.of("sync.compression", STRING, "off", "permessage-deflate for sockets: off (a client that offers it gets plain frames) or deflate (negotiated with clients that offer it; the server compresses each message once, on its own, and sends the same bytes to every compressing socket, so it keeps no compression state per socket; a client that compresses its own frames with context takeover costs one inflater per socket)").oneOf("off", "deflate"),
      Setting.of("sync.catchUpPageSize", INT, 500, "Changes read from the change log per query during catch-up").range(1, 10_000),
      Setting.of("sync.gapGraceMillis", INT, 50, "How long an out-of-order change waits for the missing ones before they are read from the change log").range(0, 60_000),
      Setting.of("sync.headCheckIntervalSeconds", INT, 5, "How often subscribed spaces are compared with the database head, to find publishes lost in a crash"),
      Setting.of("sync.membershipRecheckSeconds", INT, 120, "How often each live subscription asks PostgreSQL again whether its user is still a member (revocations travel on the bus, which can lose them); 0: never. Checked with the heartbeat, so at most every sync.pingIntervalSeconds").range(0, 86_400),

      Setting.of("limits.maxDocumentBytes", INT, 262_144, "Largest document, as JSON"),
      Setting.of("limits.maxJsonDepth", INT, 64, "Deepest JSON nesting accepted in bodies and frames").range(2, 1000),
      Setting.of("limits.maxPageSize", INT, 1000, "Largest limit for document and change listings"),
      Setting.of("limits.maxPageBytes", INT, 4194304, "About the most data one page carries (a listing, a change page, a catch-up read, a GraphQL list): a page ends at the document or change that reaches it, and says there is more").range(65_536, 1_073_741_824),
      Setting.of("limits.defaultPageSize", INT, 100, "Page size when a listing gives no limit"),
      Setting.of("limits.listingCacheEntries", INT, 1000, "First pages of listings a node keeps, each valid until its space's next write (0: none)").range(0, 1_000_000),
      Setting.of("limits.listingCacheBytes", INT, 67108864, "Characters of cached first pages a node keeps, all together (least recently used out first); a page over a tenth of it is not cached").range(0, Integer.MAX_VALUE),
      Setting.of("limits.maxMutationsPerBatch", INT, 500, "Mutations in one batch (REST or mutate frame); more gets 413"),
      Setting.of("limits.userRequestsPerSecond", INT, 50, "Sustained requests and frames per second per user (token bucket; cluster-wide with Redis)"),
      Setting.of("limits.userBurst", INT, 200, "Bucket size per user: the burst allowed above the sustained rate"),
      Setting.of("limits.ipRequestsPerSecond", INT, 200, "Sustained requests per second per client IP"),
      Setting.of("limits.ipBurst", INT, 1000, "Bucket size per client IP"),
      Setting.of("limits.emailsPerAddressPerHour", INT, 5, "Emails Tether sends one address per hour (password resets, verifications, invites), cluster-wide with Redis: the bound on what anyone can make it send a stranger").range(1, 1000),
      Setting.of("limits.inviteEmailsPerSenderPerHour", INT, 20, "Invitation emails one user may have sent per hour, cluster-wide with Redis; a space may send three times as many (its owners together). Invitations also count against limits.emailsPerAddressPerHour, and travel in their own lane of the outbox (half of mail.maxPending), so they never crowd out password resets").range(1, 10_000),
      Setting.of("limits.exportsPerHour", INT, 2, "GET /v1/me/export calls per user per hour (each reads every document of the spaces the user owns)").range(1, 1000),
      Setting.of("limits.maxExportBytes", INT, 268_435_456, "Largest export, in bytes of JSON; a larger one ends with \"complete\": false (the account part always fits)").range(1_048_576, 2_000_000_000),
      Setting.of("limits.loginAttemptsPerMinute", INT, 10, "Sign-in attempts per account per minute (three times as many per IP)"),

      Setting.of("retention.changeMaxAgeHours", INT, 720, "Changes older than this are compacted away (0: keep regardless of age)").range(0, 1_000_000),
      Setting.of("retention.changeMaxCount", INT, 0, "Changes kept per space, newest first (0: no count limit)").range(0, Integer.MAX_VALUE),
      Setting.of("retention.mutationMaxAgeHours", INT, 720, "How long a mutationId is remembered, so a replay returns its first result").range(0, 1_000_000),
      Setting.of("retention.intervalSeconds", INT, 3600, "How often the retention job runs (one node at a time)"),
      Setting.of("graphql.maxDepth", INT, 12, "Deepest GraphQL query accepted, counting the API's own fields (introspection, under __schema and __type, is not counted); deeper ones are refused before they run").range(2, 100),
      Setting.of("graphql.maxCost", INT, 20_000, "Costliest GraphQL query accepted: each field costs 1, a page costs its fields times its limit"),
      Setting.of("graphql.introspection", BOOLEAN, true, "Whether GraphQL introspection (__schema, __type) is answered; the SDL stays at /graphql/schema.graphql"),
      Setting.of("jobs.concurrency", INT, 8, "Background jobs (webhook deliveries) one node runs at once"),
      Setting.of("jobs.maxAttempts", INT, 10, "Attempts before a job is dead (kept, visible at /admin/jobs, retryable there)"),
      Setting.of("jobs.backoffBaseMillis", INT, 1000, "First retry delay ceiling; doubles per attempt, with full jitter"),
      Setting.of("jobs.backoffMaxMillis", INT, 600_000, "Longest retry delay"),
      Setting.of("jobs.pollMillis", INT, 500, "How often a node looks for runnable jobs when idle"),
      Setting.of("jobs.leaseSeconds", INT, 60, "How long an attempt may run before another node may take the job over"),
      Setting.of("webhooks.timeoutMillis", INT, 10000, "Deadline of one outbound attempt (webhook delivery, webhook push): connect, send and the whole answer, however slowly it arrives"),
      Setting.of("webhooks.allowPrivateTargets", BOOLEAN, false, "Whether webhook URLs may point at loopback, private, link-local or any other special-purpose address (off: no requests into your own network)"),
      Setting.of("webhooks.dnsServer", STRING, null, "host:port of the DNS server that resolves webhook and push-endpoint hosts (asynchronously, at every attempt); unset: the system's").matching("(\\[[0-9a-fA-F:]+\\]|[^:\\[\\]]+):[0-9]{1,5}", "host:port, for example 10.0.0.2:53 or [fd00::53]:53"),
      Setting.of("webhooks.maxPerSpace", INT, 10, "Webhooks one space may have (each is a delivery per change); more gets 413").range(0, 1000),
      Setting.of("push.collapseSeconds", INT, 10, "Changes to one space within this window wake each offline member once (one push per user and space per window)").range(0, 86_400),
      Setting.of("push.maxDevicesPerUser", INT, 20, "Devices one user may register (each is a push per change); more gets 413").range(0, 1000),
      Setting.of("push.fcm.serviceAccountFile", STRING, null, "Firebase service-account JSON (client_email, private_key, token_uri, project_id); unset: no FCM pushes"),
      Setting.of("push.fcm.endpoint", STRING, "https://fcm.googleapis.com", "FCM HTTP v1 base URL"),
      Setting.of("push.apns.keyFile", STRING, null, "APNs token-auth key (.p8); unset: no APNs pushes"),
      Setting.of("push.apns.keyId", STRING, null, "The .p8 key's id (kid)"),
      Setting.of("push.apns.teamId", STRING, null, "Apple developer team id (iss)"),
      Setting.of("push.apns.topic", STRING, null, "The app's bundle id (apns-topic)"),
      Setting.of("push.apns.endpoint", STRING, "https://api.push.apple.com", "APNs base URL (https://api.sandbox.push.apple.com for development builds)"),
      Setting.of("presence.ttlSeconds", INT, 15, "A node vouches for its sockets' presence this long and renews every third of it; a dead node's sockets leave within about 1.3x this").range(3, 3600),
      Setting.of("presence.maxStateBytes", INT, 1024, "Largest presence state a socket may set (encoded JSON)").range(2, 65_536),
      Setting.of("presence.maxSignalBytes", INT, 4096, "Largest signal payload (encoded JSON)").range(2, 65_536),
      Setting.of("presence.maxListed", INT, 100, "Members a presence_state, a diff or the REST presence lists at most; every frame also carries the count of all members, so a space of 10,000 costs each socket a bounded list, not every join").range(1, 10_000),
      Setting.of("presence.signalsPerSecond", INT, 20, "Signals and presence updates a socket may send per second per space (bursts of the same size)").range(1, 10_000),

      Setting.of("mail.host", STRING, null, "SMTP server that sends password resets, email verifications and invites. Unset: in development each email is written to the log instead (codes included); in production the reset and verification routes answer 503"),
      Setting.of("mail.port", INT, 587, "SMTP port (587 submission with STARTTLS, 465 implicit TLS, 25 relay)").range(1, 65535),
      Setting.of("mail.security", STRING, "starttls", "starttls (required: the connection is refused without it), optional (STARTTLS when offered), tls (implicit TLS, port 465) or none (plain; a relay on localhost)").oneOf("starttls", "optional", "tls", "none"),
      Setting.of("mail.username", STRING, null, "SMTP user name; unset sends without logging in"),
      Setting.of("mail.password", STRING, null, "SMTP password (TETHER_MAIL_PASSWORD keeps it out of files)"),
      Setting.of("mail.from", STRING, "Tether <no-reply@localhost>", "The From of every email: an address your SMTP server may send as"),
      Setting.of("mail.appName", STRING, "Tether", "The app's name as emails show it ({{appName}} in templates)"),
      Setting.of("mail.templatesDir", STRING, null, "Directory of templates replacing the shipped ones (password-reset, verify-email, invite; .txt and optional .html), read and checked at start"),
      Setting.of("mail.resetUrl", STRING, "/demo/#reset={code}", "The link in a password-reset email, {code} replaced by the code: your app's deep link, or a path under server.publicUrl"),
      Setting.of("mail.verifyUrl", STRING, "/demo/#verify={code}", "The link in a verification email, {code} replaced by the code"),
      Setting.of("mail.resetCodeMinutes", INT, 30, "How long a password-reset code works (once)").range(5, 1440),
      Setting.of("mail.verifyCodeHours", INT, 48, "How long an email-verification code works (once)").range(1, 720),
      Setting.of("mail.maxConnections", INT, 4, "SMTP connections a node keeps open at most").range(1, 100),
      Setting.of("mail.maxPending", INT, 1000, "Emails a node may be sending at once; more are dropped and counted (tether_mail_dropped_total), never queued without bound").range(1, 100_000));

  private Settings() {}

  public static Setting byPath(String path) {
    return ALL.stream().filter(s -> s.path().equals(path)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no setting " + path));
  }
}
