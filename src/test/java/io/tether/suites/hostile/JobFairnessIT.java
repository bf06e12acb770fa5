package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.jobs.JobQueue;
import io.tether.store.Migrator;
import io.tether.support.Await;
import io.tether.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 16, item 10: one space's thousands of queued jobs do not starve another space's one. */
class JobFairnessIT {

  @Test
  void spacesTakeTurns() {
    Vertx vertx = Vertx.vertx();
    try (TestDatabase db = TestDatabase.create(vertx)) {
      Await.result(new Migrator(db.pool()).migrate());
      JobQueue queue = new JobQueue(db.pool());
      JsonArray hot = new JsonArray();
      for (int i = 0; i < 2000; i++) {
        hot.add(new JsonObject().put("space", "hot").put("n", i));
      }
      Await.result(queue.enqueueAll("push-send", hot));
      Await.result(queue.enqueue("push-send", new JsonObject().put("space", "cold")));
      Await.result(queue.enqueue("push-send", new JsonObject().put("space", "lukewarm")));

      List<JobQueue.Job> claimed = Await.result(queue.claim(8, 60));
      assertThat(claimed).hasSize(8);
      assertThat(claimed.stream().map(j -> j.payload().getString("space")))
          .as("the first claim after 2,000 jobs of one space").contains("cold", "lukewarm");
    } finally {
      Await.result(vertx.close());
    }
  }
}
