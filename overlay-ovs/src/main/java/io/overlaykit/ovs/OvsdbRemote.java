package io.overlaykit.ovs;

import io.overlaykit.core.InvalidSpecException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an ovsdb-server listens, in OVS's own syntax: {@code unix:PATH}, {@code tcp:HOST:PORT} or
 * {@code ssl:HOST:PORT} (IPv6 hosts in brackets: {@code tcp:[::1]:6640}). An {@code ssl} remote needs
 * PEM files for mutual TLS, given with {@link #withTls}.
 */
public final class OvsdbRemote {
    /** The transport of a remote. */
    public enum Kind {
        /** A Unix domain socket ({@code unix:PATH}). */
        UNIX,
        /** Plain TCP ({@code tcp:HOST:PORT}). */
        TCP,
        /** TLS over TCP with client certificates ({@code ssl:HOST:PORT}). */
        SSL
    }

    /** PEM files for mutual TLS: the client's private key (PKCS#8), its certificate, the CA certificate. */
    public record TlsFiles(Path privateKey, Path certificate, Path caCertificate) {
        /** Requires every path (read when connecting, not here). */
        public TlsFiles {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(caCertificate, "caCertificate");
        }

        @Override
        public String toString() {
            return "TlsFiles[key=<file " + privateKey.getFileName() + ">, cert=" + certificate
                    + ", ca=" + caCertificate + "]";
        }
    }

    private final Kind kind;
    private final Path path;
    private final String host;
    private final int port;
    private final TlsFiles tls;

    private OvsdbRemote(Kind kind, Path path, String host, int port, TlsFiles tls) {
        this.kind = kind;
        this.path = path;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** Parses {@code unix:PATH}, {@code tcp:HOST:PORT} or {@code ssl:HOST:PORT}. */
    public static OvsdbRemote parse(String remote) {
        if (remote == null || remote.isBlank()) {
            throw new InvalidSpecException("ovsdb remote", remote, "must not be empty");
        }
        int colon = remote.indexOf(':');
        String scheme = colon < 0 ? "" : remote.substring(0, colon);
        String rest = colon < 0 ? "" : remote.substring(colon + 1);
        switch (scheme) {
            case "unix":
                if (rest.isEmpty()) {
                    throw new InvalidSpecException("ovsdb remote", remote, "unix: needs a socket path");
                }
                return unix(Path.of(rest));
            case "tcp":
            case "ssl":
                return hostPort(scheme.equals("tcp") ? Kind.TCP : Kind.SSL, remote, rest);
            default:
                throw new InvalidSpecException("ovsdb remote", remote,
                        "expected unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT (passive punix:/ptcp: are server-side)");
        }
    }

    /** A Unix socket remote, e.g. {@code /run/openvswitch/db.sock}. */
    public static OvsdbRemote unix(Path socket) {
        return new OvsdbRemote(Kind.UNIX, Objects.requireNonNull(socket, "socket"), null, 0, null);
    }

    /** A plain TCP remote (ovsdb-server {@code --remote=ptcp:PORT}). */
    public static OvsdbRemote tcp(String host, int port) {
        return new OvsdbRemote(Kind.TCP, null, checkHost(host, "tcp:" + host + ":" + port),
                checkPort(port, "tcp:" + host + ":" + port), null);
    }

    private static OvsdbRemote hostPort(Kind kind, String remote, String rest) {
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new InvalidSpecException("ovsdb remote", remote, "expected [IPV6]:PORT");
            }
            host = rest.substring(1, close);
            portText = rest.substring(close + 2);
        } else {
            int last = rest.lastIndexOf(':');
            if (last < 0 || rest.indexOf(':') != last) {
                throw new InvalidSpecException("ovsdb remote", remote, "expected HOST:PORT (the port is required)");
            }
            host = rest.substring(0, last);
            portText = rest.substring(last + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("ovsdb remote", remote, "port '" + portText + "' is not a number");
        }
        return new OvsdbRemote(kind, null, checkHost(host, remote), checkPort(port, remote), null);
    }

    private static String checkHost(String host, String remote) {
        if (host == null || host.isEmpty()) {
            throw new InvalidSpecException("ovsdb remote", remote, "host is empty");
        }
        return host;
    }

    private static int checkPort(int port, String remote) {
        return io.overlaykit.core.Ports.check("ovsdb remote", remote, port);
    }

    /** This ssl remote with the PEM files for mutual TLS. */
    public OvsdbRemote withTls(TlsFiles files) {
        if (kind != Kind.SSL) {
            throw new InvalidSpecException("ovsdb remote", toString(), "TLS files apply to ssl: remotes only");
        }
        return new OvsdbRemote(kind, null, host, port, Objects.requireNonNull(files, "files"));
    }

    /** The transport: unix, tcp or ssl. */
    public Kind kind() {
        return kind;
    }

    /** The socket path of a unix remote, else null. */
    public Path path() {
        return path;
    }

    /** The host of a tcp or ssl remote, else null. */
    public String host() {
        return host;
    }

    /** The port of a tcp or ssl remote, else 0. */
    public int port() {
        return port;
    }

    /** The TLS files of an ssl remote, or null. */
    public TlsFiles tls() {
        return tls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OvsdbRemote r && r.kind == kind && Objects.equals(r.path, path)
                && Objects.equals(r.host, host) && r.port == port && Objects.equals(r.tls, tls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path, host, port, tls);
    }

    /** The remote in OVS syntax, e.g. {@code unix:/run/openvswitch/db.sock}. */
    @Override
    public String toString() {
        if (kind == Kind.UNIX) {
            return "unix:" + path;
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (kind == Kind.TCP ? "tcp:" : "ssl:") + h + ":" + port;
    }
}
