package io.servingmonitor.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response after another from the bytes of a keep-alive connection, as they
 * arrive, keeping only what the load generator needs: the status, whether the server closes the
 * connection after it, and where the response ends. The body is skipped, never kept: framed by
 * {@code Content-Length}, by {@code Transfer-Encoding: chunked} (chunk extensions and trailers
 * skipped), or, with neither, by the end of the connection. An HTTP/1.0 response closes the
 * connection unless it says {@code Connection: keep-alive}. Not a general HTTP client: no
 * pipelining, no 1xx interim responses; what it does not understand is a
 * {@link MalformedResponse}, never a silently wrong count.
 */
final class HttpResponseReader {

    /** What a server sent that this reader cannot frame. */
    static final class MalformedResponse extends Exception {
        MalformedResponse(String message) {
            super(message);
        }
    }

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_LINE_BYTES = 8 * 1024;

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_CLOSE, DONE }

    private final byte[] head = new byte[MAX_HEADER_BYTES];
    private int headLength;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;
    private State state = State.HEAD;
    private long remaining;
    private int status;
    private boolean closeAfter;

    /** Forgets the response read so far: the next bytes are the start of a new one. */
    void reset() {
        state = State.HEAD;
        headLength = 0;
        lineLength = 0;
        remaining = 0;
        status = 0;
        closeAfter = false;
    }

    /**
     * Consumes bytes of the response from {@code bytes}. Returns true when the response is
     * complete (bytes after its end, which a non-pipelining client never receives, are left in the buffer).
     */
    boolean feed(ByteBuffer bytes) throws MalformedResponse {
        while (bytes.hasRemaining()) {
            switch (state) {
                case HEAD -> {
                    byte b = bytes.get();
                    if (headLength == head.length) {
                        throw new MalformedResponse("response head over " + MAX_HEADER_BYTES + " bytes");
                    }
                    head[headLength++] = b;
                    if (b == '\n' && endsWithBlankLine()) {
                        parseHead();
                    }
                }
                case BODY -> {
                    if (skipRemaining(bytes)) {
                        state = State.DONE;
                    }
                }
                case CHUNK_SIZE -> {
                    String sizeLine = readLine(bytes);
                    if (sizeLine != null) {
                        remaining = chunkSize(sizeLine);
                        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    if (skipRemaining(bytes)) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    String end = readLine(bytes);
                    if (end != null) {
                        if (!end.isEmpty()) {
                            throw new MalformedResponse("chunk not followed by CRLF");
                        }
                        state = State.CHUNK_SIZE;
                    }
                }
                case TRAILER -> {
                    String trailer = readLine(bytes);
                    if (trailer != null && trailer.isEmpty()) {
                        state = State.DONE;
                    }
                }
                case UNTIL_CLOSE -> bytes.position(bytes.limit());
                case DONE -> {
                    return true;
                }
            }
            if (state == State.DONE) {
                return true;
            }
        }
        return state == State.DONE;
    }

    /**
     * The connection ended. Returns true when that ends a response framed by the end of the
     * connection; false when no response was under way; throws when it cut one short.
     */
    boolean endOfStream() throws MalformedResponse {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            return true;
        }
        if (state == State.HEAD && headLength == 0) {
            return false;
        }
        throw new MalformedResponse("connection closed in the middle of a response");
    }

    /** Whether any byte of a response arrived since the last {@link #reset()}. */
    boolean started() {
        return state != State.HEAD || headLength > 0;
    }

    /** The status of the response read (valid once its head was read). */
    int status() {
        return status;
    }

    /** Whether the server said it closes the connection after this response (or frames the body by closing). */
    boolean closeAfter() {
        return closeAfter;
    }

    private boolean endsWithBlankLine() {
        return headLength >= 4 && head[headLength - 4] == '\r' && head[headLength - 3] == '\n'
                && head[headLength - 2] == '\r';
    }

    private void parseHead() throws MalformedResponse {
        String[] lines = new String(head, 0, headLength - 4, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new MalformedResponse("not an HTTP/1.x status line: " + abbreviate(lines[0]));
        }
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new MalformedResponse("bad status code: " + abbreviate(statusLine[1]));
        }
        if (status < 200) {
            throw new MalformedResponse("interim response " + status + " is not supported");
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean keepAlive = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new MalformedResponse("bad header line: " + abbreviate(lines[i]));
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                        if (contentLength < 0) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        throw new MalformedResponse("bad Content-Length: " + abbreviate(value));
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                case "connection" -> {
                    String options = value.toLowerCase(Locale.ROOT);
                    closeAfter |= options.contains("close");
                    keepAlive |= options.contains("keep-alive");
                }
                default -> {
                }
            }
        }
        if (statusLine[0].equals("HTTP/1.0") && !keepAlive) {
            closeAfter = true;
        }
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.BODY;
        } else {
            closeAfter = true;
            state = State.UNTIL_CLOSE;
        }
    }

    /** Skips up to {@code remaining} body bytes of {@code bytes}; whether none remain to skip. */
    private boolean skipRemaining(ByteBuffer bytes) {
        int skip = (int) Math.min(remaining, bytes.remaining());
        bytes.position(bytes.position() + skip);
        remaining -= skip;
        return remaining == 0;
    }

    /** One CRLF-terminated line without its CRLF, or null when it has not all arrived yet. */
    private String readLine(ByteBuffer bytes) throws MalformedResponse {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
                lineLength = 0;
                return text;
            }
            if (lineLength == line.length) {
                throw new MalformedResponse("chunk line over " + MAX_LINE_BYTES + " bytes");
            }
            line[lineLength++] = b;
        }
        return null;
    }

    private static long chunkSize(String sizeLine) throws MalformedResponse {
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new MalformedResponse("bad chunk size: " + abbreviate(sizeLine));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
