package io.servingmonitor.api;

import java.util.Objects;

/**
 * One authenticated call as a handler sees it.
 *
 * @param company      the tenant, from the caller's credentials (never from the body)
 * @param body         the call's fields (JSON body, or the query string of a GET without body)
 * @param callerIp     the caller's address, honouring forwarding headers only from trusted proxies
 * @param receivedAtMs when the call arrived (epoch ms)
 */
public record ActionRequest(String company, RequestBody body, String callerIp, long receivedAtMs) {

    public ActionRequest {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(body, "body");
    }
}
