package io.overlaykit.it;

import io.overlaykit.core.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CLIs as independent oracles of the state the SDK made ({@code ip}, {@code ovs-vsctl}, {@code nft}, {@code podman}). */
final class Oracle {
    private Oracle() {
    }

    /** Runs {@code command} inside {@code ns} ({@code ip netns exec}) and returns stdout; fails on a non-zero exit. */
    static String in(NetNamespace ns, String... command) {
        List<String> cmd = new ArrayList<>();
        if (ns.isNamed()) {
            cmd.addAll(List.of("ip", "netns", "exec", ns.name()));
        } else if (!ns.isCurrent()) {
            cmd.addAll(List.of("nsenter", "--net=" + ns.path()));
        }
        cmd.addAll(List.of(command));
        return run(cmd);
    }

    /** Runs a command in this JVM's namespace and returns stdout; fails on a non-zero exit. */
    static String run(String... command) {
        return run(List.of(command));
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            // stderr is small for these tools; read it after stdout.
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }
}
