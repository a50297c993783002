package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key serde hands out the last key it read again for the same bytes, and only for the same bytes. */
class KeySerdeTest {

    private static final String TOPIC = "t";

    @Test
    void everyReadInAnyOrderGivesTheKeyOfItsOwnBytes() {
        KeySerde<EndpointContainerKey> serde = Serdes.endpointContainerKey();
        Random random = new Random(11);
        List<EndpointContainerKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Keys of one length differing in one character: a memo comparing less than every byte would mix them up.
            keys.add(new EndpointContainerKey("acme", "/u" + (i % 4), "c" + (char) ('a' + i % 10)));
        }
        for (int i = 0; i < 5_000; i++) {
            EndpointContainerKey key = keys.get(random.nextInt(3) == 0 ? random.nextInt(keys.size()) : i / 50 % keys.size());
            assertThat(serde.deserialize(TOPIC, serde.serialize(TOPIC, key))).isEqualTo(key);
        }
    }

    @Test
    void theSameBytesReadTwiceInARowGiveTheSameKeyObject() {
        KeySerde<EndpointContainerKey> serde = Serdes.endpointContainerKey();
        byte[] bytes = new EndpointContainerKey("acme", "/u", "c1").encode();
        EndpointContainerKey first = serde.deserialize(TOPIC, bytes);
        assertThat(serde.deserialize(TOPIC, bytes.clone())).isSameAs(first);
        EndpointContainerKey key = new EndpointContainerKey("acme", "/u", "c2");
        assertThat(serde.serialize(TOPIC, key)).isSameAs(serde.serialize(TOPIC, key));
    }

    @Test
    void aCallerChangingItsArrayAfterAReadGetsTheKeyOfTheNewBytes() {
        KeySerde<ContainerKey> serde = Serdes.containerKey();
        byte[] bytes = serde.serialize(TOPIC, new ContainerKey("acme", "c1"));
        assertThat(serde.deserialize(TOPIC, bytes)).isEqualTo(new ContainerKey("acme", "c1"));
        // The same array, now holding another key's bytes (same length: only the last id character differs).
        byte[] other = serde.serialize(TOPIC, new ContainerKey("acme", "c2"));
        System.arraycopy(other, 0, bytes, 0, bytes.length);
        assertThat(serde.deserialize(TOPIC, bytes)).isEqualTo(new ContainerKey("acme", "c2"));
    }

    @Test
    void keysWrittenAsPlainJsonByAnotherWriterStillRead() {
        KeySerde<ContainerKey> serde = Serdes.containerKey();
        byte[] spaced = "{ \"container_id\" : \"c1\", \"company\" : \"acme\" }".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(serde.deserialize(TOPIC, spaced)).isEqualTo(new ContainerKey("acme", "c1"));
        assertThat(serde.deserialize(TOPIC, spaced)).isEqualTo(new ContainerKey("acme", "c1"));
        assertThat(serde.deserialize(TOPIC, serde.serialize(TOPIC, new ContainerKey("acme", "c2"))))
                .isEqualTo(new ContainerKey("acme", "c2"));
    }

    @Test
    void everyWriteGivesTheBytesOfItsOwnKey() {
        KeySerde<EndpointContainerKey> serde = Serdes.endpointContainerKey();
        Random random = new Random(5);
        List<EndpointContainerKey> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(new EndpointContainerKey("acme", "/u", "c" + i));
        }
        for (int i = 0; i < 2_000; i++) {
            // The same key object several times in a row (a store's get, then its put), and others in between.
            EndpointContainerKey key = keys.get(random.nextInt(2) == 0 ? i / 3 % keys.size() : random.nextInt(keys.size()));
            assertThat(serde.serialize(TOPIC, key)).isEqualTo(key.encode());
        }
    }
}
