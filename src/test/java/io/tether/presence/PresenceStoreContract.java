package io.tether.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} keeps; run against the in-memory and the Redis implementation. */
abstract class PresenceStoreContract {

  protected abstract PresenceStore store();

  protected static String space() {
    return "presence-" + UUID.randomUUID();
  }

  @Test
  void putEntriesAreListedWithTheirLatestStateAndRemovedOnesAreNot() {
    PresenceStore store = store();
    String space = space();
    Await.result(store.put(space, new PresenceEntry("c1", "ann", new JsonObject(), 1, 100)));
    Await.result(store.put(space, new PresenceEntry("c2", "bob", new JsonObject(), 1, 100)));
    Await.result(store.put(space, new PresenceEntry("c1", "ann", new JsonObject().put("typing", true), 2, 200)));
    assertThat(Await.result(store.list(space)))
        .containsExactlyInAnyOrder(new PresenceEntry("c1", "ann", new JsonObject().put("typing", true), 2, 200),
            new PresenceEntry("c2", "bob", new JsonObject(), 1, 100));
    Await.result(store.remove(space, "c1"));
    assertThat(Await.result(store.list(space))).extracting(PresenceEntry::connection).containsExactly("c2");
    assertThat(Await.result(store.list(space()))).as("another space").isEmpty();
  }

  @Test
  void removingWhatIsNotThereIsHarmless() {
    PresenceStore store = store();
    String space = space();
    Await.result(store.remove(space, "nobody"));
    assertThat(Await.result(store.list(space))).isEmpty();
  }
}
