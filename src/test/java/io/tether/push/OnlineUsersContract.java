package io.tether.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.limits.ConnectionCounter;
import io.tether.support.Await;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link OnlineUsers} must do; each implementation's test extends this. */
abstract class OnlineUsersContract {

  /** An implementation watching these socket counts (one node's). */
  protected abstract OnlineUsers create(ConnectionCounter connections);

  private static Set<String> online(OnlineUsers users, List<String> asked) {
    return Await.result(users.online(asked));
  }

  @Test
  void aUserIsOnlineWhileASocketOfTheirsIsOpen() {
    ConnectionCounter connections = new ConnectionCounter(10);
    OnlineUsers users = create(connections);
    try {
      String alice = "alice-" + System.nanoTime();
      String bob = "bob-" + System.nanoTime();
      List<String> both = List.of(alice, bob);
      assertThat(online(users, both)).isEmpty();
      connections.tryOpen(alice);
      connections.tryOpen(alice);
      Await.until("alice online", 5, () -> online(users, both).equals(Set.of(alice)));
      connections.close(alice);
      assertThat(online(users, both)).as("one of her two sockets is still open").isEqualTo(Set.of(alice));
      connections.close(alice);
      Await.until("alice offline", 5, () -> online(users, both).isEmpty());
      assertThat(online(users, List.of())).isEmpty();
    } finally {
      users.close();
    }
  }
}
