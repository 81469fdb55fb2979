package io.overlaykit.podman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A minimal ustar writer for the test image: directories, one file, symlinks. */
final class TestTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TestTar directory(String name) {
        header(name.endsWith("/") ? name : name + "/", 0755, 0, '5', "");
        return this;
    }

    TestTar file(String name, byte[] content, int mode) {
        header(name, mode, content.length, '0', "");
        out.writeBytes(content);
        pad(content.length);
        return this;
    }

    TestTar symlink(String name, String target) {
        header(name, 0777, 0, '2', target);
        return this;
    }

    byte[] finish() {
        out.writeBytes(new byte[1024]); // two zero blocks end the archive
        return out.toByteArray();
    }

    private void header(String name, int mode, long size, char type, String link) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, octal(mode, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(1_700_000_000L, 11));
        put(h, 148, 8, "        ");
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        put(h, 265, 32, "root");
        put(h, 297, 32, "root");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, octal(sum, 6) + "\0 ");
        out.writeBytes(h);
    }

    private void pad(long size) {
        int rest = (int) (size % 512);
        if (rest != 0) {
            out.writeBytes(new byte[512 - rest]);
        }
    }

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    private static void put(byte[] h, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length) {
            throw new IllegalArgumentException("tar field too long: " + value);
        }
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }

    /** A root file system with /bin/busybox and its applet links, as the lab image is built. */
    static byte[] busyboxRootfs(Path busybox) throws IOException {
        TestTar tar = new TestTar();
        for (String dir : List.of("bin", "etc", "tmp", "proc", "sys", "dev", "root")) {
            tar.directory(dir);
        }
        tar.file("bin/busybox", Files.readAllBytes(busybox), 0755);
        for (String applet : List.of("sh", "sleep", "ip", "ping", "nc", "cat", "echo", "ls", "readlink", "true",
                "false", "hostname", "sysctl")) {
            tar.symlink("bin/" + applet, "busybox");
        }
        return tar.finish();
    }
}
