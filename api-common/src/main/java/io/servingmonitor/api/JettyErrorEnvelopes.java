package io.servingmonitor.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, for requests it refuses before any route sees them (a malformed
 * request line or header, a header section too large; a path it would refuse goes to the routes
 * instead, see {@link RefusedTargets}): the ClearML envelope with {@code result_code} equal to the
 * status, instead of Jetty's HTML page. Never a stack trace.
 */
final class JettyErrorEnvelopes extends ErrorHandler {

    /** Every method gets the envelope (Jetty's default writes a body only for GET, POST and HEAD). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        response.write(true, ByteBuffer.wrap(envelope(code)), callback);
    }

    /** The body of an answer Jetty's HTTP parser gives by itself (a request it could not even read). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        return ByteBuffer.wrap(envelope(status));
    }

    private static byte[] envelope(int status) {
        String message = switch (status) {
            case 413 -> "Request body too large";
            case 414 -> "Request URI too long";
            case 431 -> "Request headers too large";
            default -> status >= 500 ? "Internal server error" : "Bad request";
        };
        return Envelope.error(Envelope.newId(), null, new ApiException(status, 0, message));
    }
}
