package io.tether.suites.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo page in two real browsers (headless Chromium) as two users of one space, on two nodes
 * that share PostgreSQL and Redis: live sync, presence, and convergence after one works offline.
 */
class DemoBrowserIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    assertThat(DemoPage.CHROMIUM).as("Debian's chromium (.ci/run installs it)").exists();
    assertThat(DemoPage.CHROMEDRIVER).as("Debian's chromium-driver (.ci/run installs it)").exists();
    cluster = TestCluster.nodes(2, new JsonObject());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void twoUsersShareALiveListAndConvergeAfterOneWorksOffline() throws Exception {
    String space = "Groceries";
    try (DemoPage ann = new DemoPage("ann", cluster.node(0).port());
         DemoPage bob = new DemoPage("bob", cluster.node(1).port())) {
      try {
        ann.signUp("ann-" + System.nanoTime() + "@example.test", "Ann");
        String bobEmail = "bob-" + System.nanoTime() + "@example.test";
        bob.signUp(bobEmail, "Bob");
        // The server names spaces: each may have a Groceries of their own.
        String spaceId = ann.create(space);
        assertThat(spaceId).matches("[A-Za-z0-9_-]{22}");
        // Bob cannot open ann's space; her invite link lets him in.
        String link = ann.invite();
        assertThat(link).contains("#invite=");
        bob.join(link, space);
        Set<String> both = Set.of(ann.userId(), bob.userId());
        ann.await("ann sees both present", d -> ann.present().equals(both));
        bob.await("bob sees both present", d -> bob.present().equals(both));
        assertThat(bob.presentNames()).as("names, never user ids").containsExactlyInAnyOrder("Ann", "Bob (you)");

        // Typing shows on the other side, and stops showing once the item is added.
        bob.startTyping("coffee");
        ann.await("ann sees bob typing", d -> ann.typing().equals(Set.of(bob.userId())));
        bob.submitNewItem();
        ann.await("bob stopped typing", d -> ann.typing().isEmpty() && ann.items().contains("coffee"));

        // An item added by one shows in the other within a second.
        ann.add("milk");
        long added = System.nanoTime();
        bob.await("bob sees milk within a second", Duration.ofSeconds(1), d -> bob.items().contains("milk"));
        System.out.printf("BROWSER: item visible in the other browser after %d ms%n", (System.nanoTime() - added) / 1_000_000);

        // Bob goes offline, edits and adds; Ann adds meanwhile.
        bob.toggleOnline();
        bob.await("bob is offline", d -> bob.status().equals("paused"));
        ann.await("ann sees only herself", d -> ann.present().equals(Set.of(ann.userId())));
        bob.edit("milk", "oat milk");
        bob.add("bread");
        bob.await("bob's offline writes show at once, not yet saved", d -> bob.items().equals(List.of("bread", "coffee", "oat milk"))
            && !bob.pending().isEmpty());
        ann.add("eggs");
        ann.await("ann has eggs", d -> ann.items().contains("eggs"));
        Thread.sleep(300);
        assertThat(ann.items()).as("nothing of bob's arrives while he is offline").containsExactly("coffee", "eggs", "milk");

        // Back online: both converge, and presence shows both again.
        bob.toggleOnline();
        List<String> converged = List.of("bread", "coffee", "eggs", "oat milk");
        bob.await("bob converged", d -> bob.items().equals(converged) && bob.pending().isEmpty());
        ann.await("ann converged", d -> ann.items().equals(converged));
        ann.await("ann sees bob again", d -> ann.present().equals(both));

        ann.delete("bread");
        bob.await("bob sees the delete", d -> bob.items().equals(List.of("coffee", "eggs", "oat milk")));

        // Bob leaves the space: ann sees only herself.
        bob.leave();
        ann.await("ann sees bob gone", d -> ann.present().equals(Set.of(ann.userId())));

        // He comes back by the same link; then ann deletes the space, and his page lets go of it.
        bob.join(link, space);
        ann.await("ann sees bob back", d -> ann.present().equals(both));
        ann.deleteSpace();
        bob.await("bob is told the space was deleted", d -> !bob.listShown() && bob.message().contains("was deleted"));
        ann.await("ann is back at her spaces", d -> !ann.listShown());
        bob.await("bob's spaces list no longer has it", d -> bob.mySpaces().isEmpty());

        // Bob deletes his account: the page is back at signing in, and his password opens nothing.
        bob.deleteAccount();
        assertThat(cluster.api(0).send("POST", "/v1/auth/login", null, new JsonObject()
            .put("email", bobEmail).put("password", "a long enough password").encode()).status()).isEqualTo(401);
      } catch (AssertionError | RuntimeException e) {
        ann.saveEvidence("failure");
        bob.saveEvidence("failure");
        throw e;
      }
    }
  }

  /** Issue 33, item 10: the first screen and the first minutes, as a newcomer meets them. */
  @Test
  void theFirstScreenShowsOnlySigningInAndTheBasicsWork() throws Exception {
    try (DemoPage ann = new DemoPage("newcomer", cluster.node(0).port())) {
      try {
        java.nio.file.Path shot = ann.screenshot("first-screen");
        assertThat(java.nio.file.Files.size(shot)).as("a screenshot of the first screen").isPositive();
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isPositive();
        assertThat(ann.shown("signin-form")).isTrue();
        assertThat(ann.shown("reset-form")).as("the reset form waits for a reset link").isFalse();
        assertThat(ann.shown("spaces")).isFalse();
        assertThat(ann.shown("account")).as("no account actions before signing in").isFalse();
        assertThat(cluster.api(0).send("GET", "/favicon.ico", null, null).status()).isEqualTo(200);

        // The server's minimum is 8 characters, and so is the page's.
        String email = "newcomer-" + System.nanoTime() + "@example.test";
        ann.signUp(email, "8chars!!", "Nina");
        assertThat(ann.shown("account")).isTrue();
        assertThat(ann.shown("delete-account")).as("account deletion is folded away, not on the main screen").isFalse();
        ann.create("Groceries");
        ann.await("my spaces lists the new one", d -> ann.mySpaces().contains("Groceries"));
        ann.logOut();
        ann.logIn(email, "8chars!!");
        ann.await("her spaces again", d -> ann.mySpaces().contains("Groceries"));

        try (DemoPage bob = new DemoPage("newcomer-friend", cluster.node(0).port())) {
          ann.create("Party");
          String link = ann.invite();
          bob.signUp("friend-" + System.nanoTime() + "@example.test", "Fred");
          bob.join(link, "Party");
          bob.await("the join box is empty again", d -> bob.joinBox().isEmpty());
          bob.await("my spaces lists the joined one", d -> bob.mySpaces().contains("Party"));
        }
      } catch (AssertionError | RuntimeException e) {
        ann.saveEvidence("newcomer-failure");
        throw e;
      }
    }
  }
}
