package io.servingmonitor.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failed call as the ClearML API reports it: the HTTP status ({@code result_code}), the ClearML
 * {@code result_subcode}, a message for the caller and optional {@code error_data}. Handlers throw
 * it (or complete their future with it); the dispatcher turns it into the envelope. The message is
 * shown to the caller, so it never carries exception text or internals.
 */
public class ApiException extends RuntimeException {

    /** Longest piece of caller input echoed back in a message. */
    private static final int MAX_ECHO = 200;

    private final int httpCode;
    private final int subcode;
    private final Map<String, Object> errorData;

    public ApiException(int httpCode, int subcode, String message, Map<String, Object> errorData) {
        super(message, null, false, false);
        this.httpCode = httpCode;
        this.subcode = subcode;
        this.errorData = errorData == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(errorData));
    }

    public ApiException(int httpCode, int subcode, String message) {
        this(httpCode, subcode, message, Map.of());
    }

    public int httpCode() {
        return httpCode;
    }

    public int subcode() {
        return subcode;
    }

    public Map<String, Object> errorData() {
        return errorData;
    }

    /** 400/11: required fields are missing; names all of them. */
    public static ApiException missingFields(String... names) {
        List<String> fields = List.of(names);
        return new ApiException(400, 11,
                "Validation error (missing required fields: " + String.join(", ", fields) + ")",
                Map.of("missing_fields", fields));
    }

    /** 400/12: {@code field} has a wrong type, a bad enum value or is out of range. */
    public static ApiException validation(String field, String problem) {
        return new ApiException(400, 12, "Validation error (" + field + ": " + problem + ")",
                Map.of("field", field));
    }

    /** 400/12 about the request as a whole (malformed JSON, not an object). */
    public static ApiException malformedRequest(String problem) {
        return new ApiException(400, 12, "Validation error (" + problem + ")");
    }

    /** 400/0: a request target that is not a valid path (Jetty would refuse it before routing). */
    public static ApiException invalidPath(String problem) {
        return new ApiException(400, 0, "Invalid request path (" + problem + ")");
    }

    /** 400/16: field values that are valid one by one but not together (e.g. from_date >= to_date). */
    public static ApiException invalidFields(String message) {
        return new ApiException(400, 16, "Invalid field values (" + message + ")");
    }

    /** 400/1051: the container is not registered (strict modes only). */
    public static ApiException containerNotRegistered(String containerId) {
        return new ApiException(400, 1051, "Container is not registered (id=" + echo(containerId) + ")",
                Map.of("container_id", echo(containerId)));
    }

    /** 400/1052: no live container serves this url. */
    public static ApiException noInstances(String url) {
        return new ApiException(400, 1052, "No container instances found for service url (url=" + echo(url) + ")",
                Map.of("endpoint_url", echo(url)));
    }

    /** 404/0: no such action, or not at the requested version. */
    public static ApiException unknownAction(String path) {
        return new ApiException(404, 0, "Unknown action or version: " + echo(path));
    }

    /**
     * 401 with a ClearML subcode: 20 missing credentials, 21 malformed credentials, 22 unknown key
     * or wrong secret, 30 bad or expired token.
     */
    public static ApiException unauthorized(int subcode, String message) {
        return new ApiException(401, subcode, message);
    }

    /** 413: the request body is larger than {@code limitBytes}. */
    public static ApiException payloadTooLarge(long limitBytes) {
        return new ApiException(413, 0, "Request body too large (limit " + limitBytes + " bytes)");
    }

    /** 408: the request body stopped arriving, or arrived slower than the minimum data rate. */
    public static ApiException requestTimeout() {
        return new ApiException(408, 0, "Request body not received in time (too slow or stopped)");
    }

    /**
     * 413: the request is within the body limit but the event it makes is larger than Kafka takes
     * (the producer's {@code max.request.size}, or the topic's {@code max.message.bytes}).
     */
    public static ApiException eventTooLarge() {
        return new ApiException(413, 0, "Request too large: its event is over Kafka's record size limit");
    }

    /** 503: a dependency (Kafka, a peer) could not serve the call in time; the caller may retry. */
    public static ApiException unavailable(String message) {
        return new ApiException(503, 0, message);
    }

    /** 500/0 with a generic message; the cause is logged server-side, never sent. */
    public static ApiException internal() {
        return new ApiException(500, 0, "Internal server error");
    }

    /** A caller-supplied value shortened for echoing in a message. */
    static String echo(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "...";
    }
}
