package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyJsonTest {

    /** Characters that stress the encoding: quotes, escapes, controls, non-ASCII, surrogates (paired and lone). */
    private static final String ALPHABET = "ab/\"\\\u0000\u0001\u001f\b\t\n\f\r\u007f é€\u00ff\u0800\uffff\ud83d\ude00\ud800\udfff";

    @Test
    void keysAreTheBytesJacksonWritesSoStoredKeysKeepTheirPartitions() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            ContainerKey key = new ContainerKey(randomText(random), randomText(random));
            assertThat(key.encode()).as("key %s", key).isEqualTo(Json.mapper().writeValueAsBytes(key));
        }
    }

    @Test
    void encodingIsFrozen() {
        assertThat(new String(new EndpointContainerKey("acme", "/a\"b", "c\u00e9\n\ud83d\ude00").encode(), StandardCharsets.UTF_8))
                .isEqualTo("{\"company\":\"acme\",\"url\":\"/a\\\"b\",\"container_id\":\"c\u00e9\\n\\uD83D\\uDE00\"}");
        assertThat(new String(new ContainerKey("\u0001", "\ud800").encode(), StandardCharsets.UTF_8))
                .isEqualTo("{\"company\":\"\\u0001\",\"container_id\":\"\\uD800\"}");
    }

    @Test
    void distinctIdsHaveDistinctKeysEvenWithLoneSurrogates() {
        Random random = new Random(7);
        Set<String> ids = new HashSet<>();
        Set<String> encodings = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = randomText(random);
            if (ids.add(id)) {
                assertThat(encodings.add(Arrays.toString(new ContainerKey("c", id).encode()))).as("id %s", id).isTrue();
            }
        }
    }

    @Test
    void keysReadBackAsTheyWereWritten() {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            EndpointContainerKey key = new EndpointContainerKey(randomText(random), randomText(random), randomText(random));
            assertThat(Serdes.endpointContainerKey().deserialize("t", key.encode())).isEqualTo(key);
        }
    }

    @Test
    void keysOfOtherJsonWritersAreReadToo() {
        byte[] spaced = "{ \"company\" : \"a\\/b\", \"container_id\" : \"c\\u00e9\" }".getBytes(StandardCharsets.UTF_8);

        assertThat(KeyJson.decode(spaced, "company", "container_id")).isNull();
        assertThat(Serdes.containerKey().deserialize("t", spaced)).isEqualTo(new ContainerKey("a/b", "c\u00e9"));
    }

    @Test
    void anEndpointsPrefixStartsExactlyItsContainersKeysAndItsRangeHoldsExactlyThem() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            EndpointKey endpoint = new EndpointKey(randomText(random), randomText(random));
            EndpointContainerKey other = new EndpointContainerKey(randomText(random), randomText(random), randomText(random));
            EndpointContainerKey own = new EndpointContainerKey(endpoint, randomText(random));
            byte[] prefix = EndpointContainerKey.endpointPrefix(endpoint);
            byte[] start = EndpointContainerKey.rangeStart(endpoint).encode();
            byte[] end = EndpointContainerKey.rangeEnd(endpoint).encode();
            boolean sameEndpoint = other.endpoint().equals(endpoint);

            assertThat(startsWith(own.encode(), prefix)).isTrue();
            assertThat(inRange(own.encode(), start, end)).isTrue();
            assertThat(startsWith(other.encode(), prefix)).isEqualTo(sameEndpoint);
            assertThat(inRange(other.encode(), start, end)).isEqualTo(sameEndpoint);
            assertThat(startsWith(new EndpointKey(other.company(), other.url()).encode(),
                    EndpointKey.companyPrefix(endpoint.company()))).isEqualTo(other.company().equals(endpoint.company()));
        }
    }

    private static String randomText(Random random) {
        int length = random.nextInt(5);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return Arrays.compareUnsigned(key, start) >= 0 && Arrays.compareUnsigned(key, end) <= 0;
    }
}
