package io.servingmonitor.api;

import java.util.Objects;

/** Who is calling: the company (tenant) and the access key ({@code user}) that authenticated. */
public record Identity(String company, String user) {

    public Identity {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(user, "user");
    }
}
