package io.servingmonitor.topics;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writing and reading the compact binary values of our state stores: fixed-width numbers
 * big-endian, strings as UTF-8 behind a length (-1 for null), nullable numbers behind a presence
 * byte. Each value format starts with its own format byte, so that a later version can change it.
 *
 * <p>A string that UTF-8 cannot carry (one with a lone surrogate, which callers may send as a JSON
 * escape in an id or url) is written as its UTF-16 code units instead, behind the length
 * {@code -2 - units}, so that it reads back exactly as it was; every other string keeps the
 * UTF-8 form, so values written before this rule read as they did.
 */
public final class CompactBytes {

    private CompactBytes() {
    }

    /** Whether {@code value} has a surrogate that is not half of a pair (UTF-8 would replace it with '?'). */
    static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A growing buffer to write one value into. */
    public static final class Writer {

        private byte[] bytes;
        private int size;

        public Writer(int expectedSize) {
            bytes = new byte[Math.max(16, expectedSize)];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        public Writer putByte(int value) {
            ensure(1);
            bytes[size++] = (byte) value;
            return this;
        }

        public Writer putInt(int value) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (value >>> shift);
            }
            return this;
        }

        public Writer putLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (value >>> shift);
            }
            return this;
        }

        public Writer putDouble(double value) {
            return putLong(Double.doubleToRawLongBits(value));
        }

        public Writer putString(String value) {
            if (value == null) {
                return putInt(-1);
            }
            if (hasLoneSurrogate(value)) {
                putInt(-2 - value.length());
                ensure(2 * value.length());
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    bytes[size++] = (byte) (c >>> 8);
                    bytes[size++] = (byte) c;
                }
                return this;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
            return this;
        }

        public Writer putNullableLong(Long value) {
            putByte(value == null ? 0 : 1);
            return value == null ? this : putLong(value);
        }

        public Writer putNullableDouble(Double value) {
            putByte(value == null ? 0 : 1);
            return value == null ? this : putDouble(value);
        }

        public byte[] toBytes() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /**
     * Reads one value written by a {@link Writer}; a value cut short is a {@link SerializationException}.
     * Reading allocates nothing but the values read (no boxing, no message until one is thrown):
     * every store read and every record of the topology goes through here.
     */
    public static final class Reader {

        private final ByteBuffer in;
        private final String what;
        private final String topic;

        public Reader(byte[] data, String what) {
            this(data, what, null);
        }

        /** A reader of {@code what} read from {@code topic} (named in errors only; may be null). */
        public Reader(byte[] data, String what, String topic) {
            this.in = ByteBuffer.wrap(data);
            this.what = what;
            this.topic = topic;
        }

        public int getByte() {
            try {
                return in.get();
            } catch (BufferUnderflowException e) {
                throw cutShort(e);
            }
        }

        public int getInt() {
            try {
                return in.getInt();
            } catch (BufferUnderflowException e) {
                throw cutShort(e);
            }
        }

        public long getLong() {
            try {
                return in.getLong();
            } catch (BufferUnderflowException e) {
                throw cutShort(e);
            }
        }

        public double getDouble() {
            try {
                return in.getDouble();
            } catch (BufferUnderflowException e) {
                throw cutShort(e);
            }
        }

        public String getString() {
            int length = getInt();
            if (length == -1) {
                return null;
            }
            if (length < -1) {
                return utf16(-2L - length);
            }
            if (length > in.remaining()) {
                throw cutShort(null);
            }
            String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return value;
        }

        private String utf16(long units) {
            if (2 * units > in.remaining()) {
                throw cutShort(null);
            }
            char[] chars = new char[(int) units];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = in.getChar();
            }
            return new String(chars);
        }

        public Long getNullableLong() {
            return getByte() == 0 ? null : getLong();
        }

        public Double getNullableDouble() {
            return getByte() == 0 ? null : getDouble();
        }

        /** Fails unless the format byte read first is {@code expected}. */
        public Reader expectFormat(int expected) {
            int format = getByte();
            if (format != expected) {
                throw new SerializationException("unknown format " + format + " of " + describe());
            }
            return this;
        }

        /** The format byte read first, which must be between {@code min} and {@code max}: for a value whose later formats add fields. */
        public int expectFormat(int min, int max) {
            int format = getByte();
            if (format < min || format > max) {
                throw new SerializationException("unknown format " + format + " of " + describe());
            }
            return format;
        }

        private SerializationException cutShort(BufferUnderflowException cause) {
            return new SerializationException(describe() + " is cut short", cause);
        }

        private String describe() {
            return topic == null ? what : what + " on " + topic;
        }
    }
}
