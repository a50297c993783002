package io.servingmonitor.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Parses a request body into a {@link RequestBody}: it must be one JSON object (400/12 otherwise),
 * nested no deeper than the configured depth, without duplicate keys or trailing content. An empty
 * or blank body is {@code {}}.
 */
final class JsonBodyParser {

    private final ObjectMapper mapper;

    JsonBodyParser(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    RequestBody parse(byte[] body) {
        if (isBlank(body)) {
            return RequestBody.empty();
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.malformedRequest("request body is nested too deeply or too large");
        } catch (IOException e) {
            throw ApiException.malformedRequest("request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.malformedRequest("request body must be a JSON object");
        }
        return RequestBody.ofOwned(object);
    }
}
