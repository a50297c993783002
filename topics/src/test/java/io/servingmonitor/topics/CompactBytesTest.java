package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CompactBytesTest {

    /**
     * Regression (found by TenantIsolationProperties): a container id with a lone surrogate, sent
     * as a JSON escape, was stored as UTF-8, which has no form for it, and read back with '?'.
     */
    @Test
    void stringsWithLoneSurrogatesReadBackExactly() {
        List<String> texts = List.of("\uD800", "a\uDC00b", "\uEED0\uDFFF\uFFFF\u0000/t\u0000", "x\uD83D", "\uDE00x",
                "\uDBFF\uDBFF", "", "plain", "\uD83D\uDE00 paired", "\u00e9\u0000");
        CompactBytes.Writer writer = new CompactBytes.Writer(8);
        texts.forEach(writer::putString);
        writer.putString(null).putInt(42);

        CompactBytes.Reader reader = new CompactBytes.Reader(writer.toBytes(), "test value");
        List<String> read = new ArrayList<>();
        texts.forEach(text -> read.add(reader.getString()));

        assertThat(read).containsExactlyElementsOf(texts);
        assertThat(reader.getString()).isNull();
        assertThat(reader.getInt()).isEqualTo(42);
    }

    @Test
    void wellFormedStringsKeepTheirUtf8Form() {
        byte[] bytes = new CompactBytes.Writer(8).putString("\u00e9\uD83D\uDE00").toBytes();

        byte[] utf8 = "\u00e9\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertThat(bytes).hasSize(4 + utf8.length);
        assertThat(new CompactBytes.Reader(bytes, "test value").getInt()).isEqualTo(utf8.length);
    }

    @Test
    void utf16StringCutShortIsASerializationError() {
        byte[] bytes = new CompactBytes.Writer(8).putString("ab\uD800").toBytes();
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);

        assertThatThrownBy(() -> new CompactBytes.Reader(cut, "test value").getString())
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aValueCutShortOrOfAnUnknownFormatIsAnErrorNamingWhatAndTheTopic() {
        CompactSerde<ContainerSample> serde = Serdes.containerSample();
        byte[] bytes = serde.serialize("t", ContainerSample.of(new LoadReport(null, 5L, 2.5, 7L, null)));
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> serde.deserialize("metrics-topic", cut))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("on metrics-topic");
        }
        byte[] unknown = bytes.clone();
        unknown[0] = 9;
        assertThatThrownBy(() -> serde.deserialize("metrics-topic", unknown))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown format 9 of a metric sample on metrics-topic");
    }
}
