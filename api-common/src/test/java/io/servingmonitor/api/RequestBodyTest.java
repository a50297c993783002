package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    private static RequestBody json(String text) {
        try {
            return RequestBody.of((ObjectNode) new ObjectMapper().readTree(text));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertInvalid(ThrowingCallable call, String field) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.httpCode()).isEqualTo(400);
                    assertThat(e.subcode()).isEqualTo(12);
                    assertThat(e.errorData()).containsEntry("field", field);
                });
    }

    @Test
    void nullCountsAsAbsent() {
        RequestBody body = json("{\"a\": null}");

        assertThat(body.has("a")).isFalse();
        assertThat(body.optionalString("a")).isNull();
        assertThat(body.optionalLong("a")).isNull();
        assertThat(body.optionalStringList("a")).isNull();
        assertThat(body.optionalObject("a")).isNull();
    }

    @Test
    void requiredStringThatIsNullIsMissing() {
        assertThatThrownBy(() -> json("{\"a\": null}").requiredString("a"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.subcode()).isEqualTo(11));
    }

    @Test
    void integersRoundFractionsHalfUp() {
        RequestBody body = json("{\"a\": 2.5, \"b\": -2.5, \"c\": 7, \"d\": 1e3}");

        assertThat(body.optionalLong("a")).isEqualTo(3);
        assertThat(body.optionalLong("b")).isEqualTo(-3);
        assertThat(body.optionalLong("c")).isEqualTo(7);
        assertThat(body.optionalLong("d")).isEqualTo(1000);
    }

    @Test
    void integerOutsideTheLongRangeIsInvalid() {
        assertInvalid(() -> json("{\"a\": 1e300}").optionalLong("a"), "a");
        assertInvalid(() -> json("{\"a\": 99999999999999999999999}").optionalLong("a"), "a");
        assertInvalid(() -> json("{\"a\": 3000000000}").optionalInt("a"), "a");
    }

    @Test
    void jsonNumberFieldsDoNotAcceptStrings() {
        assertInvalid(() -> json("{\"a\": \"5\"}").optionalLong("a"), "a");
        assertInvalid(() -> json("{\"a\": \"true\"}").optionalBoolean("a"), "a");
        assertInvalid(() -> json("{\"a\": true}").optionalDouble("a"), "a");
    }

    @Test
    void queryStringFieldsAcceptNumericStringsAndBooleans() {
        RequestBody body = RequestBody.fromQueryString(Map.of(
                "n", List.of("42"), "f", List.of("1.5e1"), "b", List.of("TRUE"), "tags", List.of("x", "y")));

        assertThat(body.optionalLong("n")).isEqualTo(42);
        assertThat(body.optionalDouble("f")).isEqualTo(15.0);
        assertThat(body.optionalBoolean("b")).isTrue();
        assertThat(body.optionalStringList("tags")).containsExactly("x", "y");
    }

    @Test
    void queryStringNumberMustLookLikeOne() {
        RequestBody body = RequestBody.fromQueryString(Map.of("n", List.of("NaN"), "m", List.of("0x10"), "k", List.of("1e99999")));

        assertInvalid(() -> body.optionalDouble("n"), "n");
        assertInvalid(() -> body.optionalLong("m"), "m");
        assertInvalid(() -> body.optionalLong("k"), "k");
    }

    @Test
    void stringOrNumberKeepsTheDecimalText() {
        RequestBody body = json("{\"a\": 1024, \"b\": 12.5, \"c\": \"None\", \"d\": 1.0, \"e\": true}");

        assertThat(body.optionalStringOrNumber("a")).isEqualTo("1024");
        assertThat(body.optionalStringOrNumber("b")).isEqualTo("12.5");
        assertThat(body.optionalStringOrNumber("c")).isEqualTo("None");
        assertThat(body.optionalStringOrNumber("d")).isEqualTo("1");
        assertInvalid(() -> body.optionalStringOrNumber("e"), "e");
    }

    @Test
    void stringListRejectsOtherItems() {
        assertThat(json("{\"a\": [\"x\"]}").optionalStringList("a")).containsExactly("x");
        assertInvalid(() -> json("{\"a\": [\"x\", 1]}").optionalStringList("a"), "a");
        assertInvalid(() -> json("{\"a\": \"x\"}").optionalStringList("a"), "a");
        assertInvalid(() -> json("{\"a\": [null]}").optionalStringList("a"), "a");
    }

    @Test
    void numberListRejectsOtherItems() {
        assertThat(json("{\"a\": [1, 2.5]}").optionalNumberList("a")).containsExactly(1.0, 2.5);
        assertInvalid(() -> json("{\"a\": [1, \"2\"]}").optionalNumberList("a"), "a");
        assertInvalid(() -> json("{\"a\": 1}").optionalNumberList("a"), "a");
    }

    @Test
    void nestedErrorsNameTheFullPath() {
        RequestBody body = json("{\"stats\": {\"cpu\": \"hot\"}, \"refs\": [{\"type\": 1}, {\"type\": 2}]}");

        assertInvalid(() -> body.optionalObject("stats").optionalDouble("cpu"), "stats.cpu");
        assertInvalid(() -> body.optionalArrayOfObjects("refs").get(1).optionalString("type"), "refs[1].type");
        assertInvalid(() -> json("{\"refs\": [1]}").optionalArrayOfObjects("refs"), "refs");
    }

    @Test
    void checkRequiredNamesEveryMissingField() {
        assertThatThrownBy(() -> json("{\"b\": 1, \"c\": null}").checkRequired("a", "b", "c"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.httpCode()).isEqualTo(400);
                    assertThat(e.subcode()).isEqualTo(11);
                    assertThat(e.getMessage()).isEqualTo("Validation error (missing required fields: a, c)");
                });
    }

    @Test
    void rangeHelpersNameTheField() {
        RequestBody body = json("{}");

        assertThat(body.requireAtLeast("t", 5L, 1)).isEqualTo(5L);
        assertThat(body.requireAtLeast("t", null, 1)).isNull();
        assertInvalid(() -> body.requireAtLeast("t", 0L, 1), "t");
        assertInvalid(() -> body.requireBetween("t", 11L, 1, 10), "t");
        assertInvalid(() -> body.requireBetween("r", -0.5, 0, 10), "r");
        assertInvalid(() -> body.requireMaxLength("s", "abcd", 3), "s");
    }
}
