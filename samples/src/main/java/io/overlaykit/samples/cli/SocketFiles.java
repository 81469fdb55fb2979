package io.overlaykit.samples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** What a path given as a Unix socket really is, so that a wrong option is refused before anything connects. */
final class SocketFiles {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFiles() {
    }

    /** Null when {@code path} is a Unix socket, else why not ("no such socket", "is not a Unix socket (a directory)"). */
    static String problem(Path path) {
        if (!Files.exists(path)) {
            return "no such socket";
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            if ((mode & S_IFMT) == S_IFSOCK) {
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot check it: " + e.getMessage();
        }
        String what = Files.isDirectory(path) ? "a directory" : Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isRegularFile(path) ? "a regular file" : "not a socket";
        return "is not a Unix socket (" + what + ")";
    }
}
