package io.tether.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.config.ConfigLoader;
import io.tether.config.TetherConfig;
import io.tether.redis.RedisShard;
import io.tether.support.Await;
import io.tether.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bus contract over the machine's Redis, plus what only Redis needs: recovering a lost connection. */
class RedisChangeBusIT extends ChangeBusContract {
  private final String prefix = "tether-test-" + UUID.randomUUID() + ":";

  @Override
  protected ChangeBus newBus(Vertx vertx) {
    return Await.result(RedisChangeBus.start(vertx, RedisShard.create(vertx, config().redis())));
  }

  private TetherConfig config() {
    return ConfigLoader.resolve(new JsonObject().put("redis", new JsonObject()
        .put("url", TestNode.REDIS_URL).put("channelPrefix", prefix).put("reconnectMinMillis", 50)), Map.of());
  }

  @Test
  void afterLosingItsConnectionTheBusResubscribesAndReportsAPossibleGap() throws Exception {
    RedisChangeBus bus = Await.result(RedisChangeBus.start(vertx, RedisShard.create(vertx, config().redis())));
    try {
      String space = space();
      Recorder recorder = new Recorder();
      subscribeOnEventLoop(bus, space, recorder);
      Await.result(bus.publish(change(space, 1)));
      recorder.awaitCount(1);

      killSubscriberConnections();
      long deadline = System.currentTimeMillis() + 10_000;
      while (recorder.gaps == 0 && System.currentTimeMillis() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertThat(recorder.gaps).as("listeners are told to catch up after the reconnect").isEqualTo(1);
      assertThat(bus.reconnects()).isEqualTo(1);
      // The gap report comes after the channel is active again: a publish now is heard.
      Await.result(bus.publish(change(space, 2)));
      recorder.awaitCount(2);
      assertThat(recorder.seqs()).containsExactly(1L, 2L);
      Await.result(bus.ping());
    } finally {
      Await.result(bus.close());
    }
  }

  /** Kills this test's subscriber connection only: it is named after this test's channel prefix. */
  private void killSubscriberConnections() {
    Redis admin = Redis.createClient(vertx, TestNode.REDIS_URL);
    try {
      Response clients = Await.result(admin.send(Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub")));
      int killed = 0;
      for (String line : clients.toString().split("\n")) {
        if (line.contains(" name=" + RedisChangeBus.connectionName(prefix) + " ")) {
          String id = line.replaceAll(".*\\bid=(\\d+).*", "$1").trim();
          Await.result(admin.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)));
          killed++;
        }
      }
      assertThat(killed).isPositive();
    } finally {
      admin.close();
    }
  }
}
