package io.overlaykit.core.wireguard;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.internal.wireguard.UapiCodec;
import io.overlaykit.core.spi.WireGuardDevice;
import io.overlaykit.core.spi.WireGuardDevices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * WireGuard interfaces of a userspace daemon ({@code wireguard-go}), through their UAPI sockets
 * {@code DIR/IFNAME.sock} (default {@code /var/run/wireguard}). The socket directory is one for every network
 * namespace, so the namespace is not needed to reach an interface: its name must be unique on the machine.
 * One connection per request, as {@code wg} does.
 */
public final class UapiWireGuard implements WireGuardDevices {
    /** Where wireguard-go puts its sockets. */
    public static final Path DEFAULT_DIR = Path.of("/var/run/wireguard");

    private final Path dir;

    /**
     * A client of the sockets in {@code dir}.
     *
     * @param dir where the daemons put their sockets, usually {@link #DEFAULT_DIR}
     */
    public UapiWireGuard(Path dir) {
        this.dir = dir;
    }

    /** The socket of interface {@code name}. */
    public Path socket(InterfaceName name) {
        return dir.resolve(name.value() + ".sock");
    }

    @Override
    public Optional<WireGuardDevice> read(NetNamespace ns, InterfaceName name) {
        Path sock = socket(name);
        if (!Files.exists(sock)) {
            return Optional.empty();
        }
        String answer;
        try {
            answer = exchange(sock, UapiCodec.get());
        } catch (IOException e) {
            if (e instanceof java.net.ConnectException || e.getMessage() != null && e.getMessage().contains("Connection refused")) {
                return Optional.empty(); // a socket file whose daemon is gone
            }
            throw new BackendException("cannot read WireGuard interface " + name + " through " + sock + ": " + e.getMessage(), e);
        }
        return Optional.of(UapiCodec.parse(answer));
    }

    @Override
    public void configure(NetNamespace ns, InterfaceName name, WireGuardDevice config) {
        Path sock = socket(name);
        String answer;
        try {
            answer = exchange(sock, UapiCodec.set(config));
        } catch (IOException e) {
            throw new BackendException("cannot configure WireGuard interface " + name + " through " + sock + ": "
                    + e.getMessage(), e);
        }
        int errno = UapiCodec.errno(answer);
        if (errno != 0) {
            throw new BackendException("WireGuard interface " + name + " refused its configuration (UAPI errno " + errno
                    + ", through " + sock + ")");
        }
    }

    @Override
    public String requirement(InterfaceName name) {
        return "a running `wireguard-go " + name + "` in the host's namespace (UAPI socket " + socket(name) + ")";
    }

    private static String exchange(Path sock, String request) throws IOException {
        byte[] req = request.getBytes(StandardCharsets.UTF_8);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ByteBuffer out = ByteBuffer.wrap(req);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                in.write(buf.array(), 0, n);
                if (in.size() > UapiCodec.MAX_ANSWER) {
                    throw new OverlayException("WireGuard UAPI answer from " + sock + " exceeds " + UapiCodec.MAX_ANSWER + " bytes");
                }
                if (endsWithBlankLine(in)) {
                    break;
                }
            }
            return in.toString(StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(req, (byte) 0);
        }
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream in) {
        byte[] b = in.toByteArray();
        return b.length >= 2 && b[b.length - 1] == '\n' && b[b.length - 2] == '\n';
    }
}
