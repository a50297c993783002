package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Key of one container on one endpoint: company, url, container id, encoded by {@link KeyJson} as
 * {@code {"company":...,"url":...,"container_id":...}}. All containers of an endpoint share the
 * bytes of {@link #endpointPrefix}, so they are read with one prefix (or range) scan; records under
 * these keys are partitioned by their {@link #endpoint() endpoint key} alone, so one endpoint's
 * containers live in one partition.
 *
 * <p>{@link #rangeStart} and {@link #rangeEnd} are not keys of containers but the bounds of a
 * range over one endpoint's containers, for stores that take a key range rather than a prefix
 * (window stores): every container key of the endpoint, and no other, lies between them.
 */
@JsonPropertyOrder({"company", "url", "container_id"})
public record EndpointContainerKey(String company, String url, String containerId) {

    /** Marks the upper range bound; compared by identity, so no container id can equal it. */
    private static final String RANGE_END_ID = new String("\uFFFF range end");

    public EndpointContainerKey {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(url, "url");
    }

    public EndpointContainerKey(EndpointKey endpoint, String containerId) {
        this(endpoint.company(), endpoint.url(), Objects.requireNonNull(containerId, "containerId"));
    }

    /** The lower bound of the range of {@code endpoint}'s container keys (not itself a container's key). */
    public static EndpointContainerKey rangeStart(EndpointKey endpoint) {
        return new EndpointContainerKey(endpoint.company(), endpoint.url(), null);
    }

    /** The upper bound of the range of {@code endpoint}'s container keys (not itself a container's key). */
    public static EndpointContainerKey rangeEnd(EndpointKey endpoint) {
        return new EndpointContainerKey(endpoint.company(), endpoint.url(), RANGE_END_ID);
    }

    @JsonIgnore
    public EndpointKey endpoint() {
        return new EndpointKey(company, url);
    }

    /** The key's bytes; a range bound encodes as the endpoint prefix (start) or it followed by 0xFF (end). */
    public byte[] encode() {
        if (containerId == null) {
            return endpointPrefix(endpoint());
        }
        if (containerId == RANGE_END_ID) {
            byte[] prefix = endpointPrefix(endpoint());
            byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
            // No UTF-8 text contains 0xFF: it sorts after every container id.
            end[prefix.length] = (byte) 0xFF;
            return end;
        }
        return KeyJson.encode("company", company, "url", url, "container_id", containerId);
    }

    /** The bytes every container key of {@code endpoint} starts with, and no other key. */
    public static byte[] endpointPrefix(EndpointKey endpoint) {
        byte[] fields = KeyJson.prefix("company", endpoint.company(), "url", endpoint.url());
        byte[] name = "\"container_id\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(fields, fields.length + name.length);
        System.arraycopy(name, 0, prefix, fields.length, name.length);
        return prefix;
    }
}
