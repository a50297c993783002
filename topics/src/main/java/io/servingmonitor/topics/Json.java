package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping of every key and value on our topics and in our stores: snake_case field
 * names (as in the ClearML API), absent values left out, unknown fields ignored so that readers
 * survive fields added later.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /** The shared mapper; configured once, never to be reconfigured by callers. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The serialized-key prefix shared by every key of {@code company} (keys are JSON objects whose
     * first field is {@code company}); the company is a complete JSON string literal followed by a
     * comma, so "a" never matches "ab".
     */
    static String companyKeyPrefix(String company) {
        return "{\"company\":" + quoted(company) + ",";
    }

    /** A JSON string literal for {@code value}, quoted and escaped exactly as in serialized keys. */
    static String quoted(String value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
