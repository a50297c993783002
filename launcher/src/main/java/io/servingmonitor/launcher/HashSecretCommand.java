package io.servingmonitor.launcher;

import io.servingmonitor.api.SecretHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code serving-monitor hash-secret [--iterations N]}: reads a secret key from the first line of
 * standard input (so it stays out of the shell history and {@code ps}) and prints its salted hash,
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, to put in place of the secret in a
 * {@code --credentials} line. Surrounding blanks are dropped, as the credentials file drops them.
 */
final class HashSecretCommand {

    static final String USAGE = "usage: serving-monitor hash-secret [--iterations N] < file-with-the-secret";

    private HashSecretCommand() {
    }

    /** Runs the command; the exit status (0 done, 2 bad usage or no secret). */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        int iterations = SecretHash.DEFAULT_ITERATIONS;
        if (args.size() == 2 && args.get(0).equals("--iterations")) {
            try {
                iterations = Integer.parseInt(args.get(1));
            } catch (NumberFormatException e) {
                iterations = -1;
            }
            if (iterations < 1000) {
                err.println("--iterations must be a whole number of at least 1000");
                return 2;
            }
        } else if (!args.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        String secret = line == null ? "" : line.strip();
        if (secret.isEmpty() || SecretHash.isHash(secret) || secret.contains(":")) {
            err.println("hash-secret: give the secret key (no colon) on the first line of standard input");
            return 2;
        }
        out.println(SecretHash.create(secret, iterations));
        return 0;
    }
}
