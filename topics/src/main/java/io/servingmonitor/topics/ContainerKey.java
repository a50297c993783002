package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Key of everything per container: the company (tenant) that owns it and its container id.
 * Encoded by {@link KeyJson} as {@code {"company":...,"container_id":...}}, company first, so all
 * containers of one company form a contiguous key range (see {@link #companyPrefix(String)}).
 */
@JsonPropertyOrder({"company", "container_id"})
public record ContainerKey(String company, String containerId) {

    public ContainerKey {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(containerId, "containerId");
    }

    /** The key's bytes on topics and in stores. */
    public byte[] encode() {
        return KeyJson.encode("company", company, "container_id", containerId);
    }

    /**
     * The bytes every key of {@code company} starts with, and no other company's: "a" never
     * matches "ab". Use with a {@code ByteArraySerializer} in {@code prefixScan}.
     */
    public static byte[] companyPrefix(String company) {
        return KeyJson.prefix("company", company);
    }
}
