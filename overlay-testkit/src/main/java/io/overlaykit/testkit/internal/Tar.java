package io.overlaykit.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal ustar writer (directories, regular files, symlinks, all owned by root), enough for the lab's
 * test image: building the tar in memory spares a {@code tar} process and any temporary rootfs on disk.
 */
public final class Tar {
    private static final long MTIME = 1_700_000_000L; // fixed: the same content gives the same bytes
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Adds a directory (mode 0755). */
    public Tar directory(String name) {
        header(name.endsWith("/") ? name : name + "/", 0755, 0, '5', "");
        return this;
    }

    /** Adds a regular file with {@code mode}. */
    public Tar file(String name, byte[] content, int mode) {
        header(name, mode, content.length, '0', "");
        out.writeBytes(content);
        int rest = content.length % 512;
        if (rest != 0) {
            out.writeBytes(new byte[512 - rest]);
        }
        return this;
    }

    /** Adds a symbolic link {@code name -> target}. */
    public Tar symlink(String name, String target) {
        header(name, 0777, 0, '2', target);
        return this;
    }

    /** Ends the archive (two zero blocks) and returns its bytes. */
    public byte[] finish() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private void header(String name, int mode, long size, char type, String link) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, octal(mode, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(MTIME, 11));
        put(h, 148, 8, "        "); // the checksum counts its own field as spaces
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

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    private static void put(byte[] h, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length) {
            throw new IllegalArgumentException("tar field too long (" + length + " bytes): " + value);
        }
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }
}
