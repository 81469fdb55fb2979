package io.overlaykit.netlink.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a capture file (kernel-capture.txt, observe-capture.txt): requests our codec sent and the datagrams
 * the real kernel answered.
 */
public final class KernelCapture {
    private final List<String[]> lines = new ArrayList<>();

    KernelCapture() {
        this("kernel-capture.txt");
    }

    /** A capture file next to this class. */
    public KernelCapture(String resource) {
        try (InputStream in = KernelCapture.class.getResourceAsStream(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.trim().split(" "));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] request(String name) {
        for (String[] l : lines) {
            if (l[0].equals(name) && l[1].equals("REQ")) {
                return HexFormat.of().parseHex(l[2]);
            }
        }
        throw new AssertionError("no request " + name);
    }

    /** The reply datagrams for {@code name}, as the kernel sent them. */
    public List<byte[]> replyDatagrams(String name) {
        List<byte[]> out = new ArrayList<>();
        for (String[] l : lines) {
            if (l[0].equals(name) && l[1].equals("REPLY")) {
                out.add(HexFormat.of().parseHex(l[2]));
            }
        }
        return out;
    }

    /** Every message of every reply datagram for {@code name}. */
    List<NlMessage> replies(String name) {
        List<NlMessage> out = new ArrayList<>();
        for (String[] l : lines) {
            if (l[0].equals(name) && l[1].equals("REPLY")) {
                byte[] d = HexFormat.of().parseHex(l[2]);
                out.addAll(NlMessage.parseAll(d, d.length));
            }
        }
        return out;
    }
}
