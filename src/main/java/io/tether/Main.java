package io.tether;

import io.tether.config.ConfigException;
import io.tether.limits.ConnectionCounter;
import io.tether.push.ApnsProvider;
import io.tether.push.FcmProvider;
import io.tether.presence.LocalPresenceStore;
import io.tether.presence.PresenceService;
import io.tether.presence.PresenceStore;
import io.tether.presence.RedisPresenceStore;
import io.tether.push.LocalOnlineUsers;
import io.tether.push.OnlineUsers;
import io.tether.push.PushJobs;
import io.tether.push.PushProvider;
import io.tether.push.RedisOnlineUsers;
import io.tether.push.WebhookPushProvider;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import io.tether.store.WriteHook;

import io.tether.jobs.Backoff;
import io.tether.push.DeviceStore;
import io.tether.jobs.JobHandler;
import io.tether.jobs.JobQueue;
import io.tether.jobs.JobRunner;
import io.tether.jobs.JobVerticle;
import io.tether.webhooks.WebhookDelivery;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.Map;

import io.tether.auth.AccountService;
import io.tether.auth.MembershipCache;
import io.tether.auth.PasswordHasher;
import io.tether.auth.SigningKeys;
import io.tether.bench.Bench;
import io.tether.auth.SpaceAccess;
import io.tether.auth.TokenService;
import io.tether.bus.ChangeBus;
import io.tether.bus.LocalChangeBus;
import io.tether.bus.RedisChangeBus;
import io.tether.config.ConfigException;
import io.tether.config.ConfigLoader;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.core.MutationParser;
import io.tether.http.ApiVerticle;
import io.tether.limits.ConnectionCounter;
import io.tether.limits.LocalRateLimiter;
import io.tether.limits.RateLimiter;
import io.tether.limits.RedisRateLimiter;
import io.tether.limits.RequestLimits;
import io.tether.ops.Drain;
import io.tether.ops.InstanceStats;
import io.tether.ops.LogSetup;
import io.tether.ops.Metrics;
import io.tether.service.DocumentService;
import io.tether.service.MutationService;
import io.tether.service.FirstPageCache;
import io.tether.service.ReadService;
import io.tether.store.ChangeLog;
import io.tether.store.ChangeWriter;
import io.tether.store.Database;
import io.tether.store.DocumentStore;
import io.tether.store.EmbeddedDatabase;
import io.tether.store.Migrator;
import io.tether.store.MutationStore;
import io.tether.store.PgChangeLog;
import io.tether.store.RefreshTokenStore;
import io.tether.store.RetentionJob;
import io.tether.store.RetentionVerticle;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import sun.misc.Signal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: reads the configuration, builds the node and deploys the API verticles. */
public final class Main {
  private static final Logger LOG;

  static {
    // Chooses the log format before the first logger exists, so even start-up lines are in it.
    LogSetup.beforeLogging(System.getenv());
    LOG = LoggerFactory.getLogger(Main.class);
  }

  private Main() {}

  private static final String USAGE = """
      Usage: java -jar tether.jar            start a node (configuration: conf/config.json, TETHER_* variables)
             java -jar tether.jar bench ...  run a benchmark against running nodes (bench --help)
             java -jar tether.jar --help     this text

      With no TETHER_PG_URL, an embedded PostgreSQL keeps its data in TETHER_DATA_DIR (./data);
      with no TETHER_REDIS_URL, the node runs alone on its local bus.
      """;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("bench")) {
      Bench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0) {
      // Anything else (--help, a typo) prints the usage instead of starting a server by surprise.
      boolean asked = args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help");
      (asked ? System.out : System.err).print(USAGE);
      System.exit(asked ? 0 : 2);
      return;
    }
    TetherConfig config;
    try {
      config = ConfigLoader.fromEnvironment(System.getenv());
    } catch (ConfigException e) {
      LOG.error(e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config);
    String registry = "tether";
    Vertx vertx = Vertx.vertx(vertxOptions(config, registry));
    start(vertx, config, registry)
        .onSuccess(node -> {
          // SIGTERM and SIGINT drain the node, then exit 0 (a JVM shutdown hook would exit 143).
          for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), sig -> node.drainAndStop()
                .onComplete(ar -> {
                  LOG.info("Stopped after SIG{}", signal);
                  System.exit(0);
                }));
          }
          LOG.info("Tether listening on {}:{} with {} API verticle instances, {} bus",
              config.http().host(), config.http().port(), config.http().effectiveInstances(),
              config.redis().enabled() ? "Redis" : "local");
        })
        .onFailure(err -> {
          LOG.error("Tether did not start: {}", err.getMessage(), err);
          vertx.close();
          System.exit(1);
        });
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
   * URL is configured (blocking, so call this from a plain thread), migrations, the bus, the retention
   * worker, then the API verticles. Tests start nodes the same way.
   */
  public static Future<RunningNode> start(Vertx vertx, TetherConfig config, String registryName) {
    EmbeddedDatabase embedded = config.pg().embedded()
        ? EmbeddedDatabase.start(Path.of(config.pg().dataDir()), config.pg().embeddedPort())
        : null;
    String pgUrl = embedded != null ? embedded.url() : config.pg().url();
    SigningKeys keys = SigningKeys.load(config.auth());
    if (keys == null && config.auth().usesDevelopmentSecret()) {
      LOG.warn("Access tokens are signed with the development HS256 secret: configure auth.signingKeyFile "
          + "(and server.mode=production) before exposing this server");
    }
    Metrics metrics = new Metrics(BackendRegistries.getNow(registryName));
    Pool pool = Database.pool(vertx, pgUrl, config.pg());
    Migrator migrator = new Migrator(pool);
    // The dummy hash costs one full PBKDF2 run: do it here, on the starting thread, not an event loop.
    PasswordHasher hasher = new PasswordHasher(config.auth().passwordIterations());
    TokenService tokens = new TokenService(vertx, config.auth(), keys, metrics);
    UserStore users = new UserStore(pool);
    AccountService accounts = new AccountService(vertx, users,
        new RefreshTokenStore(pool, config.auth().refreshTokenTtlDays()), hasher, tokens, config.auth().minPasswordLength());
    return migrator.migrate()
        .recover(err -> Future.failedFuture(new IllegalStateException("PostgreSQL (" + Database.describe(pgUrl)
            + ") could not be migrated: " + err.getMessage() + " (connections wait at most pg.connectTimeoutMillis = "
            + config.pg().connectTimeoutMillis() + " ms)", err)))
        .compose(applied -> startBus(vertx, config))
        .compose(bus -> {
          // Invalidations reach this node only once its membership channel is active: wait for it.
          MembershipCache memberships = new MembershipCache(60_000, 100_000, bus::connected);
          return bus.subscribe(ChangeBus.MEMBERSHIPS, memberships).map(subscribed -> new Messaging(bus, memberships));
        })
        .compose(messaging -> {
          ChangeBus bus = messaging.bus();
          MembershipCache memberships = messaging.memberships();
          if (bus instanceof RedisChangeBus redis) {
            metrics.bindCounter("tether.bus.reconnects", "Reconnections of the Redis subscriber", redis, RedisChangeBus::reconnects);
          }
          Node node = node(vertx, config, pool, bus, memberships, users, tokens, accounts, metrics);
          TetherConfig.Retention retention = config.retention();
          RetentionJob job = new RetentionJob(pool, retention.changeMaxCount(), retention.changeMaxAgeHours(),
              retention.mutationMaxAgeHours());
          return vertx.deployVerticle(new RetentionVerticle(job, retention.intervalSeconds() * 1000L),
                  new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
              .compose(retentionId -> vertx.deployVerticle(jobVerticle(vertx, node)))
              .compose(jobsId -> vertx.deployVerticle(() -> new ApiVerticle(node),
                  new DeploymentOptions().setInstances(config.http().effectiveInstances())))
              .map(deployment -> new RunningNode(vertx, node, deployment, embedded));
        })
        .onFailure(err -> {
          pool.close();
          if (embedded != null) {
            embedded.close();
          }
        });
  }

  /** Background jobs on their own event loop: webhook deliveries and push notifications. */
  private static JobVerticle jobVerticle(Vertx vertx, Node node) {
    TetherConfig.Jobs jobs = node.config().jobs();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setMaxRedirects(0),
        new PoolOptions().setHttp1MaxSize(jobs.concurrency()));
    Map<String, JobHandler> handlers = new HashMap<>();
    handlers.put(WebhookStore.JOB_KIND,
        new WebhookDelivery(node.webhooks(), node.changeLog(), http, node.config().webhooks().timeoutMillis()));
    handlers.put(PushJobs.FANOUT, node.push().fanout());
    handlers.put(PushJobs.SEND, node.push().send());
    JobRunner runner = new JobRunner(node.jobs(), handlers, jobs.concurrency(), jobs.maxAttempts(), jobs.leaseSeconds(),
        new Backoff(jobs.backoffBaseMillis(), jobs.backoffMaxMillis()), node.metrics());
    return new JobVerticle(runner, jobs.pollMillis());
  }

  /** Push notifications: to webhook devices always, to FCM and APNs devices when their credentials are configured. */
  private static PushJobs push(Vertx vertx, TetherConfig config, Pool pool, ConnectionCounter connections, DeviceStore devices) {
    TetherConfig.Push push = config.push();
    Map<String, PushProvider> providers = new HashMap<>();
    // Webhook devices need no credentials: pushes are always on.
    providers.put("webhook", new WebhookPushProvider(vertx.createHttpClient(new HttpClientOptions().setMaxRedirects(0)),
        config.webhooks().timeoutMillis()));
    if (push.fcm()) {
      JsonObject account = new JsonObject(readFile(push.fcmServiceAccountFile(), "push.fcm.serviceAccountFile"));
      providers.put("fcm", new FcmProvider(vertx, vertx.createHttpClient(), account, push.fcmEndpoint()));
    }
    if (push.apns()) {
      // APNs speaks HTTP/2 only: ALPN over TLS, or prior knowledge over cleartext (local test servers).
      HttpClient http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setUseAlpn(true).setHttp2ClearTextUpgrade(false).setSsl(push.apnsEndpoint().startsWith("https:")));
      providers.put("apns", new ApnsProvider(vertx, http2, readFile(push.apnsKeyFile(), "push.apns.keyFile"), push.apnsKeyId(),
          push.apnsTeamId(), push.apnsTopic(), push.apnsEndpoint()));
    }
    OnlineUsers online = config.redis().enabled()
        ? new RedisOnlineUsers(vertx, Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url())),
            config.redis().channelPrefix(), connections, 10_000)
        : new LocalOnlineUsers(connections);
    return new PushJobs(pool, online, devices, providers);
  }

  /** Presence: in memory on one node, in Redis (renewed, expiring) across many. */
  private static PresenceService presence(Vertx vertx, TetherConfig config, ChangeBus bus) {
    PresenceStore store = config.redis().enabled()
        ? new RedisPresenceStore(vertx, Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url())
            .setMaxPoolSize(config.redis().poolSize()).setMaxPoolWaiting(10_000)), config.redis().channelPrefix(),
            config.presence().ttlSeconds() * 1000L)
        : new LocalPresenceStore();
    return new PresenceService(store, bus, config.presence());
  }

  private static String readFile(String path, String setting) {
    try {
      return java.nio.file.Files.readString(Path.of(path));
    } catch (java.io.IOException e) {
      throw new ConfigException(setting, "cannot read " + path + ": " + e.getMessage());
    }
  }

  private static Node node(Vertx vertx, TetherConfig config, Pool pool, ChangeBus bus, MembershipCache memberships,
                           UserStore users, TokenService tokens, AccountService accounts, Metrics metrics) {
    SpaceStore spaces = new SpaceStore(pool);
    metrics.bindCounter("tether.membership.cache.hits", "Role lookups answered from the node's cache", memberships,
        MembershipCache::hits);
    metrics.bindCounter("tether.membership.cache.misses", "Role lookups that went to PostgreSQL", memberships,
        MembershipCache::misses);
    SpaceAccess access = new SpaceAccess(spaces, memberships, bus);
    // What a write causes beyond the change log commits with it: webhook deliveries, push jobs.
    List<WriteHook> hooks = new ArrayList<>(List.of(WebhookStore.DELIVERIES));
    WriteHook push = PushJobs.writeHook(config.push().collapseSeconds());
    if (push != null) {
      hooks.add(push);
    }
    ChangeWriter writer = new ChangeWriter(pool, config.limits().maxDocumentBytes(), hooks);
    DocumentService documents = new DocumentService(access, writer, bus, metrics);
    MutationService mutations = new MutationService(access, new MutationStore(pool, writer), documents,
        new MutationParser(config.limits().maxDocumentBytes()), config.limits().maxMutationsPerBatch());
    RateLimiter limiter = config.redis().enabled()
        ? new RedisRateLimiter(Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url())
            .setMaxPoolSize(config.redis().poolSize()).setMaxPoolWaiting(10_000)), config.redis().channelPrefix())
        : new LocalRateLimiter();
    DocumentStore documentStore = new DocumentStore(pool);
    ChangeLog changeLog = new PgChangeLog(pool);
    ConnectionCounter connections = new ConnectionCounter(config.sync().maxConnectionsPerUser());
    DeviceStore devices = new DeviceStore(pool);
    return new Node(vertx, config, pool, bus, users, spaces, documentStore, changeLog,
        tokens, accounts, access, documents, reads(documentStore, changeLog, access, config, metrics), mutations,
        new JsonLimits(config.limits().maxJsonDepth()), new RequestLimits(limiter, config.limits(), metrics), connections,
        metrics, new Drain(), new InstanceStats(), new WebhookStore(pool), new JobQueue(pool),
        devices, push(vertx, config, pool, connections, devices), presence(vertx, config, bus));
  }

  private static ReadService reads(DocumentStore documents, ChangeLog changeLog, SpaceAccess access, TetherConfig config,
                                   Metrics metrics) {
    FirstPageCache firstPages = new FirstPageCache(config.limits().listingCacheEntries(), 4L * 1024 * 1024);
    metrics.bindCounter("tether.listing.cache.hits", "First pages of listings answered from the node's cache", firstPages,
        FirstPageCache::hits);
    metrics.bindCounter("tether.listing.cache.misses", "First pages of listings read from PostgreSQL", firstPages,
        FirstPageCache::misses);
    return new ReadService(access, documents, changeLog, firstPages);
  }

  /** The bus, and the membership cache that listens on it. */
  private record Messaging(ChangeBus bus, MembershipCache memberships) {}

  private static Future<ChangeBus> startBus(Vertx vertx, TetherConfig config) {
    return config.redis().enabled()
        ? RedisChangeBus.start(vertx, config.redis()).map(bus -> (ChangeBus) bus)
        : Future.succeededFuture(new LocalChangeBus(vertx));
  }
}
