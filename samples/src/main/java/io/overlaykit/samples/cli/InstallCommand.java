package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code overlay install [--prefix DIR]} (default {@code /usr/local}): copies the running jar and its libraries to
 * {@code PREFIX/lib/overlaykit/}, writes the launcher {@code PREFIX/bin/overlay}, and the systemd unit template to
 * {@code PREFIX/lib/systemd/system/overlaykit@.service} with {@code ExecStart} pointing at that launcher. Installing
 * again replaces all three (libraries of an older version are removed first). Needs no root unless the prefix does.
 */
final class InstallCommand {
    static final String UNIT = "overlaykit@.service";
    /** Where the unit in the repository expects the launcher. */
    static final String UNIT_LAUNCHER = "/usr/local/bin/overlay";

    private InstallCommand() {
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("quiet", "json"), Set.of("prefix"));
        if (!args.positionals().isEmpty()) {
            throw new InvalidSpecException("install", args.positionals().get(0), "unexpected argument");
        }
        String prefixText = args.option("prefix", "/usr/local");
        Path prefix = Path.of(prefixText);
        if (!prefix.isAbsolute()) {
            throw new InvalidSpecException("--prefix", prefixText, "must be an absolute directory");
        }
        Path jar = runningJar();
        Path libDir = prefix.resolve("lib/overlaykit");
        Path launcher = prefix.resolve("bin/overlay");
        Path unit = prefix.resolve("lib/systemd/system").resolve(UNIT);
        try {
            Files.createDirectories(libDir);
            Files.createDirectories(launcher.getParent());
            Files.createDirectories(unit.getParent());
            replaceLibraries(jar.resolveSibling("lib"), libDir.resolve("lib"));
            Files.copy(jar, libDir.resolve("overlay.jar"), StandardCopyOption.REPLACE_EXISTING);
            writeExecutable(launcher, launcherScript(libDir.resolve("overlay.jar")));
            Files.writeString(unit, unitFile(launcher), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OverlayException("cannot install into " + prefix + ": " + e.getMessage(), e);
        }
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("event", "installed");
        done.put("version", OverlayCli.version());
        done.put("launcher", launcher.toString());
        done.put("jar", libDir.resolve("overlay.jar").toString());
        done.put("unit", unit.toString());
        console.result(done, "installed overlay " + OverlayCli.version() + ": " + launcher + " (jar and libraries in "
                + libDir + "), systemd unit " + unit + "; see README \"The host agent as a service\"");
        return OverlayCli.OK;
    }

    /** The launcher: runs the installed jar with the JDK of JAVA_HOME, else the first java on PATH. */
    static String launcherScript(Path jar) {
        return "#!/bin/sh\n"
                + "# OverlayKit " + OverlayCli.version() + ", installed by `overlay install`\n"
                + "if [ -n \"${JAVA_HOME:-}\" ]; then java=\"$JAVA_HOME/bin/java\"; else java=java; fi\n"
                + "exec \"$java\" -jar '" + jar.toString().replace("'", "'\\''") + "' \"$@\"\n";
    }

    /** The unit template from the jar, its ExecStart pointing at {@code launcher}. */
    static String unitFile(Path launcher) throws IOException {
        try (InputStream in = InstallCommand.class.getResourceAsStream("systemd/" + UNIT)) {
            if (in == null) {
                throw new IOException("the jar has no systemd/" + UNIT + " (a build without resources?)");
            }
            String unit = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return unit.replace("ExecStart=" + UNIT_LAUNCHER + " ", "ExecStart=" + launcher + " ");
        }
    }

    private static void replaceLibraries(Path from, Path to) throws IOException {
        if (Files.isDirectory(to)) {
            try (Stream<Path> old = Files.list(to)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            throw new IOException("no library directory " + from + " next to the jar (build with mvn package)");
        }
        try (Stream<Path> libs = Files.list(from)) {
            for (Path p : libs.filter(f -> f.toString().endsWith(".jar")).toList()) {
                Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void writeExecutable(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The jar this process runs from; installing from a class directory would install nothing useful. */
    private static Path runningJar() {
        try {
            Path p = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
                throw new OverlayException("overlay install runs from the built jar (./overlay install builds it); this"
                        + " process runs from " + p);
            }
            return p;
        } catch (URISyntaxException | SecurityException e) {
            throw new OverlayException("cannot tell which jar this process runs from: " + e.getMessage(), e);
        }
    }

    /** The files a prefix holds after an install (for tests and uninstall instructions). */
    static List<Path> installed(Path prefix) {
        List<Path> out = new ArrayList<>();
        out.add(prefix.resolve("bin/overlay"));
        out.add(prefix.resolve("lib/overlaykit/overlay.jar"));
        out.add(prefix.resolve("lib/systemd/system").resolve(UNIT));
        return out;
    }
}
