package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Key of everything per endpoint: the company (tenant) and the endpoint url. Encoded by
 * {@link KeyJson} as {@code {"company":...,"url":...}}, company first (see {@link #companyPrefix(String)}).
 * Its bytes also decide the partition of every {@link EndpointContainerKey} of the endpoint.
 */
@JsonPropertyOrder({"company", "url"})
public record EndpointKey(String company, String url) {

    public EndpointKey {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(url, "url");
    }

    /** The key's bytes on topics and in stores. */
    public byte[] encode() {
        return KeyJson.encode("company", company, "url", url);
    }

    /** The bytes every endpoint key of {@code company} starts with; see {@link ContainerKey#companyPrefix}. */
    public static byte[] companyPrefix(String company) {
        return KeyJson.prefix("company", company);
    }
}
