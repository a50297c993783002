package io.servingmonitor.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.ComplianceViolation;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Request targets Jetty would refuse before any route sees them (an invalid percent-escape such as
 * {@code %zz}, an encoded NUL, {@code ..} above the root, bad UTF-8, an ambiguous path its
 * {@link UriCompliance} does not allow, a target that is not a path) are handed on as the path
 * {@code /.refused-request-target/<problem>} instead, so that the routes answer them with a 400
 * envelope naming the problem, after reading and dropping the body like for any other refused
 * call.
 *
 * <p>Why: Jetty refuses such a request with the body unread, and a connection whose request
 * content was not consumed is closed at once (not merely after the answer): a client still sending
 * a large body meets a TCP reset and never reads the 400. Only targets Jetty itself would refuse
 * are rewritten, with the same checks and the same compliance mode, so nothing new is let through.
 */
final class RefusedTargets {

    /** Where a refused target is sent; the last segment names the problem. */
    static final String PATH = "/.refused-request-target/";

    /** Problems found by parsing, beside the {@link UriCompliance.Violation}s, with what a client is told. */
    private static final Map<String, String> PROBLEMS = problems();

    private RefusedTargets() {
    }

    private static Map<String, String> problems() {
        Map<String, String> problems = new TreeMap<>();
        problems.put("BAD_PERCENT_ESCAPE", "invalid percent-escape");
        problems.put("ILLEGAL_CHARACTER", "a character not allowed in a path, such as an encoded NUL");
        problems.put("NOT_A_PATH", "not a path, or '..' above the root");
        for (UriCompliance.Violation violation : UriCompliance.Violation.values()) {
            problems.put(violation.name(), violation.getDescription().toLowerCase(Locale.ROOT));
        }
        return Map.copyOf(problems);
    }

    /**
     * What Jetty would refuse {@code target} for ({@code null}: nothing, it is routed as sent): the
     * same checks Jetty makes before handling, in the given compliance mode.
     */
    static String problem(String method, String target, UriCompliance compliance) {
        if (HttpMethod.CONNECT.is(method) || HttpMethod.PRI.is(method)) {
            return null;
        }
        HttpURI uri;
        try {
            uri = HttpURI.build(method, target);
        } catch (NumberFormatException badHex) {
            return "BAD_PERCENT_ESCAPE";
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("encoding") ? "BAD_PERCENT_ESCAPE"
                    : message.contains("character") ? "ILLEGAL_CHARACTER" : "NOT_A_PATH";
        }
        String path = uri.getCanonicalPath();
        if (path == null || (!path.startsWith("/") && !HttpMethod.OPTIONS.is(method))) {
            return "NOT_A_PATH";
        }
        if (uri.hasViolations() && UriCompliance.checkUriCompliance(compliance, uri, ComplianceViolation.Listener.NOOP) != null) {
            return uri.getViolations().stream().filter(violation -> !compliance.allows(violation))
                    .map(Enum::name).findFirst().orElse("NOT_A_PATH");
        }
        return null;
    }

    /** What the client is told for the last segment of a {@link #PATH} target. */
    static String describe(String problem) {
        return PROBLEMS.getOrDefault(problem, "not a valid request path");
    }

    /**
     * Makes every HTTP/1.1 connector of {@code server} hand refused targets on as {@link #PATH}
     * (done as the server starts, when Javalin has made its connector).
     */
    static void install(Server server) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    Collection<ConnectionFactory> factories = new ArrayList<>();
                    for (ConnectionFactory factory : connector.getConnectionFactories()) {
                        factories.add(factory.getClass() == HttpConnectionFactory.class
                                ? new Factory((HttpConnectionFactory) factory) : factory);
                    }
                    if (connector instanceof org.eclipse.jetty.server.AbstractConnector configurable) {
                        configurable.setConnectionFactories(factories);
                    }
                }
            }
        });
    }

    /** Jetty's HTTP/1.1 connections, with refused targets rewritten as they are parsed. */
    private static final class Factory extends HttpConnectionFactory {

        Factory(HttpConnectionFactory original) {
            super(original.getHttpConfiguration());
            setInputBufferSize(original.getInputBufferSize());
            setUseInputDirectByteBuffers(original.isUseInputDirectByteBuffers());
            setUseOutputDirectByteBuffers(original.isUseOutputDirectByteBuffers());
            setTransferEncodingChunkMaxLength(original.getTransferEncodingChunkMaxLength());
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            HttpConfiguration http = getHttpConfiguration();
            HttpConnection connection = new HttpConnection(http, connector, endPoint) {
                @Override
                protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
                    String problem = uri == null ? null : problem(method, uri, http.getUriCompliance());
                    return super.newHttpStream(method, problem == null ? uri : PATH + problem, version);
                }
            };
            connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
            connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
            connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
            return configure(connection, connector, endPoint);
        }
    }
}
