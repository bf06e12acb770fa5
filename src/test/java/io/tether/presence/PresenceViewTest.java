package io.tether.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceViewTest {
  private final PresenceView view = new PresenceView(30_000);

  private static PresenceEntry entry(String connection, String user, JsonObject state, long rev, long at) {
    return new PresenceEntry(connection, user, state, rev, at);
  }

  @Test
  void aUsersFirstSocketJoinsTheirSecondOnlyCountsAndTheLastToLeaveLeaves() {
    PresenceDiff first = view.put(entry("c1", "ann", new JsonObject(), 1, 100));
    assertThat(first.joins()).containsExactly(new Member("ann", 1, new JsonObject()));
    PresenceDiff second = view.put(entry("c2", "ann", new JsonObject(), 1, 200));
    assertThat(second.joins()).isEmpty();
    assertThat(second.updates()).containsExactly(new Member("ann", 2, new JsonObject()));
    assertThat(view.leave("c1", 0).updates()).containsExactly(new Member("ann", 1, new JsonObject()));
    PresenceDiff last = view.leave("c2", 0);
    assertThat(last.leaves()).containsExactly("ann");
    assertThat(view.members()).isEmpty();
  }

  @Test
  void theStateSetMostRecentlyOnAnySocketIsTheUsersState() {
    JsonObject typing = new JsonObject().put("typing", true);
    view.put(entry("c1", "ann", new JsonObject(), 1, 100));
    view.put(entry("c2", "ann", new JsonObject(), 1, 200));
    assertThat(view.put(entry("c1", "ann", typing, 2, 300)).updates()).containsExactly(new Member("ann", 2, typing));
    assertThat(view.put(entry("c2", "ann", new JsonObject(), 2, 400)).updates())
        .containsExactly(new Member("ann", 2, new JsonObject()));
  }

  @Test
  void anOlderCopyOfAnEntryChangesNothing() {
    JsonObject typing = new JsonObject().put("typing", true);
    view.put(entry("c1", "ann", typing, 2, 200));
    assertThat(view.put(entry("c1", "ann", new JsonObject(), 1, 100)).isEmpty()).isTrue();
    assertThat(view.members()).containsExactly(new Member("ann", 1, typing));
  }

  @Test
  void aSocketThatLeftIsNotBroughtBackByALateMessageOrAStaleRead() {
    long tick = view.tick();
    view.put(entry("c1", "ann", new JsonObject(), 1, 100));
    view.leave("c1", 1_000);
    assertThat(view.put(entry("c1", "ann", new JsonObject(), 2, 150)).isEmpty()).isTrue();
    assertThat(view.reconcile(List.of(entry("c1", "ann", new JsonObject(), 1, 100)), tick, 2_000).isEmpty()).isTrue();
    assertThat(view.members()).isEmpty();
  }

  @Test
  void reconcileDropsWhatTheStoreLostButNotWhatArrivedDuringTheRead() {
    view.put(entry("dead", "bob", new JsonObject(), 1, 100));
    long tick = view.tick();
    view.put(entry("fresh", "cat", new JsonObject(), 1, 200)); // put after the read began
    PresenceDiff diff = view.reconcile(List.of(entry("missed", "dan", new JsonObject(), 1, 150)), tick, 1_000);
    assertThat(diff.leaves()).containsExactly("bob");
    assertThat(diff.joins()).containsExactly(new Member("dan", 1, new JsonObject()));
    assertThat(view.members()).extracting(Member::userId).containsExactlyInAnyOrder("cat", "dan");
  }

  @Test
  void aMemberShowsTheDisplayNameTheirSocketsCarry() {
    view.put(new PresenceEntry("c1", "ann", new JsonObject(), 1, 100, "Ann"));
    view.put(new PresenceEntry("c2", "ann", new JsonObject().put("typing", true), 1, 200));
    assertThat(view.members()).containsExactly(new Member("ann", 2, new JsonObject().put("typing", true), "Ann"));
    assertThat(PresenceEntry.fromJson(new PresenceEntry("c1", "ann", new JsonObject(), 1, 100, "Ann").toJson()).displayName())
        .isEqualTo("Ann");
  }

  @Test
  void diffFramesFollowTheProtocol() {
    PresenceDiff diff = view.put(entry("c1", "ann", new JsonObject().put("typing", true), 1, 100));
    JsonObject frame = new JsonObject(diff.toFrame("room", 1));
    assertThat(frame.getInteger("count")).isEqualTo(1);
    assertThat(frame.getString("type")).isEqualTo("presence_diff");
    assertThat(frame.getString("space")).isEqualTo("room");
    assertThat(frame.getJsonArray("joins").getJsonObject(0))
        .isEqualTo(new JsonObject().put("userId", "ann").put("displayName", null).put("connections", 1)
            .put("state", new JsonObject().put("typing", true)));
    assertThat(frame.getJsonArray("leaves")).isEmpty();
    JsonObject state = new JsonObject(PresenceDiff.stateFrame("room", view.members(), 1));
    assertThat(state.getString("type")).isEqualTo("presence_state");
    assertThat(state.getInteger("count")).isEqualTo(1);
    assertThat(state.getJsonArray("members")).hasSize(1);
  }

  @Test
  void aSignalBudgetAllowsItsBurstThenRefillsWithTime() {
    SignalBudget budget = new SignalBudget(5, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(budget.tryTake(0)).isTrue();
    }
    assertThat(budget.tryTake(0)).isFalse();
    assertThat(budget.tryTake(200_000_000L)).as("one token back after 1/5 s").isTrue();
    assertThat(budget.tryTake(200_000_000L)).isFalse();
  }
}
