package io.overlaykit.podman.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A small HTTP/1.1 server on a Unix socket in a temporary directory, for tests of the client side. */
public final class TestUnixServer implements AutoCloseable {

    /** A request as the server saw it. */
    public record Request(int connection, String method, String target, List<String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one request by writing a raw response; returns false to close the connection afterwards. */
    @FunctionalInterface
    public interface Handler {
        boolean handle(Request request, OutputStream out) throws IOException;
    }

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public TestUnixServer(Handler handler) throws IOException {
        this.handler = handler;
        this.dir = Files.createTempDirectory("okpod-http-");
        this.socket = dir.resolve("test.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::accept, "okpod-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Path socket() {
        return socket;
    }

    public int connections() {
        return connections.get();
    }

    /** Closes every accepted connection from the server side (an idle timeout, a restart). */
    public void dropConnections() throws IOException {
        for (SocketChannel channel : open) {
            channel.close();
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                open.add(channel);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(id, channel), "okpod-test-conn-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(int id, SocketChannel channel) {
        try (channel; InputStream in = Channels.newInputStream(channel); OutputStream out = Channels.newOutputStream(channel)) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                List<String> headers = new java.util.ArrayList<>();
                String header;
                long length = 0;
                boolean chunked = false;
                while (!(header = line(in)).isEmpty()) {
                    headers.add(header);
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(header.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    }
                }
                byte[] body = chunked ? chunkedBody(in) : in.readNBytes((int) length);
                Request request = new Request(id, parts[0], parts[1], List.copyOf(headers), body);
                requests.add(request);
                boolean keep = handler.handle(request, out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException ended) {
            // The client went away.
        }
    }

    private static byte[] chunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).trim(), 16);
            if (size == 0) {
                line(in);
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = sb.length();
                return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Writes a complete response with a Content-Length body. */
    public static void respond(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
    }

    /** Writes one chunk of a chunked body. */
    public static void chunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}
