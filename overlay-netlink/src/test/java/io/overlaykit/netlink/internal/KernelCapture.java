package io.overlaykit.netlink.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads kernel-capture.txt: requests our codec sent and the datagrams the real kernel answered. */
final class KernelCapture {
    private final List<String[]> lines = new ArrayList<>();

    KernelCapture() {
        try (InputStream in = KernelCapture.class.getResourceAsStream("kernel-capture.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.trim().split(" "));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] request(String name) {
        for (String[] l : lines) {
            if (l[0].equals(name) && l[1].equals("REQ")) {
                return HexFormat.of().parseHex(l[2]);
            }
        }
        throw new AssertionError("no request " + name);
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
