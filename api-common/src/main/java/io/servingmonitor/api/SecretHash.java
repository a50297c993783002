package io.servingmonitor.api;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted hash of a secret key, as the credentials file may hold it instead of the secret:
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, PBKDF2 with HMAC-SHA256 (the JDK's
 * {@code PBKDF2WithHmacSHA256}), salt and 32-byte hash in base64 without padding. Made by
 * {@code serving-monitor hash-secret}.
 */
public final class SecretHash {

    /** What starts a hashed secret; a plain secret may not start with it. */
    public static final String PREFIX = "pbkdf2-sha256$";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023): hundreds of milliseconds of one core per check. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private SecretHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Whether {@code text} is meant as a hash (starts with {@link #PREFIX}). */
    public static boolean isHash(String text) {
        return text.startsWith(PREFIX);
    }

    /**
     * Reads {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}.
     *
     * @throws IllegalArgumentException saying which part is wrong (never echoing the text)
     */
    public static SecretHash parse(String text) {
        if (!isHash(text)) {
            throw new IllegalArgumentException("a secret hash starts with " + PREFIX);
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a secret hash is " + PREFIX + "<iterations>$<salt>$<hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iterations of a secret hash must be a whole number");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iterations of a secret hash must be between 1 and " + MAX_ITERATIONS);
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[1]);
            hash = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the salt and hash of a secret hash must be base64");
        }
        if (salt.length < MIN_SALT_BYTES || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a secret hash needs a salt of at least " + MIN_SALT_BYTES
                    + " bytes and a hash of " + HASH_BYTES + " bytes");
        }
        return new SecretHash(iterations, salt, hash);
    }

    /** A new hash of {@code secret} with a random salt, in the file's format. */
    public static String create(String secret, int iterations) {
        Objects.requireNonNull(secret, "secret");
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(pbkdf2(secret, salt, iterations));
    }

    /** Whether {@code secret} is the one hashed (compared in constant time). Costs the iterations. */
    public boolean matches(String secret) {
        return MessageDigest.isEqual(hash, pbkdf2(secret, salt, iterations));
    }

    public int iterations() {
        return iterations;
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return PREFIX + iterations + "$...";
    }
}
