package io.servingmonitor.topics;


/** A serde writing {@code T} with a {@link Codec} in the {@link CompactBytes} form. Null stays null. */
public final class CompactSerde<T> extends SelfSerde<T> {

    /** How one value type is written and read. */
    public interface Codec<T> {
        void write(T value, CompactBytes.Writer out);

        T read(CompactBytes.Reader in);
    }

    private final String what;
    private final int expectedSize;
    private final Codec<T> codec;

    public CompactSerde(String what, int expectedSize, Codec<T> codec) {
        this.what = what;
        this.expectedSize = expectedSize;
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        CompactBytes.Writer out = new CompactBytes.Writer(expectedSize);
        codec.write(value, out);
        return out.toBytes();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.read(new CompactBytes.Reader(data, what, topic));
    }
}
