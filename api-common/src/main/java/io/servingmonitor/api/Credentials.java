package io.servingmonitor.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key pairs that may call the API, each belonging to one company. Loaded from a text file with
 * one {@code company_id:access_key:secret_key} per line ({@code #} starts a comment line, blank lines
 * are skipped; the secret is everything after the second colon). Secrets are compared in constant
 * time, and an unknown key costs the same comparison as a known plain one.
 *
 * <p>The secret of a line may be a {@link SecretHash salted hash} of it instead
 * ({@code company:key:pbkdf2-sha256$600000$salt$hash}), so the file does not reveal the secrets.
 * Checking one costs the PBKDF2 iterations (hundreds of milliseconds at the default), too much for every
 * call of a client that sends Basic credentials each time; so once a key's secret was verified, a
 * SHA-256 digest of it is kept for that key (one per key of the file: bounded) and later calls
 * compare digests only. A wrong secret always costs the full PBKDF2 check.
 */
public final class Credentials {

    /** One key: either the digest of a plain secret or the hash of one. */
    private record Entry(String company, byte[] secretDigest, SecretHash secretHash) {
    }

    private static final byte[] UNKNOWN_KEY_DIGEST = digest("no such key");

    private final Map<String, Entry> byAccessKey;
    /** Per hashed key, the digest of the secret last verified against its hash. */
    private final Map<String, byte[]> verifiedDigests = new ConcurrentHashMap<>();

    private Credentials(Map<String, Entry> byAccessKey) {
        this.byAccessKey = Map.copyOf(byAccessKey);
    }

    /** Reads a credentials file; a malformed line fails with a message naming the file and line number. */
    public static Credentials load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses credential lines; {@code source} names them in error messages.
     *
     * @throws IllegalArgumentException naming the line number of a malformed or duplicate line
     */
    public static Credentials parse(List<String> lines, String source) {
        Map<String, Entry> entries = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
                throw new IllegalArgumentException(source + " line " + (i + 1)
                        + ": expected company_id:access_key:secret_key");
            }
            String accessKey = parts[1].strip();
            if (entries.containsKey(accessKey)) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": access key listed twice");
            }
            String secret = parts[2].strip();
            if (SecretHash.isHash(secret)) {
                SecretHash hash;
                try {
                    hash = SecretHash.parse(secret);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage());
                }
                entries.put(accessKey, new Entry(parts[0].strip(), null, hash));
            } else {
                entries.put(accessKey, new Entry(parts[0].strip(), digest(secret), null));
            }
        }
        return new Credentials(entries);
    }

    /** Credentials from {@code company_id:access_key:secret_key} strings, for tests and small setups. */
    public static Credentials of(String... lines) {
        return parse(List.of(lines), "credentials");
    }

    /** The identity of a key pair, or empty when the key is unknown or the secret wrong. */
    public Optional<Identity> verify(String accessKey, String secretKey) {
        Entry entry = byAccessKey.get(accessKey);
        byte[] given = digest(secretKey);
        boolean matches;
        if (entry == null) {
            MessageDigest.isEqual(UNKNOWN_KEY_DIGEST, given);
            matches = false;
        } else if (entry.secretHash() == null) {
            matches = MessageDigest.isEqual(entry.secretDigest(), given);
        } else {
            matches = matchesHash(accessKey, entry.secretHash(), secretKey, given);
        }
        if (entry == null || !matches) {
            return Optional.empty();
        }
        return Optional.of(new Identity(entry.company(), accessKey));
    }

    private boolean matchesHash(String accessKey, SecretHash hash, String secretKey, byte[] given) {
        byte[] verified = verifiedDigests.get(accessKey);
        if (verified != null && MessageDigest.isEqual(verified, given)) {
            return true;
        }
        if (!hash.matches(secretKey)) {
            return false;
        }
        verifiedDigests.put(accessKey, given);
        return true;
    }

    /** True while {@code identity}'s access key is listed for its company (tokens of removed keys stop working). */
    public boolean isActive(Identity identity) {
        Entry entry = byAccessKey.get(identity.user());
        return entry != null && entry.company().equals(identity.company());
    }

    public int size() {
        return byAccessKey.size();
    }

    /** Fixed-length digests make the comparison independent of the secrets' lengths. */
    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
