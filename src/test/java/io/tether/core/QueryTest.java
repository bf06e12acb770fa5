package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class QueryTest {
  private static Query q(String where) {
    return Query.parse(new JsonObject().put("collection", "tasks").put("where", new JsonArray(where)));
  }

  private static boolean m(String where, String data) {
    return q(where).matches("tasks", new JsonObject(data));
  }

  @Test
  void allConditionsMustHold() {
    String where = "[[\"assignee\",\"==\",\"ann\"],[\"done\",\"==\",false]]";
    assertThat(m(where, "{\"assignee\":\"ann\",\"done\":false}")).isTrue();
    assertThat(m(where, "{\"assignee\":\"ann\",\"done\":true}")).isFalse();
    assertThat(m(where, "{\"assignee\":\"bob\",\"done\":false}")).isFalse();
    assertThat(q(where).matches("notes", new JsonObject("{\"assignee\":\"ann\",\"done\":false}"))).as("other collection").isFalse();
    assertThat(q(where).matches("tasks", null)).as("deleted").isFalse();
    assertThat(m("[]", "{}")).as("no conditions: the whole collection").isTrue();
  }

  @Test
  void equalityIsJsonEqualityAndMissingEqualsNothing() {
    assertThat(m("[[\"n\",\"==\",1]]", "{\"n\":1.0}")).isTrue();
    assertThat(m("[[\"n\",\"==\",1]]", "{\"n\":\"1\"}")).isFalse();
    assertThat(m("[[\"o\",\"==\",{\"a\":[1,2]}]]", "{\"o\":{\"a\":[1,2.0]}}")).isTrue();
    assertThat(m("[[\"x\",\"==\",null]]", "{\"x\":null}")).isTrue();
    assertThat(m("[[\"x\",\"==\",null]]", "{}")).as("missing is not null").isFalse();
    assertThat(m("[[\"x\",\"!=\",1]]", "{}")).as("!= is the negation of ==").isTrue();
    assertThat(m("[[\"x\",\"!=\",1]]", "{\"x\":1}")).isFalse();
  }

  @Test
  void rangesCompareOnlyValuesOfTheSameType() {
    assertThat(m("[[\"p\",\">\",2]]", "{\"p\":3}")).isTrue();
    assertThat(m("[[\"p\",\">\",2]]", "{\"p\":2}")).isFalse();
    assertThat(m("[[\"p\",\">=\",2]]", "{\"p\":2.0}")).isTrue();
    assertThat(m("[[\"p\",\">\",2]]", "{\"p\":\"3\"}")).as("a string is not above a number").isFalse();
    assertThat(m("[[\"p\",\"<\",2]]", "{\"p\":\"1\"}")).as("nor below it").isFalse();
    assertThat(m("[[\"p\",\"<\",2]]", "{}")).isFalse();
    assertThat(m("[[\"s\",\"<\",\"b\"]]", "{\"s\":\"a\"}")).isTrue();
    assertThat(m("[[\"s\",\"<\",\"a\"]]", "{\"s\":\"B\"}")).as("code point order: B (66) < a (97)").isTrue();
    assertThat(m("[[\"s\",\"<\",\"\uD83D\uDE00\"]]", "{\"s\":\"\uFFFF\"}")).as("by code point, not UTF-16 unit").isTrue();
    assertThat(m("[[\"b\",\">\",false]]", "{\"b\":true}")).isTrue();
    assertThat(m("[[\"n\",\"<\",10000000000000000000000]]", "{\"n\":9999999999999999999999}")).isTrue();
  }

  @Test
  void inNotInArrayContainsExistsAndNestedPaths() {
    assertThat(m("[[\"s\",\"in\",[\"open\",\"blocked\"]]]", "{\"s\":\"open\"}")).isTrue();
    assertThat(m("[[\"s\",\"in\",[\"open\"]]]", "{}")).isFalse();
    assertThat(m("[[\"s\",\"not-in\",[\"open\"]]]", "{}")).isTrue();
    assertThat(m("[[\"s\",\"not-in\",[\"open\"]]]", "{\"s\":\"open\"}")).isFalse();
    assertThat(m("[[\"tags\",\"array-contains\",\"red\"]]", "{\"tags\":[\"blue\",\"red\"]}")).isTrue();
    assertThat(m("[[\"tags\",\"array-contains\",\"red\"]]", "{\"tags\":\"red\"}")).isFalse();
    assertThat(m("[[\"x\",\"exists\",true]]", "{\"x\":null}")).isTrue();
    assertThat(m("[[\"x\",\"exists\",false]]", "{\"y\":1}")).isTrue();
    assertThat(m("[[\"address.city\",\"==\",\"Oslo\"]]", "{\"address\":{\"city\":\"Oslo\"}}")).isTrue();
    assertThat(m("[[\"address.city\",\"==\",\"Oslo\"]]", "{\"address\":\"Oslo\"}")).isFalse();
  }

  @Test
  void aBadQueryNamesWhatIsWrong() {
    assertThatThrownBy(() -> Query.parse("tasks")).hasMessageContaining("query must be an object");
    assertThatThrownBy(() -> Query.parse(new JsonObject().put("where", new JsonArray()))).hasMessageContaining("collection is required");
    assertThatThrownBy(() -> Query.parse(new JsonObject().put("collection", "tasks").put("order", 1))).hasMessageContaining("unknown field: order");
    assertThatThrownBy(() -> q("[[\"a\",\"~\",1]]")).hasMessageContaining("query.where[0]: op must be one of");
    assertThatThrownBy(() -> q("[[\"a\",\"==\",1],[\"b\",\"==\"]]")).hasMessageContaining("query.where[1] must be [path, op, value]");
    assertThatThrownBy(() -> q("[[\"a..b\",\"==\",1]]")).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> q("[[\"a\",\"in\",1]]")).hasMessageContaining("in takes an array");
    assertThatThrownBy(() -> q("[[\"a\",\"exists\",1]]")).hasMessageContaining("exists takes true or false");
    assertThatThrownBy(() -> q("[[\"a\",\"<\",[1]]]")).hasMessageContaining("compares a number, a string or a boolean");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 17; i++) {
      many.add(new JsonArray().add("a").add("==").add(i));
    }
    assertThatThrownBy(() -> Query.parse(new JsonObject().put("collection", "tasks").put("where", many)))
        .hasMessageContaining("more than 16 conditions");
    assertThatThrownBy(() -> Query.parse(new JsonObject().put("collection", "tasks").put("where",
        new JsonArray().add(new JsonArray().add("a").add("==").add("x".repeat(9000))))))
        .hasMessageContaining("longer than 8192 bytes");
  }
}
