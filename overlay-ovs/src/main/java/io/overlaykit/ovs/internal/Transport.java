package io.overlaykit.ovs.internal;

import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.ovs.OvsdbRemote;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/** An open byte stream to an ovsdb-server: the JDK's own Unix sockets, TCP, or TLS. */
public final class Transport implements Closeable {
    private final InputStream in;
    private final OutputStream out;
    private final Closeable resource;

    private Transport(InputStream in, OutputStream out, Closeable resource) {
        this.in = in;
        this.out = out;
        this.resource = resource;
    }

    /** Connects to {@code remote}; blocks at most {@code timeout} for TCP/TLS. */
    public static Transport open(OvsdbRemote remote, Duration timeout) throws IOException {
        return open(remote, timeout, null);
    }

    /**
     * Connects to {@code remote}; blocks at most {@code timeout} for TCP/TLS. A TCP socket comes from
     * {@code opener} when given (e.g. one created inside another network namespace).
     */
    public static Transport open(OvsdbRemote remote, Duration timeout, OvsdbClientOptions.SocketOpener opener)
            throws IOException {
        if (opener != null && remote.kind() == OvsdbRemote.Kind.TCP) {
            SocketChannel ch = opener.open();
            try {
                ch.socket().setTcpNoDelay(true);
                ch.socket().connect(new InetSocketAddress(remote.host(), remote.port()), (int) timeout.toMillis());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new Transport(new ChannelIn(ch), new ChannelOut(ch), ch);
        }
        switch (remote.kind()) {
            case UNIX: {
                requireSocket(remote.path());
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(remote.path()));
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                return new Transport(new ChannelIn(ch), new ChannelOut(ch), ch);
            }
            case TCP: {
                Socket s = new Socket();
                try {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress(remote.host(), remote.port()), (int) timeout.toMillis());
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
                return new Transport(s.getInputStream(), s.getOutputStream(), s);
            }
            case SSL: {
                if (remote.tls() == null) {
                    throw new IOException("ssl remote " + remote + " needs PEM key, certificate and CA (withTls)");
                }
                Socket raw = new Socket();
                try {
                    raw.setTcpNoDelay(true);
                    raw.connect(new InetSocketAddress(remote.host(), remote.port()), (int) timeout.toMillis());
                    SSLSocket s = (SSLSocket) PemTls.context(remote.tls()).getSocketFactory()
                            .createSocket(raw, remote.host(), remote.port(), true);
                    s.setSoTimeout((int) timeout.toMillis());
                    s.startHandshake();
                    s.setSoTimeout(0);
                    return new Transport(s.getInputStream(), s.getOutputStream(), s);
                } catch (IOException | RuntimeException e) {
                    raw.close();
                    throw e;
                }
            }
            default:
                throw new IllegalStateException("unknown remote kind " + remote.kind());
        }
    }

    /** A path that is no socket would only say "Connection refused": say what it is instead. */
    private static void requireSocket(java.nio.file.Path path) throws IOException {
        if (!java.nio.file.Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such socket (is ovsdb-server running?)");
        }
        int type;
        try {
            type = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode") & 0170000;
        } catch (UnsupportedOperationException e) {
            return; // cannot tell: the connect will say what is wrong
        }
        if (type != 0140000) {
            throw new IOException(path + " is not a Unix socket (" + (type == 0100000 ? "a regular file"
                    : type == 0040000 ? "a directory" : "file type " + Integer.toOctalString(type)) + ")");
        }
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }

    /*
     * Channels.newInputStream/newOutputStream serialise reads and writes on the channel's blocking lock
     * on JDK 17, so a reader blocked in read() would stall every writer. These call the channel directly.
     */
    private static final class ChannelIn extends InputStream {
        private final SocketChannel ch;

        ChannelIn(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, len));
            return n;
        }
    }

    private static final class ChannelOut extends OutputStream {
        private final SocketChannel ch;

        ChannelOut(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
