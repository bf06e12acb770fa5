package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The examples of RFC 7386, appendix A, on objects (the only documents Tether stores). */
class MergePatchTest {

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"a\":\"b\"}              | {\"a\":\"c\"}              | {\"a\":\"c\"}",
      "{\"a\":\"b\"}              | {\"b\":\"c\"}              | {\"a\":\"b\",\"b\":\"c\"}",
      "{\"a\":\"b\"}              | {\"a\":null}               | {}",
      "{\"a\":\"b\",\"b\":\"c\"}  | {\"a\":null}               | {\"b\":\"c\"}",
      "{\"a\":[\"b\"]}            | {\"a\":\"c\"}              | {\"a\":\"c\"}",
      "{\"a\":\"c\"}              | {\"a\":[\"b\"]}            | {\"a\":[\"b\"]}",
      "{\"a\":{\"b\":\"c\"}}      | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
      "{\"a\":[{\"b\":\"c\"}]}    | {\"a\":[1]}                | {\"a\":[1]}",
      "{\"e\":null}               | {\"a\":1}                  | {\"e\":null,\"a\":1}",
      "{}                         | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
      "{\"a\":\"foo\"}            | {\"a\":{\"b\":1}}          | {\"a\":{\"b\":1}}",
  })
  void appliesTheRfcExamples(String target, String patch, String expected) {
    JsonObject before = new JsonObject(target);
    JsonObject result = MergePatch.apply(before, new JsonObject(patch));
    assertThat(result).isEqualTo(new JsonObject(expected));
    assertThat(before).as("the target is not modified").isEqualTo(new JsonObject(target));
  }
}
