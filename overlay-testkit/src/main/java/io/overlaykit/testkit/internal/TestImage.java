package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Builds the lab's test image as a tar: {@code /bin/busybox} from the {@code busybox-static} package plus
 * one symlink per applet a test is likely to need. No registry is reachable here, so the image is imported.
 */
public final class TestImage {
    /** The statically linked busybox the image is made of. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    static final List<String> APPLETS = List.of("sh", "ash", "sleep", "ip", "ping", "nc", "cat", "echo", "ls", "wc",
            "head", "tail", "dd", "sed", "grep", "hostname", "ifconfig", "route", "true", "false", "seq", "tr",
            "md5sum", "sha256sum", "timeout", "env", "ps", "kill", "mkdir", "rm", "cp", "mv", "touch", "date",
            "printf", "test", "sort", "uniq", "cut", "awk", "arp", "netstat", "wget", "id", "uname", "stat", "xargs",
            "tee", "yes", "nslookup", "traceroute", "httpd", "udhcpc");

    private TestImage() {
    }

    /** Writes the image tar to {@code work/busybox-image.tar} (using {@code work/rootfs}) and returns its path. */
    public static Path build(Path work) {
        Path rootfs = work.resolve("rootfs");
        Path tar = work.resolve("busybox-image.tar");
        try {
            Files.createDirectories(rootfs.resolve("bin"));
            for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root", "var", "run")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            for (String applet : APPLETS) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        } catch (IOException e) {
            throw new BackendException("cannot lay out the test image in " + rootfs + ": " + e.getMessage(), e);
        }
        Cli.run("tar", "-C", rootfs.toString(), "--numeric-owner", "-cf", tar.toString(), ".");
        return tar;
    }
}
