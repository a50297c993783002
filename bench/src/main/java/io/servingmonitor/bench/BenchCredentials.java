package io.servingmonitor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The one key pair of the bench (company {@link StatusReports#COMPANY}) and the token secret of
 * the services it starts. Bench-only values: the services run on 127.0.0.1 for one bench run.
 */
public final class BenchCredentials {

    public static final String ACCESS_KEY = "BENCHACCESSKEY0000000001";
    public static final String SECRET_KEY = "bench-secret-key-not-for-production-use";
    public static final String TOKEN_SECRET = "bench-token-secret-0123456789abcdef-not-for-production";

    private BenchCredentials() {
    }

    /** The {@code Authorization} header of the bench's Basic credentials. */
    public static String basicAuthorization() {
        return "Basic " + Base64.getEncoder()
                .encodeToString((ACCESS_KEY + ":" + SECRET_KEY).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the credentials file the service reads ({@code company_id:access_key:secret_key}). */
    public static Path writeFile(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("credentials"),
                    StatusReports.COMPANY + ":" + ACCESS_KEY + ":" + SECRET_KEY + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
