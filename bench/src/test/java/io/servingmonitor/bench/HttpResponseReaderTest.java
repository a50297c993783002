package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    private static final String FIXED = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
            + "{\"meta\":{}}\r\n";
    private static final String CHUNKED = "HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";

    @Test
    void fixedLengthResponseEndsExactlyAtItsLastByteWhereverTheBytesAreSplit() throws Exception {
        assertEndsExactlyAtLastByteForEverySplit(FIXED, 200);
    }

    @Test
    void chunkedResponseWithExtensionsAndTrailersEndsExactlyAtItsLastByteWhereverTheBytesAreSplit() throws Exception {
        assertEndsExactlyAtLastByteForEverySplit(CHUNKED, 400);
    }

    @Test
    void responsesFedInRandomPiecesAreReadOneAfterAnotherOnOneConnection() throws Exception {
        Random random = new Random(7);
        String stream = FIXED + CHUNKED + FIXED;
        byte[] bytes = stream.getBytes(StandardCharsets.ISO_8859_1);
        for (int trial = 0; trial < 200; trial++) {
            HttpResponseReader reader = new HttpResponseReader();
            int at = 0;
            StringBuilder statuses = new StringBuilder();
            while (at < bytes.length) {
                int piece = 1 + random.nextInt(Math.min(40, bytes.length - at));
                ByteBuffer buffer = ByteBuffer.wrap(bytes, at, piece);
                while (buffer.hasRemaining()) {
                    if (reader.feed(buffer)) {
                        statuses.append(reader.status()).append(' ');
                        reader.reset();
                    }
                }
                at += piece;
            }
            assertThat(statuses.toString()).isEqualTo("200 400 200 ");
        }
    }

    @Test
    void responseWithoutFramingEndsWithTheConnectionAndClosesIt() throws Exception {
        HttpResponseReader reader = new HttpResponseReader();
        assertThat(reader.feed(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body"))).isFalse();
        assertThat(reader.endOfStream()).isTrue();
        assertThat(reader.status()).isEqualTo(200);
        assertThat(reader.closeAfter()).isTrue();
    }

    @Test
    void connectionCloseHeaderIsReportedAndNoContentNeedsNoBody() throws Exception {
        HttpResponseReader reader = new HttpResponseReader();
        assertThat(reader.feed(ascii("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))).isTrue();
        assertThat(reader.status()).isEqualTo(204);
        assertThat(reader.closeAfter()).isTrue();
    }

    @Test
    void anHttp10ResponseClosesTheConnectionUnlessItSaysKeepAlive() throws Exception {
        HttpResponseReader closing = new HttpResponseReader();
        assertThat(closing.feed(ascii("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))).isTrue();
        assertThat(closing.closeAfter()).isTrue();
        HttpResponseReader kept = new HttpResponseReader();
        assertThat(kept.feed(ascii("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"))).isTrue();
        assertThat(kept.closeAfter()).isFalse();
    }

    @Test
    void aResponseIsStartedFromItsFirstByte() throws Exception {
        HttpResponseReader reader = new HttpResponseReader();
        assertThat(reader.started()).isFalse();
        reader.feed(ascii("H"));
        assertThat(reader.started()).isTrue();
        reader.reset();
        assertThat(reader.started()).isFalse();
    }

    @Test
    void endOfStreamBetweenResponsesIsNoResponseAndInsideOneIsMalformed() throws Exception {
        HttpResponseReader idle = new HttpResponseReader();
        assertThat(idle.endOfStream()).isFalse();
        HttpResponseReader cut = new HttpResponseReader();
        cut.feed(ascii(FIXED.substring(0, FIXED.length() - 3)));
        assertThatThrownBy(cut::endOfStream).isInstanceOf(HttpResponseReader.MalformedResponse.class)
                .hasMessageContaining("middle of a response");
    }

    @Test
    void whatCannotBeFramedIsMalformedNotMiscounted() {
        assertThatThrownBy(() -> new HttpResponseReader().feed(ascii("SSH-2.0-OpenSSH\r\n\r\n")))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("status line");
        assertThatThrownBy(() -> new HttpResponseReader().feed(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("chunk size");
        assertThatThrownBy(() -> new HttpResponseReader().feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n")))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> new HttpResponseReader().feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> new HttpResponseReader().feed(ascii("HTTP/1.1 100 Continue\r\n\r\n")))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("interim");
        assertThatThrownBy(() -> new HttpResponseReader().feed(ByteBuffer.wrap(new byte[70_000])))
                .isInstanceOf(HttpResponseReader.MalformedResponse.class).hasMessageContaining("head over");
    }

    private static void assertEndsExactlyAtLastByteForEverySplit(String response, int status) throws Exception {
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split < bytes.length; split++) {
            HttpResponseReader reader = new HttpResponseReader();
            assertThat(reader.feed(ByteBuffer.wrap(bytes, 0, split))).as("complete after %d of %d bytes", split, bytes.length)
                    .isFalse();
            ByteBuffer rest = ByteBuffer.wrap(bytes, split, bytes.length - split);
            assertThat(reader.feed(rest)).as("complete with the rest after a split at %d", split).isTrue();
            assertThat(rest.hasRemaining()).isFalse();
            assertThat(reader.status()).isEqualTo(status);
        }
        HttpResponseReader byteByByte = new HttpResponseReader();
        for (int i = 0; i < bytes.length; i++) {
            assertThat(byteByByte.feed(ByteBuffer.wrap(bytes, i, 1))).isEqualTo(i == bytes.length - 1);
        }
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
