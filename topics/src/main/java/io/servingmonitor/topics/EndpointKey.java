package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Key of everything per endpoint: the company (tenant) and the endpoint url. Serialized as
 * {@code {"company":...,"url":...}}, company first (see {@link #companyPrefix(String)}).
 */
@JsonPropertyOrder({"company", "url"})
public record EndpointKey(String company, String url) {

    public EndpointKey {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(url, "url");
    }

    /** The serialized-key prefix of all endpoint keys of {@code company}; see {@link ContainerKey#companyPrefix}. */
    public static String companyPrefix(String company) {
        return Json.companyKeyPrefix(company);
    }
}
