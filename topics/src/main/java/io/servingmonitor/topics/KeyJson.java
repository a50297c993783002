package io.servingmonitor.topics;

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
        return fields(namesAndValues, '}');
    }

    /**
     * The bytes every key whose first fields are {@code namesAndValues} starts with, and no other:
     * the fields, then the comma before the next field.
     */
    public static byte[] prefix(String... namesAndValues) {
        return fields(namesAndValues, ',');
    }

    /** {@code {"n1":"v1",...} followed by {@code last}; sized exactly first, then written (no copies). */
    private static byte[] fields(String[] namesAndValues, char last) {
        if (namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a key needs pairs of field name and value");
        }
        int length = 1 + namesAndValues.length / 2 * 2; // '{', per field ':' and ',' (or the last byte)
        for (String text : namesAndValues) {
            length += encodedLength(text);
        }
        byte[] out = new byte[length];
        int at = 0;
        out[at++] = '{';
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                out[at++] = ',';
            }
            at = writeString(out, at, namesAndValues[i]);
            out[at++] = ':';
            at = writeString(out, at, namesAndValues[i + 1]);
        }
        out[at++] = (byte) last;
        if (at != length) {
            throw new IllegalStateException("key length " + at + " != " + length);
        }
        return out;
    }

    /** The bytes of {@code value} as a string literal, quotes included. */
    private static int encodedLength(String value) {
        int length = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2
                        : c < 0x20 ? 6 : 1;
            } else if (Character.isSurrogate(c)) {
                length += 6;
            } else {
                length += c < 0x800 ? 2 : 3;
            }
        }
        return length;
    }

    private static int writeString(byte[] out, int at, String value) {
        out[at++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                at = writeAscii(out, at, c);
            } else if (Character.isSurrogate(c)) {
                at = writeUnicodeEscape(out, at, c);
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else {
                out[at++] = (byte) (0xE0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out[at++] = '"';
        return at;
    }

    private static int writeAscii(byte[] out, int at, char c) {
        char escape = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (escape != 0) {
            out[at++] = '\\';
            out[at++] = (byte) escape;
            return at;
        }
        if (c < 0x20) {
            return writeUnicodeEscape(out, at, c);
        }
        out[at++] = (byte) c;
        return at;
    }

    private static int writeUnicodeEscape(byte[] out, int at, char c) {
        out[at++] = '\\';
        out[at++] = 'u';
        out[at++] = HEX[(c >> 12) & 0xF];
        out[at++] = HEX[(c >> 8) & 0xF];
        out[at++] = HEX[(c >> 4) & 0xF];
        out[at++] = HEX[c & 0xF];
        return at;
    }

    /**
     * The values of a key written by {@link #encode} with exactly the fields {@code names}, in that
     * order; null when {@code data} is not in that form (another JSON writer's spacing or escapes):
     * the caller then reads it as plain JSON.
     */
    public static String[] decode(byte[] data, String... names) {
        String[] values = new String[names.length];
        int[] at = {0};
        if (!expect(data, at, '{')) {
            return null;
        }
        for (int i = 0; i < names.length; i++) {
            if (i > 0 && !expect(data, at, ',')) {
                return null;
            }
            String name = readString(data, at);
            if (name == null || !name.equals(names[i]) || !expect(data, at, ':')) {
                return null;
            }
            values[i] = readString(data, at);
            if (values[i] == null) {
                return null;
            }
        }
        return expect(data, at, '}') && at[0] == data.length ? values : null;
    }

    private static boolean expect(byte[] data, int[] at, char c) {
        if (at[0] < data.length && data[at[0]] == c) {
            at[0]++;
            return true;
        }
        return false;
    }

    /** A string literal at {@code at}, advancing past it; null if it is not one this encoding writes. */
    private static String readString(byte[] data, int[] at) {
        if (!expect(data, at, '"')) {
            return null;
        }
        StringBuilder text = null;
        int start = at[0];
        int i = start;
        while (i < data.length) {
            byte b = data[i];
            if (b == '"') {
                String tail = new String(data, start, i - start, StandardCharsets.UTF_8);
                at[0] = i + 1;
                return text == null ? tail : text.append(tail).toString();
            }
            if (b != '\\') {
                i++;
                continue;
            }
            if (text == null) {
                text = new StringBuilder();
            }
            text.append(new String(data, start, i - start, StandardCharsets.UTF_8));
            if (i + 1 >= data.length) {
                return null;
            }
            byte escape = data[i + 1];
            switch (escape) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case 'b' -> text.append('\b');
                case 't' -> text.append('\t');
                case 'n' -> text.append('\n');
                case 'f' -> text.append('\f');
                case 'r' -> text.append('\r');
                case 'u' -> {
                    if (i + 6 > data.length) {
                        return null;
                    }
                    int code = 0;
                    for (int k = i + 2; k < i + 6; k++) {
                        int digit = Character.digit(data[k], 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    text.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
            i += 2;
            start = i;
        }
        return null;
    }
}
