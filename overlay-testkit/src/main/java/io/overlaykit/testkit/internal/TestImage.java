package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the lab's test image as a tar: {@code /bin/busybox} from the {@code busybox-static} package plus
 * one symlink per applet a test is likely to need, written as a tar in memory. No registry is reachable
 * here, so the image is imported.
 */
public final class TestImage {
    /** The statically linked busybox the image is made of. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    static final List<String> APPLETS = List.of("sh", "ash", "sleep", "ip", "ping", "nc", "cat", "echo", "ls", "wc",
            "head", "tail", "dd", "sed", "grep", "hostname", "ifconfig", "route", "true", "false", "seq", "tr",
            "md5sum", "sha256sum", "timeout", "env", "ps", "kill", "mkdir", "rm", "cp", "mv", "touch", "date",
            "printf", "test", "sort", "uniq", "cut", "awk", "arp", "netstat", "wget", "id", "uname", "stat", "xargs",
            "tee", "yes", "nslookup", "traceroute", "httpd", "udhcpc", "readlink", "sysctl");

    private TestImage() {
    }

    /** The image as a tar in memory: {@code /bin/busybox}, its applet links, a passwd and group. */
    public static byte[] build() {
        Tar tar = new Tar();
        for (String d : List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root", "var", "run")) {
            tar.directory(d);
        }
        try {
            tar.file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755);
        } catch (IOException e) {
            throw new BackendException("cannot read " + BUSYBOX + " for the test image: " + e.getMessage(), e);
        }
        for (String applet : APPLETS) {
            tar.symlink("bin/" + applet, "busybox");
        }
        tar.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII), 0644);
        tar.file("etc/group", "root:x:0:\n".getBytes(StandardCharsets.US_ASCII), 0644);
        return tar.finish();
    }
}
