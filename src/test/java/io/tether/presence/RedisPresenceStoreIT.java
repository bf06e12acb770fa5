package io.tether.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.tether.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract, plus what only many nodes have: another node's entries show, a dead node's expire, a live node's do not. */
class RedisPresenceStoreIT extends PresenceStoreContract {
  private static final Vertx VERTX = Vertx.vertx();
  private static final Redis REDIS = Redis.createClient(VERTX, TestNode.REDIS_URL);
  private static final long TTL_MILLIS = 600;
  private final String prefix = "tether-test-" + UUID.randomUUID() + ":";
  private final PresenceStore store = new RedisPresenceStore(VERTX, REDIS, prefix, TTL_MILLIS);

  @AfterEach
  void closeStore() {
    store.close();
  }

  @AfterAll
  static void stop() {
    REDIS.close();
    Await.result(VERTX.close());
  }

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Test
  void aLiveNodesEntriesOutliveTheTtlAndADeadNodesExpire() {
    PresenceStore other = new RedisPresenceStore(VERTX, REDIS, prefix, TTL_MILLIS);
    String space = space();
    Await.result(store.put(space, new PresenceEntry("alive", "ann", new JsonObject(), 1, 100)));
    Await.result(other.put(space, new PresenceEntry("dying", "bob", new JsonObject(), 1, 100)));
    assertThat(Await.result(store.list(space))).hasSize(2);
    other.close(); // the node dies: it stops renewing
    Await.sleep(3 * TTL_MILLIS);
    assertThat(Await.result(store.list(space))).extracting(PresenceEntry::connection).containsExactly("alive");
  }

  @Test
  void entriesComeBackAfterRedisLostThem() {
    String space = space();
    Await.result(store.put(space, new PresenceEntry("c1", "ann", new JsonObject(), 1, 100)));
    Await.result(REDIS.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg(prefix + "presence:" + space)));
    assertThat(Await.result(store.list(space))).isEmpty();
    Await.until("the next renewal writes it again", 5, () -> Await.result(store.list(space)).size() == 1);
  }

  @Test
  void aRenewalDoesNotBringBackAnEntryRemovedMeanwhile() {
    String space = space();
    Await.result(store.put(space, new PresenceEntry("c1", "ann", new JsonObject(), 1, 100)));
    Await.result(store.remove(space, "c1"));
    Await.sleep(TTL_MILLIS); // at least two renewals ran
    assertThat(Await.result(store.list(space))).isEmpty();
  }
}
