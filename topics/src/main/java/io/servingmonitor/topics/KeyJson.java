package io.servingmonitor.topics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one frozen byte encoding of every key on our topics and in our stores: a compact JSON
 * object of string fields in a fixed order, written here by hand so that its bytes never change
 * with a library version (the bytes decide partitions and the order of prefix scans).
 *
 * <p>Rules, fixed for good: {@code {"name":"value",...}} without spaces; in a value {@code "} and
 * {@code \} are escaped as {@code \"} and {@code \\}; {@code \b \t \n \f \r} as those escapes;
 * other characters below U+0020 and every UTF-16 surrogate (paired or not) as {@code \}{@code uXXXX}
 * with upper-case hex; everything else as UTF-8. These are the bytes Jackson 2 writes by default,
 * so keys written before this encoder existed keep their partitions; a lone surrogate, which no
 * UTF-8 byte sequence can carry, still has a distinct encoding.
 *
 * <p>A {@link #prefix prefix} is the encoding of the first fields followed by the comma that
 * precedes the next one: every key with those first fields starts with exactly those bytes, and
 * no other key does (a value is always a complete string literal).
 */
public final class KeyJson {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private KeyJson() {
    }

    /** The key of alternating field names and values, e.g. {@code encode("company", c, "url", u)}. */
    public static byte[] encode(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 24 * namesAndValues.length);
        writeFields(out, namesAndValues);
        out.write('}');
        return out.toByteArray();
    }

    /**
     * The bytes every key whose first fields are {@code namesAndValues} starts with, and no other:
     * the fields, then the comma before the next field.
     */
    public static byte[] prefix(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 24 * namesAndValues.length);
        writeFields(out, namesAndValues);
        out.write(',');
        return out.toByteArray();
    }

    private static void writeFields(ByteArrayOutputStream out, String... namesAndValues) {
        if (namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a key needs pairs of field name and value");
        }
        out.write('{');
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                out.write(',');
            }
            writeString(out, namesAndValues[i]);
            out.write(':');
            writeString(out, namesAndValues[i + 1]);
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        out.write('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                writeAscii(out, c);
            } else if (Character.isSurrogate(c)) {
                writeUnicodeEscape(out, c);
            } else if (c < 0x800) {
                out.write(0xC0 | (c >> 6));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            }
        }
        out.write('"');
    }

    private static void writeAscii(ByteArrayOutputStream out, char c) {
        switch (c) {
            case '"' -> { out.write('\\'); out.write('"'); }
            case '\\' -> { out.write('\\'); out.write('\\'); }
            case '\b' -> { out.write('\\'); out.write('b'); }
            case '\t' -> { out.write('\\'); out.write('t'); }
            case '\n' -> { out.write('\\'); out.write('n'); }
            case '\f' -> { out.write('\\'); out.write('f'); }
            case '\r' -> { out.write('\\'); out.write('r'); }
            default -> {
                if (c < 0x20) {
                    writeUnicodeEscape(out, c);
                } else {
                    out.write(c);
                }
            }
        }
    }

    private static void writeUnicodeEscape(ByteArrayOutputStream out, char c) {
        out.write('\\');
        out.write('u');
        out.write(HEX[(c >> 12) & 0xF]);
        out.write(HEX[(c >> 8) & 0xF]);
        out.write(HEX[(c >> 4) & 0xF]);
        out.write(HEX[c & 0xF]);
    }
}
