package io.servingmonitor.processor.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.topics.ContainerKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class ExpiryIndexKeySerdeTest {

    private final ExpiryIndexKeySerde serde = new ExpiryIndexKeySerde();

    @Test
    void roundTripKeepsTimeAndContainer() {
        ExpiryIndexKey key = new ExpiryIndexKey(1_740_830_400_000L, new ContainerKey("acme", "c\"1,\u00e9"));

        assertThat(serde.deserialize("t", serde.serialize("t", key))).isEqualTo(key);
    }

    @Test
    void serializedKeysSortByExpiryTimeFirstThenContainer() {
        ExpiryIndexKey earlyZ = new ExpiryIndexKey(1_000, new ContainerKey("zeta", "zz"));
        ExpiryIndexKey lateA = new ExpiryIndexKey(2_000, new ContainerKey("acme", "a"));
        ExpiryIndexKey lateB = new ExpiryIndexKey(2_000, new ContainerKey("acme", "b"));
        ExpiryIndexKey muchLater = new ExpiryIndexKey(1L << 40, new ContainerKey("acme", "a"));
        ExpiryIndexKey negative = new ExpiryIndexKey(-5, new ContainerKey("zeta", "zz"));

        List<ExpiryIndexKey> sortedByBytes = new ArrayList<>(List.of(muchLater, lateB, earlyZ, negative, lateA));
        sortedByBytes.sort(Comparator.comparing(k -> Bytes.wrap(serde.serialize("t", k))));

        assertThat(sortedByBytes).containsExactly(negative, earlyZ, lateA, lateB, muchLater);
    }

    @Test
    void tooShortBytesAreRejected() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[8])).isInstanceOf(SerializationException.class);
    }
}
