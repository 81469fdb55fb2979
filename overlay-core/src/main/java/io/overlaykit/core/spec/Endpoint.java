package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Ports;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** An {@code IP:PORT} pair as written in a forward ({@code 192.0.2.5:1234}, {@code [2001:db8::1]:80}). */
public record Endpoint(InetAddress address, int port) {

    /**
     * Requires {@code address}.
     * @throws io.overlaykit.core.InvalidSpecException if {@code port} is not 1..65535
     */
    public Endpoint {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port, port);
    }

    /** Parses {@code IP:PORT}; an IPv6 address goes in brackets. Host names are refused. */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("endpoint", text, "expected IP:PORT");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new InvalidSpecException("endpoint", text, "expected IP:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new InvalidSpecException("endpoint", text, "an IPv6 address goes in brackets: [ADDRESS]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("endpoint", text, "port is not a number");
        }
        Ports.check("endpoint", text, port);
        return new Endpoint(IpPrefix.parseAddress(host), port);
    }

    @Override
    public String toString() {
        String a = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }
}
