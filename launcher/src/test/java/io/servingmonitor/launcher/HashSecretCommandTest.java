package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.Identity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serving-monitor hash-secret}: the printed hash, put in a credentials line, accepts the secret. */
class HashSecretCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws Exception {
        return HashSecretCommand.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void thePrintedHashInACredentialsLineAcceptsTheSecretFromStdin() throws Exception {
        int status = run("t4CkWMOWsq9RFLcx\n", "--iterations", "1000");

        String hash = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(status).isZero();
        assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("t4CkWMOWsq9RFLcx");
        Credentials credentials = Credentials.of("default:VR6R7ZF4GVUVHD2ZEAHR2J3F:" + hash);
        assertThat(credentials.verify("VR6R7ZF4GVUVHD2ZEAHR2J3F", "t4CkWMOWsq9RFLcx"))
                .contains(new Identity("default", "VR6R7ZF4GVUVHD2ZEAHR2J3F"));
    }

    @Test
    void anEmptyStdinOrBadIterationsIsUsageError() throws Exception {
        assertThat(run("")).isEqualTo(2);
        assertThat(run("secret\n", "--iterations", "10")).isEqualTo(2);
        assertThat(run("secret\n", "--what")).isEqualTo(2);
        assertThat(out.size()).isZero();
    }
}
