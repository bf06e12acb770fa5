package io.tether.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A test's own Tether: a fresh database, one or more nodes on it (sharing a Redis channel prefix of
 * their own when there are several), a Vert.x for the test's clients. Closed in reverse order.
 */
public final class TestCluster implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final TestDatabase db = TestDatabase.create(vertx);
  private final List<TestNode> nodes = new ArrayList<>();

  private TestCluster() {}

  /** One node on the local bus. */
  public static TestCluster single(JsonObject overrides) {
    TestCluster cluster = new TestCluster();
    cluster.nodes.add(TestNode.start(cluster.db, null, overrides));
    return cluster;
  }

  /** {@code count} nodes sharing the database and Redis. */
  public static TestCluster nodes(int count, JsonObject overrides) {
    TestCluster cluster = new TestCluster();
    String prefix = "tether-test-" + UUID.randomUUID() + ":";
    for (int i = 0; i < count; i++) {
      cluster.nodes.add(TestNode.start(cluster.db, prefix, overrides));
    }
    return cluster;
  }

  public Vertx vertx() {
    return vertx;
  }

  public TestDatabase db() {
    return db;
  }

  public TestNode node(int index) {
    return nodes.get(index);
  }

  public TestNode node() {
    return node(0);
  }

  public ApiClient api(int index) {
    return new ApiClient(node(index).port());
  }

  public ApiClient api() {
    return api(0);
  }

  @Override
  public void close() {
    nodes.forEach(TestNode::close);
    db.close();
    Await.result(vertx.close());
  }
}
