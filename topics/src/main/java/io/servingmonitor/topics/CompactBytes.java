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
 */
public final class CompactBytes {

    private CompactBytes() {
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

    /** Reads one value written by a {@link Writer}; a value cut short is a {@link SerializationException}. */
    public static final class Reader {

        private final ByteBuffer in;
        private final String what;

        public Reader(byte[] data, String what) {
            this.in = ByteBuffer.wrap(data);
            this.what = what;
        }

        public int getByte() {
            return guard(() -> (int) in.get());
        }

        public int getInt() {
            return guard(in::getInt);
        }

        public long getLong() {
            return guard(in::getLong);
        }

        public double getDouble() {
            return guard(in::getDouble);
        }

        public String getString() {
            int length = getInt();
            if (length < 0) {
                return null;
            }
            if (length > in.remaining()) {
                throw new SerializationException(what + " is cut short");
            }
            String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return value;
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
                throw new SerializationException("unknown format " + format + " of " + what);
            }
            return this;
        }

        private <T> T guard(java.util.function.Supplier<T> read) {
            try {
                return read.get();
            } catch (BufferUnderflowException e) {
                throw new SerializationException(what + " is cut short", e);
            }
        }
    }
}
