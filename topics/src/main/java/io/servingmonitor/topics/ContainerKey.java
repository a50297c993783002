package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Key of everything per container: the company (tenant) that owns it and its container id.
 * Serialized as {@code {"company":...,"container_id":...}}, company first, so all containers of
 * one company form a contiguous key range (see {@link #companyPrefix(String)}).
 */
@JsonPropertyOrder({"company", "container_id"})
public record ContainerKey(String company, String containerId) {

    public ContainerKey {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(containerId, "containerId");
    }

    /**
     * The serialized-key prefix shared by all keys of {@code company} and no other company's: the
     * company is a complete JSON string literal followed by a comma, so "a" never matches "ab".
     * Use with a {@code StringSerializer} in {@code prefixScan}.
     */
    public static String companyPrefix(String company) {
        return Json.companyKeyPrefix(company);
    }
}
