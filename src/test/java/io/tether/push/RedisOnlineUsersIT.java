package io.tether.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.limits.ConnectionCounter;
import io.tether.support.Await;
import io.tether.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The contract, plus what only many nodes have: another node's sockets count, a dead node's stop counting. */
class RedisOnlineUsersIT extends OnlineUsersContract {
  private static final Vertx VERTX = Vertx.vertx();
  private static final Redis REDIS = Redis.createClient(VERTX, TestNode.REDIS_URL);
  private final String prefix = "tether-test-" + UUID.randomUUID() + ":";

  @AfterAll
  static void stop() {
    REDIS.close();
    Await.result(VERTX.close());
  }

  @Override
  protected OnlineUsers create(ConnectionCounter connections) {
    return new RedisOnlineUsers(VERTX, REDIS, prefix, connections, 200);
  }

  @Test
  void aSocketOnAnotherNodeCountsAndADeadNodesStopCountingSoon() {
    ConnectionCounter nodeA = new ConnectionCounter(10);
    ConnectionCounter nodeB = new ConnectionCounter(10);
    OnlineUsers a = create(nodeA);
    OnlineUsers b = create(nodeB);
    String carol = "carol-" + System.nanoTime();
    nodeA.tryOpen(carol);
    Await.until("node B sees carol's socket on node A", 5, () -> Await.result(b.online(List.of(carol))).equals(Set.of(carol)));
    a.close(); // node A dies without closing the socket: it stops renewing
    long died = System.currentTimeMillis();
    Await.until("carol counts as offline once node A's word expires", 5, () -> Await.result(b.online(List.of(carol))).isEmpty());
    assertThat(System.currentTimeMillis() - died).as("not before three refresh periods").isGreaterThanOrEqualTo(300);
    b.close();
  }
}
