package io.tether.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.DocumentFilter;
import io.tether.core.Query;
import io.tether.core.Role;
import io.tether.core.TetherException;
import io.tether.core.Viewer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RulesTest {
  private static final Viewer ANN = new Viewer("ann", Role.WRITER);
  private static final Viewer BOB = new Viewer("bob", Role.WRITER);
  private static final Viewer OWNER = new Viewer("olga", Role.OWNER);

  private static Rules rules(String json) {
    return Rules.compile(new JsonObject(json));
  }

  private static JsonObject task(String assignee) {
    return new JsonObject().put("assignee", assignee).put("points", 3).put("tags", new io.vertx.core.json.JsonArray().add("x"));
  }

  @Test
  void aReadRuleSeesTheViewerTheRoleAndTheData() {
    Rules r = rules("{\"collections\":{\"tasks\":{\"read\":\"data.assignee == auth.userId || role == 'owner'\"}}}");
    assertThat(r.canRead(ANN, "tasks", "t1", task("ann"))).isTrue();
    assertThat(r.canRead(BOB, "tasks", "t1", task("ann"))).isFalse();
    assertThat(r.canRead(OWNER, "tasks", "t1", task("ann"))).isTrue();
    assertThat(r.canRead(BOB, "tasks", "t1", null)).as("no document, nothing to read").isFalse();
    assertThat(r.canRead(BOB, "notes", "n1", task("ann"))).as("no rule for notes: the role decides").isTrue();
    assertThat(r.hasReadRules()).isTrue();
  }

  @Test
  void theDefaultAppliesToCollectionsWithoutTheirOwnRule() {
    Rules r = rules("{\"collections\":{\"tasks\":{\"write\":\"true\"}},\"default\":{\"read\":\"id.startsWith(auth.userId)\"}}");
    assertThat(r.canRead(ANN, "tasks", "ann-1", task("bob"))).isTrue();
    assertThat(r.canRead(ANN, "tasks", "bob-1", task("ann"))).isFalse();
    assertThat(r.canRead(ANN, "notes", "bob-1", new JsonObject())).isFalse();
  }

  @Test
  void aWriteRuleSeesBeforeAndAfter() {
    Rules r = rules("{\"collections\":{\"tasks\":{\"write\":\"before == null || before.assignee == auth.userId\"}}}");
    assertThat(r.canWrite(BOB, "tasks", "t1", null, task("ann"))).as("a create").isTrue();
    assertThat(r.canWrite(BOB, "tasks", "t1", task("ann"), task("bob"))).isFalse();
    assertThat(r.canWrite(ANN, "tasks", "t1", task("ann"), null)).as("ann deletes her own").isTrue();
    Rules onData = rules("{\"default\":{\"write\":\"data.points <= 5 && data.tags.exists(t, t == 'x')\"}}");
    assertThat(onData.canWrite(ANN, "tasks", "t1", null, task("ann"))).isTrue();
    assertThat(onData.canWrite(ANN, "tasks", "t1", null, task("ann").put("points", 8.5))).isFalse();
  }

  @Test
  void aRuleThatCannotBeEvaluatedDenies() {
    Rules r = rules("{\"collections\":{\"tasks\":{\"read\":\"data.owner == auth.userId\",\"write\":\"data.n + 1 > 2\"}}}");
    assertThat(r.canRead(ANN, "tasks", "t1", task("ann"))).as("no owner field").isFalse();
    assertThat(r.canWrite(ANN, "tasks", "t1", null, new JsonObject().put("n", "text"))).isFalse();
  }

  @Test
  void malformedRulesAreRefusedNamingTheRule() {
    assertThatThrownBy(() -> rules("{\"collections\":{\"tasks\":{\"read\":\"data.assignee ==\"}}}"))
        .isInstanceOf(TetherException.class).hasMessageContaining("collections.tasks.read").hasMessageContaining("line 1");
    assertThatThrownBy(() -> rules("{\"collections\":{\"tasks\":{\"write\":\"1 + 'a'\"}}}"))
        .hasMessageContaining("collections.tasks.write");
    assertThatThrownBy(() -> rules("{\"default\":{\"read\":\"'not a bool'\"}}")).hasMessageContaining("default.read");
    assertThatThrownBy(() -> rules("{\"default\":{\"read\":\"nope == 1\"}}")).hasMessageContaining("default.read");
    assertThatThrownBy(() -> rules("{\"collections\":{\"tasks\":{\"reed\":\"true\"}}}")).hasMessageContaining("reed");
    assertThatThrownBy(() -> rules("{\"collection\":{}}")).hasMessageContaining("collection");
    assertThatThrownBy(() -> rules("{\"collections\":{\"bad name\":{\"read\":\"true\"}}}")).hasMessageContaining("bad name");
    assertThatThrownBy(() -> rules("{\"default\":{\"read\":\"" + "true && ".repeat(600) + "true\"}}"))
        .hasMessageContaining("characters");
  }

  @Test
  void emptyRulesAreNone() {
    assertThat(rules("{}").isNone()).isTrue();
    assertThat(rules("{\"collections\":{}}").isNone()).isTrue();
    assertThat(Rules.NONE.canRead(BOB, "tasks", "t", task("ann"))).isTrue();
  }

  @Test
  void readingsJudgeLeavesAndAreEqualWhenTheyWouldSeeTheSame() {
    Rules r = rules("{\"collections\":{\"tasks\":{\"read\":\"data.assignee == auth.userId\"}}}");
    Reading ann = new Reading(r, ANN, null);
    assertThat(ann.judge("tasks", "t1", task("ann"), task("bob"))).isEqualTo(DocumentFilter.Verdict.LEAVE);
    assertThat(ann.judge("tasks", "t1", task("bob"), task("ann"))).isEqualTo(DocumentFilter.Verdict.DELIVER);
    assertThat(ann.judge("tasks", "t1", task("bob"), task("bob"))).isEqualTo(DocumentFilter.Verdict.SKIP);
    assertThat(ann).isEqualTo(new Reading(r, new Viewer("ann", Role.WRITER), null)).isNotEqualTo(new Reading(r, BOB, null));
    DocumentFilter open = DocumentFilter.of(Query.parse(new JsonObject("{\"collection\":\"tasks\",\"where\":[[\"points\",\">\",2]]}")));
    assertThat(new Reading(Rules.NONE, ANN, open)).as("without a read rule the viewer does not count")
        .isEqualTo(new Reading(Rules.NONE, BOB, open));
  }
}
