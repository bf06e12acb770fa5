package io.tether.suites.javaclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.tether.client.Document;
import io.tether.client.Events;
import io.tether.client.FileStorage;
import io.tether.client.MemoryStorage;
import io.tether.client.Space;
import io.tether.client.TetherAuth;
import io.tether.client.TetherClient;
import io.tether.client.TetherStorage;
import io.tether.client.TokenProvider;
import io.tether.store.RetentionJob;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TcpProxy;
import io.tether.support.TestCluster;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: the Java client (src/client) against real nodes over PostgreSQL and Redis: load then
 * live, a network cut with writes queued, the process killed mid-queue, resync after compaction,
 * token renewal, conflicts, presence and signals, two nodes.
 */
class JavaClientIT {
  private static final String PASSWORD = "correct horse battery";
  private static TestCluster cluster;
  private static TestCluster shortTokens;
  private static ApiClient api;
  private final List<TetherClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new io.vertx.core.json.JsonObject());
    api = cluster.api(0);
    // Tokens that expire mid-test: token_expiring on the live socket, then 4001.
    shortTokens = TestCluster.single(new io.vertx.core.json.JsonObject().put("auth",
        new io.vertx.core.json.JsonObject().put("accessTokenTtlSeconds", 4).put("clockSkewSeconds", 0)));
  }

  @AfterAll
  static void stop() {
    shortTokens.close();
    cluster.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TetherClient::close);
  }

  private static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  private static TetherAuth signUp(String url, TetherStorage storage) throws Exception {
    TetherAuth auth = new TetherAuth(url, storage);
    auth.register("java-" + UUID.randomUUID() + "@example.test", PASSWORD).get(10, TimeUnit.SECONDS);
    return auth;
  }

  private TetherClient client(String url, TokenProvider tokens, TetherStorage storage) {
    TetherClient c = TetherClient.builder(url, tokens).storage(storage)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400)).build();
    clients.add(c);
    return c;
  }

  /** A space Ann owns with Bob (a REST user) as writer. */
  private static String sharedSpace(TetherAuth ann, Account bob) {
    String space = "jc-" + UUID.randomUUID().toString().substring(0, 12);
    Account owner = new Account(ann.userId(), ann.current().accessToken);
    assertThat(api.createSpace(owner, space).status()).isIn(200, 201);
    assertThat(api.addMember(owner, space, bob.userId(), "writer").status()).isEqualTo(200);
    return space;
  }

  private static io.vertx.core.json.JsonObject data(int n) {
    return new io.vertx.core.json.JsonObject().put("n", n);
  }

  private static JsonObject gson(int n) {
    JsonObject o = new JsonObject();
    o.addProperty("n", n);
    return o;
  }

  private static Events.Synced synced(Space space) throws Exception {
    CompletableFuture<Events.Synced> f = new CompletableFuture<>();
    space.onSynced(f::complete);
    return f.get(15, TimeUnit.SECONDS);
  }

  private static Set<String> ids(Space space, String collection) {
    return space.documents(collection).stream().map(d -> d.id).collect(Collectors.toSet());
  }

  private static long count(String sql, Object... args) {
    return Await.result(cluster.db().pool().preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  @Test
  void theServersJarCarriesNoClient() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of("target", "tether.jar").toFile())) {
      assertThat(jar.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("io/tether/")))
          .isNotEmpty().noneMatch(n -> n.startsWith("io/tether/client/"));
    }
  }

  @Test
  void loadsOverRestThenFollowsLiveAndWritesReachTheServer() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    for (int i = 0; i < 3; i++) {
      assertThat(api.put(bob, space, "items", "before-" + i, data(i)).status()).isEqualTo(201);
    }
    TetherClient c = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    List<List<Document>> seen = new CopyOnWriteArrayList<>();
    Space copy = c.space(space);
    copy.onChange("items", seen::add);
    c.connect();
    Events.Synced first = synced(copy);
    assertThat(first.fromSavedCopy).isFalse();
    assertThat(ids(copy, "items")).containsExactlyInAnyOrder("before-0", "before-1", "before-2");

    assertThat(api.put(bob, space, "items", "live", data(9)).status()).isEqualTo(201);
    Await.until("the live change arrives", 10, () -> copy.get("items", "live") != null);
    assertThat(copy.get("items", "live").data.getAsJsonObject().get("n").getAsInt()).isEqualTo(9);
    assertThat(seen).as("the collection's listener heard it").anyMatch(docs -> docs.stream().anyMatch(d -> d.id.equals("live")));

    String mutationId = copy.put("items", "mine", gson(1)).get(5, TimeUnit.SECONDS);
    assertThat(copy.get("items", "mine").pending || copy.pending() == 0).isTrue();
    Await.until("the write is confirmed", 10, () -> copy.pending() == 0);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents/items/mine", bob.token(), null).json()
        .getJsonObject("data").getInteger("n")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND mutation_id = $2", space, mutationId)).isEqualTo(1);
  }

  @Test
  void writesQueuedThroughANetworkCutAreAppliedOnceAndChangesMadeMeanwhileArrive() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    try (TcpProxy proxy = new TcpProxy(cluster.node(0).port())) {
      TetherClient c = client(url(proxy.port()), ann, new MemoryStorage());
      List<TetherClient.Status> statuses = new CopyOnWriteArrayList<>();
      c.onStatus(statuses::add);
      Space copy = c.space(space);
      c.connect();
      synced(copy);

      proxy.cut();
      Await.until("the client notices the cut", 10, () -> c.status() != TetherClient.Status.ONLINE);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(copy.put("items", "offline-" + i, gson(i)).get(5, TimeUnit.SECONDS));
      }
      for (int i = 0; i < 5; i++) {
        assertThat(api.put(bob, space, "items", "meanwhile-" + i, data(i)).status()).isEqualTo(201);
      }
      assertThat(copy.pending()).isEqualTo(20);
      assertThat(ids(copy, "items")).as("queued writes show at once").hasSize(20);

      proxy.restore();
      c.networkAvailable();
      Await.until("the queue drains", 20, () -> copy.pending() == 0);
      Await.until("bob's changes arrive", 10, () -> ids(copy, "items").size() == 25);
      for (String id : ids) {
        assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND mutation_id = $2", space, id))
            .as("applied exactly once: " + id).isEqualTo(1);
      }
      assertThat(statuses).containsSubsequence(TetherClient.Status.ONLINE, TetherClient.Status.OFFLINE,
          TetherClient.Status.ONLINE);
    }
  }

  @Test
  void aKilledProcessLosesNoQueuedWriteAppliesNoneTwiceAndResumesFromItsCursor() throws Exception {
    Path dir = Files.createTempDirectory("tether-client-kill-");
    String url = url(cluster.node(0).port());
    TetherAuth ann = signUp(url, new FileStorage(dir)); // the app's session, in the app's storage
    Account bob = api.register();
    String space = sharedSpace(ann, bob);

    Process writer = app("write", url, dir, space, "0", "400");
    List<String> queued = new CopyOnWriteArrayList<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("queued ")) {
        queued.add(line.split(" ")[2]);
        if (queued.size() == 150) {
          break;
        }
      }
    }
    long appliedAtKill = count("SELECT count(*) FROM changes WHERE space_id = $1", space);
    writer.toHandle().destroyForcibly(); // SIGKILL, leaving its output readable
    assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
    while ((line = out.readLine()) != null) { // what it reported between our reading and its death
      if (line.startsWith("queued ")) {
        queued.add(line.split(" ")[2]);
      }
    }
    assertThat(queued).hasSizeGreaterThanOrEqualTo(150).hasSizeLessThan(400);

    Process drain = app("drain", url, dir, space);
    String log = new String(drain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(drain.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(log).as(log).contains("synced fromSavedCopy=true").contains("drained pending=0");
    for (String id : queued) {
      assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND mutation_id = $2", space, id))
          .as("queued before the kill, applied exactly once: " + id).isEqualTo(1);
    }
    long applied = count("SELECT count(*) FROM changes WHERE space_id = $1", space);
    long distinct = count("SELECT count(DISTINCT mutation_id) FROM changes WHERE space_id = $1", space);
    assertThat(applied).as("no write applied twice").isEqualTo(distinct);
    // At most the one write being saved when the kill came may be there without having been reported.
    assertThat(applied).isBetween((long) queued.size(), (long) queued.size() + 1);
    System.out.printf("JAVA CLIENT: killed with %d writes queued (%d applied at the kill); after the restart all %d applied once%n",
        queued.size(), appliedAtKill, applied);
  }

  private static Process app(String mode, String url, Path dir, String space, String... more) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), QueueingApp.class.getName(), mode, url, dir.toString(), space));
    Collections.addAll(command, more);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  @Test
  void aCursorCompactedAwayReloadsTheSpace() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    TetherAuth ann = signUp(url(cluster.node(0).port()), storage);
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    TetherClient first = client(url(cluster.node(0).port()), ann, storage);
    Space copy = first.space(space);
    first.connect();
    synced(copy);
    first.close();
    for (int i = 0; i < 30; i++) {
      assertThat(api.put(bob, space, "items", "i" + (i % 5), data(i)).status()).isIn(200, 201);
    }
    RetentionJob.Stats stats = Await.result(new RetentionJob(cluster.db().pool(), 10, 0, 0).runOnce());
    assertThat(stats.changesDeleted()).isPositive();

    TetherClient again = client(url(cluster.node(0).port()), ann, storage);
    Space reopened = again.space(space);
    assertThat(reopened.documents("items")).as("the saved copy, before the server is asked").isEmpty();
    again.connect();
    Events.Synced resynced = synced(reopened);
    assertThat(resynced.fromSavedCopy).as("resync_required: reloaded over REST").isFalse();
    assertThat(ids(reopened, "items")).containsExactlyInAnyOrder("i0", "i1", "i2", "i3", "i4");
    assertThat(reopened.get("items", "i4").data.getAsJsonObject().get("n").getAsInt()).isEqualTo(29);
  }

  @Test
  void anExpiringTokenIsReplacedOnTheLiveSocketAnd4001IsAnsweredWithAFreshOne() throws Exception {
    String url = url(shortTokens.node(0).port());
    TetherAuth ann = signUp(url, new MemoryStorage());
    List<Boolean> asked = new CopyOnWriteArrayList<>();
    TokenProvider counting = refresh -> {
      asked.add(refresh);
      return ann.token(refresh);
    };
    TetherClient c = client(url, counting, new MemoryStorage());
    List<TetherClient.Status> statuses = new CopyOnWriteArrayList<>();
    c.onStatus(statuses::add);
    String space = "jc-tok-" + UUID.randomUUID().toString().substring(0, 8);
    Space copy = c.space(space);
    c.connect();
    Await.until("online", 10, () -> c.status() == TetherClient.Status.ONLINE);
    Await.until("the token is refreshed on the live socket", 15, () -> asked.contains(true));
    Await.sleep(4_500); // past the first token's expiry
    assertThat(statuses).as("no reconnect: " + statuses).containsExactly(TetherClient.Status.CONNECTING, TetherClient.Status.ONLINE);

    // A provider that hands out the same stale token when asked for a fresh one once: the server closes with 4001,
    // and the client comes back asking for a fresh token.
    String stale = ann.token(false).get();
    List<Boolean> asked2 = new CopyOnWriteArrayList<>();
    TokenProvider stubborn = refresh -> {
      asked2.add(refresh);
      return asked2.size() <= 2 ? CompletableFuture.completedFuture(stale) : ann.token(true);
    };
    TetherClient d = client(url, stubborn, new MemoryStorage());
    List<TetherClient.Status> statuses2 = new CopyOnWriteArrayList<>();
    d.onStatus(statuses2::add);
    d.connect();
    Await.until("closed with 4001 and back", 20, () -> statuses2.lastIndexOf(TetherClient.Status.ONLINE) > statuses2.indexOf(TetherClient.Status.OFFLINE)
        && statuses2.contains(TetherClient.Status.OFFLINE));
    assertThat(asked2.subList(2, asked2.size())).as("the reconnect asked for a fresh token").contains(true);
    assertThat(d.userId()).isEqualTo(ann.userId());
    assertThat(copy.id()).isEqualTo(space);
  }

  @Test
  void aConflictIsReportedAndDoesNotHoldUpTheQueue() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    assertThat(api.put(bob, space, "items", "x", data(1)).status()).isEqualTo(201);
    assertThat(api.put(bob, space, "items", "x", data(2)).status()).isEqualTo(200);
    TetherClient c = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    Space copy = c.space(space);
    CompletableFuture<Events.Conflict> conflict = new CompletableFuture<>();
    copy.onConflict(conflict::complete);
    c.connect();
    synced(copy);
    copy.put("items", "x", gson(100), 1).get(5, TimeUnit.SECONDS); // written against version 1; it is at 2
    copy.put("items", "after", gson(3)).get(5, TimeUnit.SECONDS);
    Events.Conflict heard = conflict.get(10, TimeUnit.SECONDS);
    assertThat(heard.mutation.id).isEqualTo("x");
    assertThat(heard.current).isNotNull();
    Await.until("the write behind it still lands", 10, () -> copy.pending() == 0 && copy.get("items", "after") != null);
    assertThat(copy.get("items", "x").data.getAsJsonObject().get("n").getAsInt()).as("the server's version stays").isEqualTo(2);
  }

  @Test
  void presenceAndSignalsAcrossTwoNodes() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    TetherAuth bob = signUp(url(cluster.node(1).port()), new MemoryStorage());
    String space = "jc-p-" + UUID.randomUUID().toString().substring(0, 8);
    Account owner = new Account(ann.userId(), ann.current().accessToken);
    assertThat(api.createSpace(owner, space).status()).isIn(200, 201);
    assertThat(api.addMember(owner, space, bob.userId(), "writer").status()).isEqualTo(200);

    TetherClient annClient = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    TetherClient bobClient = client(url(cluster.node(1).port()), bob, new MemoryStorage());
    Space annCopy = annClient.space(space);
    Space bobCopy = bobClient.space(space);
    List<Events.Signal> signals = new CopyOnWriteArrayList<>();
    annCopy.onSignal(signals::add);
    annClient.connect();
    bobClient.connect();
    synced(annCopy);
    synced(bobCopy);
    JsonObject typing = new JsonObject();
    typing.addProperty("typing", true);
    bobCopy.setPresence(typing);
    Await.until("ann sees bob typing", 10, () -> {
      Map<String, Events.Presence> here = annCopy.presence();
      Events.Presence b = here.get(bob.userId());
      return here.containsKey(ann.userId()) && b != null && b.state != null && b.state.getAsJsonObject().has("typing");
    });
    JsonObject wave = new JsonObject();
    wave.addProperty("wave", true);
    Await.until("a signal reaches ann", 10, () -> {
      bobCopy.signal(wave);
      Await.sleep(100);
      return !signals.isEmpty();
    });
    assertThat(signals.get(0).from).isEqualTo(bob.userId());

    // A write on node 0 reaches the copy on node 1 through Redis.
    annCopy.put("items", "hello", gson(1)).get(5, TimeUnit.SECONDS);
    Await.until("bob's copy on the other node has it", 10, () -> bobCopy.get("items", "hello") != null
        && !bobCopy.get("items", "hello").pending);
    bobClient.close();
    Await.until("ann sees bob leave", 10, () -> !annCopy.presence().containsKey(bob.userId()));
  }

  @Test
  void aRejectedWriteIsReportedAndDroppedAndTheQueueGoesOn() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    TetherClient c = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    Space copy = c.space(space);
    CompletableFuture<Events.Rejection> rejected = new CompletableFuture<>();
    copy.onRejected(rejected::complete);
    c.connect();
    synced(copy);
    copy.patch("items", "never-made", gson(1)).get(5, TimeUnit.SECONDS);
    copy.put("items", "made", gson(2)).get(5, TimeUnit.SECONDS);
    Events.Rejection heard = rejected.get(10, TimeUnit.SECONDS);
    assertThat(heard.mutation.id).isEqualTo("never-made");
    assertThat(heard.error.code()).isEqualTo("not_found");
    Await.until("the write behind it lands", 10, () -> copy.pending() == 0 && copy.get("items", "made") != null
        && !copy.get("items", "made").pending);
    assertThat(copy.get("items", "never-made")).isNull();
  }

  @Test
  void aSpaceOpenedWithAQueryHoldsTheMatchingDocumentsAndFollowsThemInAndOut() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    assertThat(api.put(bob, space, "tasks", "a", new io.vertx.core.json.JsonObject().put("done", false)).status()).isEqualTo(201);
    assertThat(api.put(bob, space, "tasks", "b", new io.vertx.core.json.JsonObject().put("done", true)).status()).isEqualTo(201);
    assertThat(api.put(bob, space, "notes", "n", new io.vertx.core.json.JsonObject().put("done", false)).status()).isEqualTo(201);
    MemoryStorage storage = new MemoryStorage();
    TetherClient c = client(url(cluster.node(0).port()), ann, storage);
    Space open = c.space(space, io.tether.client.Query.collection("tasks").where("done", "==", false));
    c.connect();
    synced(open);
    assertThat(ids(open, null)).containsExactly("a");
    assertThat(api.put(bob, space, "tasks", "a", new io.vertx.core.json.JsonObject().put("done", true)).status()).isEqualTo(200);
    assertThat(api.put(bob, space, "tasks", "b", new io.vertx.core.json.JsonObject().put("done", false)).status()).isEqualTo(200);
    Await.until("a leaves, b enters", 10, () -> ids(open, null).equals(Set.of("b")));
    Await.until("the filtered copy is saved apart", 5, () -> storage.keys().stream().anyMatch(k -> k.startsWith("space:" + space + "?")));
  }

  @Test
  void writesTheServerRefusesAsABatchAreReportedAndDoNotWedgeTheQueue() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = "jc-r-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.createSpace(bob, space).status()).isIn(200, 201);
    assertThat(api.addMember(bob, space, ann.userId(), "reader").status()).isEqualTo(200);
    TetherClient c = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    Space copy = c.space(space);
    List<Events.Rejection> rejections = new CopyOnWriteArrayList<>();
    copy.onRejected(rejections::add);
    c.connect();
    synced(copy);
    copy.put("items", "one", gson(1)).get(5, TimeUnit.SECONDS);
    copy.put("items", "two", gson(2)).get(5, TimeUnit.SECONDS);
    Await.until("both reported", 10, () -> rejections.size() == 2);
    assertThat(rejections).allMatch(r -> r.error.code().equals("forbidden"));
    assertThat(copy.pending()).isZero();
    assertThat(copy.documents("items")).as("nothing refused is shown").isEmpty();
  }

  @Test
  void aQueueLargerThanASocketMessageIsSentInBatchesBoundedInBytes() throws Exception {
    TetherAuth ann = signUp(url(cluster.node(0).port()), new MemoryStorage());
    Account bob = api.register();
    String space = sharedSpace(ann, bob);
    TetherClient c = client(url(cluster.node(0).port()), ann, new MemoryStorage());
    Space copy = c.space(space);
    c.connect();
    synced(copy);
    c.pause();
    String filler = "x".repeat(200 * 1024);
    for (int i = 0; i < 10; i++) { // 2 MB queued; the server takes socket messages of at most 1 MiB
      JsonObject big = new JsonObject();
      big.addProperty("text", filler);
      copy.put("big", "doc-" + i, big).get(5, TimeUnit.SECONDS);
    }
    c.resume();
    Await.until("all ten applied", 30, () -> copy.pending() == 0);
    assertThat(count("SELECT count(*) FROM documents WHERE space_id = $1 AND collection = 'big'", space)).isEqualTo(10);
  }
}
