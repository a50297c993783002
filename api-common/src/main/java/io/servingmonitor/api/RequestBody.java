package io.servingmonitor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A read-only view of the JSON object a call carries, with typed getters that fail with an
 * {@link ApiException} naming the field (400/11 missing, 400/12 wrong type or out of range).
 *
 * <p>JSON {@code null} counts as absent everywhere. An integer getter accepts any JSON number and
 * rounds a fraction half-up to the nearest integer (ClearML clients send window averages in
 * integer fields). A body built from a query string holds only strings, so its getters also accept
 * numeric strings for numbers and {@code "true"}/{@code "false"} for booleans. Objects nested in the
 * body are views too; their errors name the full path ({@code machine_stats.cpu_usage},
 * {@code reference[1].type}).
 */
public final class RequestBody {

    private static final Pattern INTEGER_TEXT = Pattern.compile("-?\\d{1,30}");
    private static final Pattern DECIMAL_TEXT = Pattern.compile("-?(\\d{1,30}\\.?\\d{0,30}|\\.\\d{1,30})([eE][+-]?\\d{1,3})?");
    private static final RequestBody EMPTY = new RequestBody(JsonNodeFactory.instance.objectNode(), "", false);

    private final ObjectNode node;
    private final String path;
    private final boolean fromQueryString;

    private RequestBody(ObjectNode node, String path, boolean fromQueryString) {
        this.node = node;
        this.path = path;
        this.fromQueryString = fromQueryString;
    }

    /** The body {@code {}}. */
    public static RequestBody empty() {
        return EMPTY;
    }

    /** A view of a parsed JSON object; the node is copied, so later changes to it are not seen. */
    public static RequestBody of(ObjectNode node) {
        return new RequestBody(node.deepCopy(), "", false);
    }

    /** Wraps a node nobody else holds (a freshly parsed body) without copying it. */
    static RequestBody ofOwned(ObjectNode node) {
        return new RequestBody(node, "", false);
    }

    /**
     * The fields of a query string: a parameter given once is a string, one given several times a
     * list of strings.
     */
    public static RequestBody fromQueryString(Map<String, List<String>> params) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        params.forEach((name, values) -> {
            if (values == null || values.isEmpty()) {
                return;
            }
            if (values.size() == 1) {
                node.put(name, values.get(0));
            } else {
                ArrayNode array = node.putArray(name);
                values.forEach(array::add);
            }
        });
        return new RequestBody(node, "", true);
    }

    /** True when the field is present and not JSON null. */
    public boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The names of the fields present (including those that are null), in body order. */
    public Set<String> fieldNames() {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return Collections.unmodifiableSet(names);
    }

    /** Fails with 400/11 naming every field of {@code names} that is absent or null. */
    public void checkRequired(String... names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!has(name)) {
                missing.add(qualified(name));
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.missingFields(missing.toArray(String[]::new));
        }
    }

    /** A string that must be present (400/11 when absent or null, 400/12 when not a string). */
    public String requiredString(String name) {
        if (!has(name)) {
            throw ApiException.missingFields(qualified(name));
        }
        return optionalString(name);
    }

    /** A string, or null when absent or null; 400/12 when it is not a string. */
    public String optionalString(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(name, "must be a string");
        }
        return value.textValue();
    }

    /**
     * An integer, or null when absent: any JSON number, a fraction rounded half-up to the nearest
     * integer; 400/12 for anything else or a value outside the long range.
     */
    public Long optionalLong(String name) {
        BigDecimal number = number(name);
        if (number == null) {
            return null;
        }
        try {
            return number.setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw invalid(name, "is out of range");
        }
    }

    /** As {@link #optionalLong(String)}, within the int range. */
    public Integer optionalInt(String name) {
        Long value = optionalLong(name);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalid(name, "is out of range");
        }
        return value.intValue();
    }

    /** A finite number, or null when absent; 400/12 for anything else. */
    public Double optionalDouble(String name) {
        BigDecimal number = number(name);
        if (number == null) {
            return null;
        }
        double value = number.doubleValue();
        if (!Double.isFinite(value)) {
            throw invalid(name, "is out of range");
        }
        return value;
    }

    /** A boolean, or null when absent; 400/12 for anything else. */
    public Boolean optionalBoolean(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (fromQueryString && value.isTextual()) {
            String text = value.textValue();
            if ("true".equalsIgnoreCase(text)) {
                return true;
            }
            if ("false".equalsIgnoreCase(text)) {
                return false;
            }
        }
        throw invalid(name, "must be a boolean");
    }

    /** A list of strings, or null when absent or null; 400/12 for anything else (including null items). */
    public List<String> optionalStringList(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (fromQueryString && value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            throw invalid(name, "must be a list of strings");
        }
        List<String> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid(name, "must be a list of strings");
            }
            items.add(item.textValue());
        }
        return List.copyOf(items);
    }

    /** A list of finite numbers, or null when absent or null; 400/12 for anything else (including null items). */
    public List<Double> optionalNumberList(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid(name, "must be a list of numbers");
        }
        List<Double> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isNumber() || !Double.isFinite(item.doubleValue())) {
                throw invalid(name, "must be a list of numbers");
            }
            items.add(item.doubleValue());
        }
        return List.copyOf(items);
    }

    /**
     * A string field that clients may also send as a number: a string is kept as is, a number
     * becomes its decimal string ({@code 1024} gives "1024", {@code 12.5} gives "12.5"). Null when
     * absent; 400/12 for anything else.
     */
    public String optionalStringOrNumber(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            if (value.isDouble() || value.isFloat()) {
                double d = value.doubleValue();
                if (!Double.isFinite(d)) {
                    throw invalid(name, "is out of range");
                }
                return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            }
            return value.decimalValue().stripTrailingZeros().toPlainString();
        }
        throw invalid(name, "must be a string or a number");
    }

    /** A nested object as a view, or null when absent or null; 400/12 when not an object. */
    public RequestBody optionalObject(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(name, "must be an object");
        }
        return new RequestBody((ObjectNode) value, qualified(name) + ".", fromQueryString);
    }

    /** A list of objects as views, or null when absent or null; 400/12 when not a list of objects. */
    public List<RequestBody> optionalArrayOfObjects(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid(name, "must be a list of objects");
        }
        List<RequestBody> items = new ArrayList<>(value.size());
        Iterator<JsonNode> elements = value.elements();
        for (int i = 0; elements.hasNext(); i++) {
            JsonNode item = elements.next();
            if (!item.isObject()) {
                throw invalid(name, "must be a list of objects");
            }
            items.add(new RequestBody((ObjectNode) item, qualified(name) + "[" + i + "].", fromQueryString));
        }
        return List.copyOf(items);
    }

    /** The number of items of a list field, 0 when absent; for size limits before reading it. */
    public int sizeOf(String name) {
        JsonNode value = value(name);
        return value == null ? 0 : value.size();
    }

    /** {@code value} (may be null, then returned as is) if at least {@code min}, else 400/12 naming the field. */
    public Long requireAtLeast(String name, Long value, long min) {
        if (value != null && value < min) {
            throw invalid(name, "must be at least " + min);
        }
        return value;
    }

    /** {@code value} (may be null) if within [min, max], else 400/12 naming the field. */
    public Long requireBetween(String name, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw invalid(name, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** {@code value} (may be null) if within [min, max], else 400/12 naming the field. */
    public Double requireBetween(String name, Double value, double min, double max) {
        if (value != null && (value < min || value > max)) {
            throw invalid(name, "must be between " + plain(min) + " and " + plain(max));
        }
        return value;
    }

    /** {@code value} (may be null) if at most {@code maxLength} characters long, else 400/12. */
    public String requireMaxLength(String name, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw invalid(name, "must be at most " + maxLength + " characters long");
        }
        return value;
    }

    /** A 400/12 naming this field (with its path inside the body), for checks done by callers. */
    public ApiException invalid(String name, String problem) {
        return ApiException.validation(qualified(name), problem);
    }

    @Override
    public String toString() {
        return node.toString();
    }

    private JsonNode value(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /**
     * The field as an exact decimal. Fractions go through double, so no input can make later
     * rounding work on a number with a huge exponent.
     */
    private BigDecimal number(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return new BigDecimal(value.bigIntegerValue());
        }
        if (value.isNumber()) {
            return finite(name, value.doubleValue());
        }
        if (fromQueryString && value.isTextual()) {
            String text = value.textValue().trim();
            if (INTEGER_TEXT.matcher(text).matches()) {
                return new BigDecimal(text);
            }
            if (DECIMAL_TEXT.matcher(text).matches()) {
                return finite(name, Double.parseDouble(text));
            }
        }
        throw invalid(name, "must be a number");
    }

    private BigDecimal finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw invalid(name, "is out of range");
        }
        return BigDecimal.valueOf(value);
    }

    private String qualified(String name) {
        return path + name;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
