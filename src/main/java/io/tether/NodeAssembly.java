package io.tether;

import io.tether.auth.AccountEmails;
import io.tether.auth.AccountService;
import io.tether.auth.ProviderSignIn;
import io.tether.store.IdentityStore;
import io.tether.store.AccountStore;
import io.tether.service.AccountDeletion;
import io.tether.service.AccountExport;
import io.tether.mail.LogMailer;
import io.tether.mail.MailTemplates;
import io.tether.mail.Mailer;
import io.tether.mail.Outbox;
import io.tether.mail.SmtpMailer;
import io.tether.store.EmailCodeStore;
import io.tether.auth.MembershipCache;
import io.tether.auth.PasswordHasher;
import io.tether.auth.SigningKeys;
import io.tether.auth.ServiceKeys;
import io.tether.auth.SpaceAccess;
import io.tether.auth.TokenService;
import io.tether.bus.ChangeBus;
import io.tether.bus.LocalChangeBus;
import io.tether.bus.RedisChangeBus;
import io.tether.config.ConfigException;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.core.MutationParser;
import io.tether.http.ApiVerticle;
import io.tether.jobs.Backoff;
import io.tether.jobs.JobHandler;
import io.tether.jobs.JobQueue;
import io.tether.jobs.JobRunner;
import io.tether.jobs.JobVerticle;
import io.tether.limits.ConnectionCounter;
import io.tether.limits.LocalRateLimiter;
import io.tether.limits.RateLimiter;
import io.tether.limits.RedisRateLimiter;
import io.tether.limits.RequestLimits;
import io.tether.ops.Closer;
import io.tether.ops.Drain;
import io.tether.ops.InstanceStats;
import io.tether.ops.Metrics;
import io.tether.presence.LocalPresenceStore;
import io.tether.presence.PresenceService;
import io.tether.presence.PresenceStore;
import io.tether.presence.RedisPresenceStore;
import io.tether.push.ApnsProvider;
import io.tether.push.DeviceStore;
import io.tether.push.FcmProvider;
import io.tether.push.LocalOnlineUsers;
import io.tether.push.OnlineUsers;
import io.tether.push.PushJobs;
import io.tether.push.PushProvider;
import io.tether.push.RedisOnlineUsers;
import io.tether.push.WebhookPushProvider;
import io.tether.redis.RedisShard;
import io.tether.service.DocumentService;
import io.tether.service.FirstPageCache;
import io.tether.service.MutationService;
import io.tether.service.InviteService;
import io.tether.service.ProfileService;
import io.tether.service.ReadService;
import io.tether.service.RulesService;
import io.tether.service.SpaceService;
import io.tether.service.WebhookService;
import io.tether.webhooks.OutboundCall;
import io.tether.webhooks.OutboundTargets;
import io.tether.store.ChangeLog;
import io.tether.store.ChangeWriter;
import io.tether.store.Database;
import io.tether.store.DocumentStore;
import io.tether.store.EmbeddedDatabase;
import io.tether.store.GeneratedKeyStore;
import io.tether.store.Migrator;
import io.tether.store.MutationStore;
import io.tether.store.PgChangeLog;
import io.tether.store.RefreshTokenStore;
import io.tether.store.RetentionJob;
import io.tether.store.RetentionVerticle;
import io.tether.store.InviteStore;
import io.tether.store.ProfileStore;
import io.tether.store.RulesStore;
import io.tether.rules.RulesCache;
import io.tether.service.DeletedSpaceRules;
import io.tether.presence.DisplayNames;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.tether.store.WriteHook;
import io.tether.webhooks.WebhookDelivery;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a node from its configuration, one feature at a time, and registers every resource's closing
 * with the node's {@link Closer} in the statement that builds it. The command line ({@link Main}) and
 * the tests start nodes through {@link #start}.
 */
public final class NodeAssembly {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAssembly.class);

  /** Compiled rules versions a node keeps (each at most 64 KiB of text). */
  private static final int RULES_CACHE_ENTRIES = 1000;

  private final Vertx vertx;
  private final TetherConfig config;
  private final Metrics metrics;
  private final Closer closer = new Closer();

  private NodeAssembly(Vertx vertx, TetherConfig config, String registryName) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = new Metrics(BackendRegistries.getNow(registryName));
  }

  /** Vert.x options of a node: event loops, and Micrometer metrics (Prometheus) under {@code registryName}. */
  public static VertxOptions vertxOptions(TetherConfig config, String registryName) {
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName(registryName)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    if (config.server().eventLoops() > 0) {
      options.setEventLoopPoolSize(config.server().eventLoops());
    }
    return options;
  }

  /**
   * Starts a node on {@code vertx} (created with {@link #vertxOptions}): the embedded PostgreSQL if no
   * URL is configured (blocking, so call this from a plain thread), migrations, Redis and the bus, the
   * features, the retention and job workers, then the API verticles. If any step fails, what was
   * built before it is closed again.
   */
  public static Future<RunningNode> start(Vertx vertx, TetherConfig config, String registryName) {
    NodeAssembly assembly = new NodeAssembly(vertx, config, registryName);
    try {
      return assembly.start().onFailure(err -> assembly.closer.close());
    } catch (RuntimeException e) {
      assembly.closer.close();
      throw e;
    }
  }

  private Future<RunningNode> start() {
    EmbeddedDatabase embedded = config.pg().embedded()
        ? closer.register("embedded PostgreSQL",
            EmbeddedDatabase.start(Path.of(config.pg().dataDir()), config.pg().embeddedPort()),
            // Stopping PostgreSQL waits for its process: on a worker, not the event loop the stop runs on.
            database -> vertx.executeBlocking(() -> {
              database.close();
              return null;
            }))
        : null;
    String pgUrl = embedded != null ? embedded.url() : config.pg().url();
    Pool pool = closer.register("PostgreSQL pool", Database.pool(vertx, pgUrl, config.pg()), Pool::close);
    // Key files are read here, on the starting thread: a bad one stops the start before anything else.
    SigningKeys configuredKeys = SigningKeys.load(config.auth());
    // The dummy hash costs one full PBKDF2 run: do it here, on the starting thread, not an event loop.
    PasswordHasher hasher = new PasswordHasher(config.auth().passwordIterations());
    // Templates are files too: read and checked here, so a bad one stops the start.
    Outbox outbox = outbox(MailTemplates.load(config.mail().templatesDir()));
    RedisShard redis = config.redis().enabled()
        ? closer.register("Redis", RedisShard.create(vertx, config.redis()), RedisShard::close)
        : null;
    return new Migrator(pool).migrate()
        .recover(err -> Future.failedFuture(new IllegalStateException("PostgreSQL (" + Database.describe(pgUrl)
            + ") could not be migrated: " + err.getMessage() + " (connections wait at most pg.connectTimeoutMillis = "
            + config.pg().connectTimeoutMillis() + " ms)", err)))
        .compose(applied -> signingKeys(pool, configuredKeys))
        .compose(keys -> bus(redis).compose(bus -> {
          // Invalidations reach this node only once its membership channel is active: wait for it.
          MembershipCache memberships = new MembershipCache(60_000, 100_000, bus::connected);
          RulesCache rules = new RulesCache(RULES_CACHE_ENTRIES);
          return bus.subscribe(ChangeBus.MEMBERSHIPS, memberships)
              .compose(subscribed -> bus.subscribe(ChangeBus.MEMBERSHIPS, new DeletedSpaceRules(rules)))
              .map(subscribed -> node(pool, redis, bus, memberships, rules, hasher, keys, outbox))
              // Deletions of users reach this node's token checks from every node.
              .compose(node -> bus.subscribe(ChangeBus.MEMBERSHIPS, node.auth().tokens().deletedUsers()).map(node))
              // Revoked service keys, from every node.
              .compose(node -> bus.subscribe(ChangeBus.MEMBERSHIPS, node.auth().services()).map(node));
        }))
        .compose(node -> deployWorkers(node, pool)
            .compose(v -> deploy("API verticles", () -> new ApiVerticle(node),
                new DeploymentOptions().setInstances(config.http().effectiveInstances())))
            .map(v -> new RunningNode(vertx, node, closer)));
  }

  /**
   * The configured ES256 key; with none, in development, a key generated for this database (HS256
   * only when a secret was configured on purpose): tokens are never signed with a published secret.
   */
  private Future<SigningKeys> signingKeys(Pool pool, SigningKeys configured) {
    if (configured != null) {
      return Future.succeededFuture(configured);
    }
    if (!config.auth().usesDevelopmentSecret()) {
      LOG.warn("Access tokens are signed with the HS256 secret in auth.jwtSecret: configure auth.signingKeyFile "
          + "(and server.mode=production) before exposing this server");
      return Future.succeededFuture(null);
    }
    return new GeneratedKeyStore(pool).obtain(SigningKeys::generatePem).map(pem -> {
      SigningKeys generated = SigningKeys.generated(pem);
      LOG.info("Access tokens are signed with an ES256 key generated for this database ({}); "
          + "production takes its key from auth.signingKeyFile", generated.jwks().getJsonArray("keys")
          .getJsonObject(0).getString("kid"));
      return generated;
    });
  }

  private Future<ChangeBus> bus(RedisShard redis) {
    if (redis == null) {
      return Future.succeededFuture(closer.register("bus", new LocalChangeBus(vertx), ChangeBus::close));
    }
    return RedisChangeBus.start(vertx, redis).map(bus -> {
      metrics.bindCounter("tether.bus.reconnects", "Reconnections of the Redis subscriber", bus, RedisChangeBus::reconnects);
      return closer.register("bus", (ChangeBus) bus, ChangeBus::close);
    });
  }

  private Node node(Pool pool, RedisShard redis, ChangeBus bus, MembershipCache memberships, RulesCache rules,
                    PasswordHasher hasher, SigningKeys keys, Outbox outbox) {
    int pageBytes = config.limits().maxPageBytes();
    Node.Stores stores = new Node.Stores(pool, new UserStore(pool), new SpaceStore(pool),
        new DocumentStore(pool, pageBytes), new PgChangeLog(pool, pageBytes),
        new RulesStore(pool, rules));
    Node.Auth auth = auth(stores, bus, memberships, hasher, keys, outbox);
    ConnectionCounter connections = new ConnectionCounter(config.sync().maxConnectionsPerUser());
    Node.Guards guards = new Node.Guards(new JsonLimits(config.limits().maxJsonDepth()),
        new RequestLimits(rateLimiter(redis), config.limits(), metrics), connections,
        new OutboundTargets(vertx, config.webhooks().allowPrivateTargets(), config.webhooks().dnsServer(),
            config.webhooks().timeoutMillis()));
    Node.Jobs jobs = new Node.Jobs(new JobQueue(pool), new WebhookStore(pool));
    PresenceService presence = presence(pool, redis, bus);
    Node.Push push = push(pool, jobs.queue(), redis, connections, stores.rules(), guards.outbound());
    Node.Spaces spaces = new Node.Spaces(
        new SpaceService(stores.spaces(), stores.users(), auth.access(), bus, push.jobs()),
        new WebhookService(jobs.webhooks(), auth.access(), guards.outbound(), config.webhooks().maxPerSpace()),
        new RulesService(auth.access(), stores.rules(), stores.changeLog(), bus),
        new ProfileService(new ProfileStore(pool), presence.names()::forget),
        new InviteService(auth.access(), new InviteStore(pool), (email, sender, spaceId, code, space, inviter, role, hours) ->
            guards.limits().inviteEmail(email, sender, spaceId)
                .compose(ok -> auth.emails().sendInvite(email, code, space, inviter, role, hours))),
        new AccountDeletion(new AccountStore(pool), stores.users(), auth.accounts(), auth.access(), bus, jobs.queue(),
            auth.tokens().deletedUsers(), config.auth().reauthenticationSeconds()),
        new AccountExport(new AccountStore(pool), stores.documents(), config.limits().maxExportBytes()));
    return new Node(vertx, config, stores, bus, auth, documents(stores, auth.access(), bus, presence), spaces, guards,
        presence, push, jobs, new Node.Ops(metrics, new Drain(), new InstanceStats()));
  }

  /**
   * Email: through SMTP when mail.host is set; in development without it, into the log; in
   * production without it, none (null: the routes that need email answer 503).
   */
  private Outbox outbox(MailTemplates templates) {
    Mailer mailer;
    if (config.mail().enabled()) {
      mailer = closer.register("SMTP client", new SmtpMailer(vertx, config.mail()), Mailer::close);
    } else if (!config.production()) {
      LOG.warn("mail.host is unset: password-reset and verification emails are written to this log, not sent");
      mailer = new LogMailer();
    } else {
      return null;
    }
    Outbox outbox = new Outbox(mailer, templates, config.mail().maxPending());
    metrics.bindCounter("tether.mail.sent", "Emails handed to the SMTP server", outbox, Outbox::sent);
    metrics.bindCounter("tether.mail.failed", "Emails the SMTP server did not take", outbox, Outbox::failed);
    metrics.bindCounter("tether.mail.dropped", "Emails dropped because mail.maxPending were being sent", outbox,
        Outbox::dropped);
    metrics.bindCounter("tether.mail.invites.dropped", "Invitation emails dropped because their lane (half of mail.maxPending) was full",
        outbox, Outbox::bulkDropped);
    return outbox;
  }

  private Node.Auth auth(Node.Stores stores, ChangeBus bus, MembershipCache memberships, PasswordHasher hasher,
                         SigningKeys keys, Outbox outbox) {
    metrics.bindCounter("tether.membership.cache.hits", "Role lookups answered from the node's cache", memberships,
        MembershipCache::hits);
    metrics.bindCounter("tether.membership.cache.misses", "Role lookups that went to PostgreSQL", memberships,
        MembershipCache::misses);
    metrics.bindCounter("tether.rules.over.budget", "Rule evaluations that ran out of their budget and denied",
        io.tether.rules.Rules.overBudgetCounter(), java.util.concurrent.atomic.LongAdder::sum);
    TokenService tokens = new TokenService(vertx, config.auth(), keys, metrics);
    // PBKDF2 is CPU-bound: one thread per core at most, apart from the pool everything else blocks on.
    WorkerExecutor hashing = closer.register("password hashing pool", vertx.createSharedWorkerExecutor(
        "tether-password-hashing", Runtime.getRuntime().availableProcessors()), WorkerExecutor::close);
    AccountService accounts = new AccountService(hashing, stores.users(),
        new RefreshTokenStore(stores.pool(), config.auth().refreshTokenTtlDays()), hasher, tokens,
        config.auth().minPasswordLength());
    AccountEmails emails = new AccountEmails(accounts, stores.users(), new EmailCodeStore(stores.pool()), outbox,
        config.server(), config.mail());
    ProviderSignIn providers = new ProviderSignIn(vertx, httpClient("JWKS client", new HttpClientOptions(), new PoolOptions()),
        config.auth(), new IdentityStore(stores.pool()), accounts);
    ServiceKeys services = new ServiceKeys(new io.tether.store.ServiceKeyStore(stores.pool()), bus, config.auth().serviceKeys());
    return new Node.Auth(tokens, accounts, new SpaceAccess(stores.spaces(), memberships, bus, services::grantOf), emails,
        providers, services);
  }

  private Node.Documents documents(Node.Stores stores, SpaceAccess access, ChangeBus bus, PresenceService presence) {
    // What a write causes beyond the change log commits with it: webhook deliveries, push jobs.
    List<WriteHook> hooks = new ArrayList<>(List.of(WebhookStore.DELIVERIES));
    WriteHook push = PushJobs.writeHook(config.push().collapseSeconds());
    if (push != null) {
      hooks.add(push);
    }
    int maxDocumentBytes = config.limits().maxDocumentBytes();
    ChangeWriter writer = new ChangeWriter(stores.pool(), maxDocumentBytes, hooks, stores.rules());
    DocumentService writes = new DocumentService(access, writer, bus, metrics);
    FirstPageCache firstPages = new FirstPageCache(config.limits().listingCacheEntries(),
        config.limits().listingCacheBytes());
    metrics.bindCounter("tether.listing.cache.hits", "First pages of listings answered from the node's cache", firstPages,
        FirstPageCache::hits);
    metrics.bindCounter("tether.listing.cache.misses", "First pages of listings read from PostgreSQL", firstPages,
        FirstPageCache::misses);
    ChangeLog changeLog = stores.changeLog();
    ReadService reads = new ReadService(access, stores.documents(), changeLog, firstPages, presence, stores.rules());
    MutationService mutations = new MutationService(access, new MutationStore(stores.pool(), writer), writes, reads,
        new MutationParser(maxDocumentBytes), config.limits().maxMutationsPerBatch());
    return new Node.Documents(writes, reads, mutations);
  }

  private RateLimiter rateLimiter(RedisShard redis) {
    return redis == null ? new LocalRateLimiter() : new RedisRateLimiter(vertx, redis.commands(RedisShard.Use.RATE_LIMITS), redis.prefix());
  }

  /** Presence: in memory on one node, in Redis (renewed, expiring) across many. */
  private PresenceService presence(Pool pool, RedisShard redis, ChangeBus bus) {
    PresenceStore store = redis == null
        ? new LocalPresenceStore()
        : new RedisPresenceStore(vertx, redis.commands(RedisShard.Use.PRESENCE), redis.prefix(), config.presence().ttlSeconds() * 1000L);
    return new PresenceService(closer.registerSync("presence renewals", store, PresenceStore::close), bus,
        config.presence(), new DisplayNames(new ProfileStore(pool), 60_000, 100_000));
  }

  /** Push notifications: to webhook devices always, to FCM and APNs devices when their credentials are configured. */
  private Node.Push push(Pool pool, JobQueue queue, RedisShard redis, ConnectionCounter connections, RulesStore rules,
                         OutboundTargets outbound) {
    TetherConfig.Push push = config.push();
    Map<String, PushProvider> providers = new HashMap<>();
    // Webhook devices need no credentials: pushes are always on.
    providers.put("webhook", new WebhookPushProvider(new OutboundCall(vertx, httpClient("webhook push client",
        new HttpClientOptions().setMaxRedirects(0), new PoolOptions()), outbound, config.webhooks().timeoutMillis())));
    if (push.fcm().enabled()) {
      JsonObject account = new JsonObject(readFile(push.fcm().serviceAccountFile(), "push.fcm.serviceAccountFile"));
      providers.put("fcm", new FcmProvider(vertx, httpClient("FCM client", new HttpClientOptions(), new PoolOptions()),
          account, push.fcm().endpoint()));
    }
    if (push.apns().enabled()) {
      // APNs speaks HTTP/2 only: ALPN over TLS, or prior knowledge over cleartext (local test servers).
      HttpClient http2 = httpClient("APNs client", new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setUseAlpn(true).setHttp2ClearTextUpgrade(false).setSsl(push.apns().endpoint().startsWith("https:")),
          new PoolOptions());
      providers.put("apns", new ApnsProvider(vertx, http2, readFile(push.apns().keyFile(), "push.apns.keyFile"),
          push.apns().keyId(), push.apns().teamId(), push.apns().topic(), push.apns().endpoint()));
    }
    OnlineUsers online = redis == null
        ? new LocalOnlineUsers(connections)
        : new RedisOnlineUsers(vertx, redis.commands(RedisShard.Use.ONLINE_USERS), redis.prefix(), connections, 10_000);
    closer.registerSync("online-users renewals", online, OnlineUsers::close);
    DeviceStore devices = new DeviceStore(pool);
    return new Node.Push(devices, new PushJobs(pool, queue, online, devices, providers, push.collapseSeconds(), rules));
  }

  /** The retention worker, and background jobs on their own event loop: webhook deliveries and push notifications. */
  private Future<Void> deployWorkers(Node node, Pool pool) {
    TetherConfig.Retention retention = config.retention();
    RetentionJob job = new RetentionJob(pool, retention.changeMaxCount(), retention.changeMaxAgeHours(),
        retention.mutationMaxAgeHours());
    TetherConfig.Jobs jobs = config.jobs();
    HttpClient http = httpClient("webhook client", new HttpClientOptions().setMaxRedirects(0),
        new PoolOptions().setHttp1MaxSize(jobs.concurrency()));
    Map<String, JobHandler> handlers = new HashMap<>();
    handlers.put(WebhookStore.JOB_KIND, new WebhookDelivery(node.jobs().webhooks(), node.stores().changeLog(),
        new OutboundCall(vertx, http, node.guards().outbound(), config.webhooks().timeoutMillis())));
    handlers.put(PushJobs.FANOUT, node.push().jobs().fanout());
    handlers.put(PushJobs.SEND, node.push().jobs().send());
    handlers.put(AccountDeletion.ANONYMIZE_JOB, node.spaces().deletion().anonymizer());
    JobRunner runner = new JobRunner(node.jobs().queue(), handlers, jobs.concurrency(), jobs.maxAttempts(),
        jobs.leaseSeconds(), new Backoff(jobs.backoffBaseMillis(), jobs.backoffMaxMillis()), metrics);
    return deploy("retention worker", () -> new RetentionVerticle(job, retention.intervalSeconds() * 1000L),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .compose(v -> deploy("job worker", () -> new JobVerticle(runner, jobs.pollMillis()), new DeploymentOptions()));
  }

  private Future<Void> deploy(String name, java.util.function.Supplier<io.vertx.core.Deployable> verticle,
                              DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options)
        .map(id -> {
          closer.register(name, id, vertx::undeploy);
          return null;
        });
  }

  private HttpClient httpClient(String name, HttpClientOptions options, PoolOptions pool) {
    return closer.register(name, vertx.createHttpClient(options, pool), HttpClient::close);
  }

  private static String readFile(String path, String setting) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new ConfigException(setting, "cannot read " + path + ": " + e.getMessage());
    }
  }
}
