package io.servingmonitor.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Works out the caller's address. Forwarding headers are believed only from a trusted proxy: when
 * the socket peer is trusted, {@code X-Forwarded-For} is read from the right (the hop nearest to us)
 * skipping trusted proxies, and the first untrusted address is the caller (so a client cannot
 * pick its own address by sending the header itself through our proxy); without that header
 * {@code X-Real-IP} is used. Otherwise the caller is the socket peer. Only IP literals are ever
 * parsed: no name is looked up.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");
    private static final Pattern BRACKETED_IPV6 = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::\\d{1,5})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Block(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Parses IP addresses and CIDR blocks; IllegalArgumentException naming a bad entry. */
    public static TrustedProxies parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.strip();
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            InetAddress address = literal(host);
            if (address == null) {
                throw new IllegalArgumentException("trusted proxy is not an IP address or CIDR block: " + entry);
            }
            int maxBits = address.getAddress().length * 8;
            int bits = maxBits;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > maxBits) {
                    throw new IllegalArgumentException("bad prefix length in trusted proxy: " + entry);
                }
            }
            blocks.add(new Block(address.getAddress(), bits));
        }
        return new TrustedProxies(blocks);
    }

    /** True when {@code address} (an IP literal) is a trusted proxy. */
    public boolean isTrusted(String address) {
        InetAddress parsed = literal(stripPortAndBrackets(address));
        if (parsed == null) {
            return false;
        }
        byte[] bytes = parsed.getAddress();
        return blocks.stream().anyMatch(block -> block.contains(bytes));
    }

    /**
     * The caller's address.
     *
     * @param peer          the socket's remote address
     * @param xForwardedFor the {@code X-Forwarded-For} header, may be null
     * @param xRealIp       the {@code X-Real-IP} header, may be null
     */
    public String callerIp(String peer, String xForwardedFor, String xRealIp) {
        String direct = normalize(peer);
        if (direct == null) {
            return peer;
        }
        boolean forwarded = xForwardedFor != null && !xForwardedFor.isBlank() || xRealIp != null && !xRealIp.isBlank();
        // Without forwarding headers the peer is the caller, trusted or not: no need to check it.
        if (!forwarded || !isTrusted(direct)) {
            return direct;
        }
        if (xForwardedFor != null && !xForwardedFor.isBlank()) {
            String[] hops = xForwardedFor.split(",");
            String nearest = null;
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = normalize(hops[i]);
                if (hop == null) {
                    return direct;
                }
                nearest = hop;
                if (!isTrusted(hop)) {
                    return hop;
                }
            }
            return nearest;
        }
        if (xRealIp != null && !xRealIp.isBlank()) {
            String real = normalize(xRealIp);
            return real != null ? real : direct;
        }
        return direct;
    }

    /** The canonical text of an IP literal (ports and brackets removed), or null when it is not one. */
    private static String normalize(String text) {
        if (text == null) {
            return null;
        }
        String host = stripPortAndBrackets(text.strip());
        InetAddress address = literal(host);
        return address == null ? null : address.getHostAddress();
    }

    private static String stripPortAndBrackets(String text) {
        if (text == null) {
            return null;
        }
        Matcher v4 = IPV4_WITH_PORT.matcher(text);
        if (v4.matches()) {
            return v4.group(1);
        }
        Matcher v6 = BRACKETED_IPV6.matcher(text);
        if (v6.matches()) {
            return v6.group(1);
        }
        return text;
    }

    /** Parses an IP literal without any name lookup; null when {@code text} is not one. */
    private static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            // Both patterns only admit literals, which getByName parses without a lookup.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
