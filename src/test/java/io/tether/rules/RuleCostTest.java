package io.tether.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.Role;
import io.tether.core.TetherException;
import io.tether.core.Viewer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 32, item 1: a rule's cost is bounded when it is set and while it runs. */
class RuleCostTest {
  private static final Viewer ANN = new Viewer("ann", Role.WRITER);

  private static Rules read(String expression) {
    return Rules.compile(new JsonObject().put("collections", new JsonObject()
        .put("t", new JsonObject().put("read", expression))));
  }

  private static JsonObject doc(int items, int stringChars) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < items; i++) {
      a.add(i);
    }
    return new JsonObject().put("a", a).put("s", "x".repeat(stringChars)).put("owner", "ann");
  }

  @Test
  void tripleNestedComprehensionsAreRefusedWhenSetSayingWhy() {
    assertThatThrownBy(() -> read("data.a.all(x, data.a.all(y, data.a.all(z, x + y + z >= 0)))"))
        .isInstanceOf(TetherException.class)
        .hasMessageContaining("too costly")
        .hasMessageContaining("nest 3 deep");
  }

  @Test
  void aRuleEstimatedOverTheBudgetIsRefused() {
    // Two deep is allowed in shape, but a heavy body over two nominal lists is over the step budget.
    assertThatThrownBy(() -> read("data.a.all(x, data.a.all(y, x + y > 0 && x * y >= 0 && x - y < 1000 && y - x < 1000))"))
        .isInstanceOf(TetherException.class)
        .hasMessageContaining("estimated at");
  }

  @Test
  void ordinaryRulesPassTheEstimate() {
    read("data.owner == auth.userId || role == 'owner'");
    read("auth.userId in data.a || data.a.exists(m, m == auth.userId)");
    read("data.a.all(x, x >= 0) && size(data.s) < 100");
  }

  @Test
  void anEvaluationOverTheIterationBudgetDeniesAndIsCounted() {
    Rules r = read("data.a.exists(x, x == -1) || data.owner == auth.userId");
    long before = Rules.evaluationsOverBudget();
    assertThat(r.canRead(ANN, "t", "1", doc(100, 1))).isTrue();
    assertThat(Rules.evaluationsOverBudget()).isEqualTo(before);
    long started = System.nanoTime();
    assertThat(r.canRead(ANN, "t", "1", doc(20_000, 1))).as("20,000 iterations are over the budget: deny").isFalse();
    assertThat(Rules.evaluationsOverBudget()).isEqualTo(before + 1);
    assertThat(System.nanoTime() - started).as("stopped early, not run to the end").isLessThan(2_000_000_000L);
  }

  @Test
  void valuesBuiltPastTheBudgetStopTheEvaluationInsteadOfFillingTheHeap() {
    // The reviewers' OutOfMemoryError: map builds a list of doubled strings from a large document.
    Rules r = read("data.a.map(x, data.s + data.s).size() > 0");
    long before = Rules.evaluationsOverBudget();
    assertThat(r.canRead(ANN, "t", "1", doc(900, 150_000))).isFalse();
    assertThat(Rules.evaluationsOverBudget()).isEqualTo(before + 1);
    assertThat(r.canRead(ANN, "t", "1", doc(3, 10))).as("small documents still pass").isTrue();
  }
}
