package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code overlay} command-line tool. Exit codes: 0 success, 1 failure (after rollback), 2 invalid input
 * (nothing changed). Every command runs in-process through {@link #run(List, PrintStream, PrintStream)}, which is
 * what the tests call.
 */
public final class OverlayCli {
    /** Success. */
    public static final int OK = 0;
    /** The command failed; whatever it had changed was rolled back. */
    public static final int FAILED = 1;
    /** Invalid spec or arguments; nothing was changed. */
    public static final int INVALID = 2;

    static final String USAGE = """
            usage: overlay COMMAND [ARGS] [--quiet | --json] [--verbose]

              demo [--switch ovs|linux] [--keep]       the seed walkthrough on a fresh virtual lab
              lab up SPEC | lab down SPEC|NAME          a virtual lab with one namespace per host of SPEC
              apply SPEC --host NAME [--netns NS] [--ovsdb REMOTE] [--podman PATH] [--private-key FILE]
              plan SPEC --host NAME [...]              the changes apply would make; touches nothing
              teardown SPEC --host NAME [--netns NS] [--ovsdb REMOTE] [--podman PATH]
              status SPEC --host NAME [--format text|json|dot] [...]
              verify SPEC [--host NAME] [...]           connectivity matrix; exit 0 only if all pass
              forward --listen IP:PORT --target IP:PORT [--listen-netns NS] [--target-netns NS] [--proxy-protocol]
                      [--max-connections N]
              serve SPEC --host NAME [--teardown-on-exit] [--wait-for-backends SECONDS] [...]
              serve --instance HOST:SPEC-PATH [...]    as the systemd unit overlaykit@.service runs it
              install [--prefix DIR]                    launcher, jar and systemd unit into DIR (/usr/local)
              bench wiring --containers N [--switch ovs|linux]   seed's shell vs the SDK vs this machine's floor
              bench forward [--seconds S] [--streams 1,8]      routed, kernel DNAT, overlay forward, socat
              bench overlay [--seconds S]                      SDK vs the seed's and a hand-tuned overlay
              bench apply [--hosts H] [--containers-per-host C]   apply, re-apply, status, teardown: times, counts
              --version | --help

            exit codes: 0 ok, 1 failed (after rollback), 2 invalid input (nothing changed)
            """;

    private OverlayCli() {
    }

    public static void main(String[] argv) {
        Thread main = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        // Ctrl-C: interrupt the command (forward, serve wait for that), then let it finish cleaning up.
        Thread hook = new Thread(() -> {
            stopping.set(true);
            main.interrupt();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "overlay-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!Arrays.asList(argv).contains("--verbose")) {
            // The libraries log through System.Logger (JUL here); the tool prints its own progress lines.
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        int code = run(Arrays.asList(argv), System.out, System.err);
        if (stopping.get()) {
            return; // the JVM is shutting down already; System.exit would block behind the hook
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // shutting down already: the hook is waiting for us
        }
        System.exit(code);
    }

    /** Runs one command; returns its exit code. Never calls {@code System.exit}. */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        argv = argv.stream().filter(a -> !a.equals("--verbose")).toList();
        Console console = new Console(out, err, argv.contains("--json") ? Console.Mode.JSON
                : argv.contains("--quiet") ? Console.Mode.QUIET : Console.Mode.TEXT);
        if (argv.isEmpty() || argv.contains("--help") || argv.get(0).equals("help")) {
            out.print(USAGE);
            return argv.isEmpty() ? INVALID : OK;
        }
        if (argv.get(0).equals("--version") || argv.get(0).equals("version")) {
            out.println("overlay " + version());
            return OK;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
            return switch (argv.get(0)) {
                case "demo" -> DemoCommand.run(rest, console);
                case "lab" -> LabCommand.run(rest, console);
                case "apply", "plan", "teardown", "status", "verify" -> HostCommands.run(argv.get(0), rest, console);
                case "forward" -> ForwardCommand.run(rest, console);
                case "serve" -> ServeCommand.run(rest, console);
                case "install" -> InstallCommand.run(rest, console);
                case "bench" -> BenchCommand.run(rest, console);
                default -> throw new InvalidSpecException("command", argv.get(0), "unknown; see overlay --help");
            };
        } catch (InvalidSpecException e) {
            console.error("invalid input, nothing changed: " + e.getMessage());
            return INVALID;
        } catch (OverlayException e) {
            console.error(message(e));
            return FAILED;
        } catch (RuntimeException e) {
            console.error("unexpected error: " + message(e));
            return FAILED;
        }
    }

    /** The project version from the jar's manifest ({@code Implementation-Version}), or a note when run from classes. */
    static String version() {
        String v = OverlayCli.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build: no jar manifest)";
    }

    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
        for (Throwable s : e.getSuppressed()) {
            sb.append("; also: ").append(s.getMessage());
        }
        return sb.toString();
    }
}
