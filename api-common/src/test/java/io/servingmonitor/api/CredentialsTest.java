package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @Test
    void fileWithCommentsAndBlankLinesIsLoaded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "# company:key:secret\n\ncompany-a:key-a:secret-a\n  company-b:key-b:s:with:colons  \n");

        Credentials credentials = Credentials.load(file);

        assertThat(credentials.size()).isEqualTo(2);
        assertThat(credentials.verify("key-a", "secret-a")).contains(new Identity("company-a", "key-a"));
        assertThat(credentials.verify("key-b", "s:with:colons")).contains(new Identity("company-b", "key-b"));
    }

    @Test
    void malformedLineIsNamedByNumber() {
        assertThatThrownBy(() -> Credentials.parse(List.of("# ok", "company-a:key-a:secret-a", "company-b:key-b"), "creds.txt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("creds.txt line 3");
    }

    @Test
    void emptyPartIsMalformed() {
        assertThatThrownBy(() -> Credentials.of("company-a::secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void duplicateAccessKeyIsRefused() {
        assertThatThrownBy(() -> Credentials.of("a:key:s1", "b:key:s2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void wrongSecretOrUnknownKeyGivesNoIdentity() {
        Credentials credentials = Credentials.of("company-a:key-a:secret-a");

        assertThat(credentials.verify("key-a", "secret-")).isEmpty();
        assertThat(credentials.verify("key-a", "secret-a ")).isEmpty();
        assertThat(credentials.verify("key-x", "secret-a")).isEmpty();
    }

    @Test
    void identityIsActiveOnlyWhileItsKeyIsListedForItsCompany() {
        Credentials credentials = Credentials.of("company-a:key-a:secret-a");

        assertThat(credentials.isActive(new Identity("company-a", "key-a"))).isTrue();
        assertThat(credentials.isActive(new Identity("company-b", "key-a"))).isFalse();
        assertThat(credentials.isActive(new Identity("company-a", "key-gone"))).isFalse();
    }

    @Test
    void aHashedSecretVerifiesTheSecretItWasMadeFrom() {
        String hash = SecretHash.create("secret-a", 1000);
        Credentials credentials = Credentials.of("company-a:key-a:" + hash);

        assertThat(hash).startsWith("pbkdf2-sha256$1000$");
        assertThat(credentials.verify("key-a", "secret-a")).contains(new Identity("company-a", "key-a"));
        assertThat(credentials.verify("key-a", "secret-a")).contains(new Identity("company-a", "key-a"));
        assertThat(credentials.verify("key-a", "secret-b")).isEmpty();
        assertThat(credentials.verify("key-a", hash)).isEmpty();
    }

    @Test
    void twoHashesOfOneSecretDifferByTheirSalt() {
        assertThat(SecretHash.create("secret-a", 1000)).isNotEqualTo(SecretHash.create("secret-a", 1000));
    }

    @Test
    void aMalformedHashIsNamedByLineWithoutEchoingIt() {
        assertThatThrownBy(() -> Credentials.parse(List.of("company-a:key-a:pbkdf2-sha256$many$c2FsdHNhbHQ$aGFzaA"), "creds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("creds line 1")
                .hasMessageContaining("iterations")
                .hasMessageNotContaining("c2FsdHNhbHQ");
        assertThatThrownBy(() -> Credentials.of("company-a:key-a:pbkdf2-sha256$1000$c2FsdHNhbHQ$aGFzaA"))
                .hasMessageContaining("32 bytes");
    }
}
