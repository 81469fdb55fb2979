package io.overlaykit.netlink;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Independent oracles for integration tests: iproute2, bridge, ethtool run through {@code ip netns exec}. */
final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Oracle() {
    }

    /** Fails under CI (any value but false), skips elsewhere, when not root or without iproute2. */
    static void requirePrerequisites() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ip = new java.io.File("/usr/sbin/ip").canExecute() || new java.io.File("/sbin/ip").canExecute()
                || new java.io.File("/usr/bin/ip").canExecute();
        String problem = !root ? "integration tests need root (network namespaces)" : !ip ? "iproute2 (ip) is missing" : null;
        if (problem == null) {
            return;
        }
        if (io.overlaykit.core.testing.Ci.isSet()) {
            fail(problem);
        }
        Assumptions.assumeTrue(false, problem);
    }

    /** Runs a command, fails the test on a non-zero exit, returns stdout. */
    static String run(String... cmd) {
        return run(true, cmd);
    }

    static String run(boolean check, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", cmd));
            }
            if (check && p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code ip netns exec NS cmd...}. */
    static String in(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(all.toArray(String[]::new));
    }

    static JsonNode json(String ns, String... cmd) {
        String out = in(ns, cmd);
        try {
            return JSON.readTree(out.isBlank() ? "[]" : out);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }

    /** {@code ip -j -d link show dev NAME} as one object. */
    static JsonNode link(String ns, String name) {
        return json(ns, "ip", "-j", "-d", "link", "show", "dev", name).get(0);
    }

    static List<String> namedNamespaces() {
        List<String> out = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim().split("\\s+")[0]);
            }
        }
        return out;
    }
}
