package io.overlaykit.testkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link LabLifecycleIT} and {@link LabAttachIT} in a separate JVM: starts a lab with the prefix given as
 * first argument, prints {@code READY}, then either exits normally ({@code exit}: the shutdown hook must clean
 * up) or waits to be killed ({@code wait}: the next run's sweeper must clean up), or starts a persistent lab and
 * exits ({@code persist}: the lab must survive until destroyed by prefix). The third argument names what the
 * lab runs besides its two hosts: {@code ovs}, {@code podman}, {@code outside}, joined by {@code +}.
 */
public final class LabChild {
    private LabChild() {
    }

    public static void main(String[] args) throws Exception {
        String with = args.length > 2 ? args[2] : "";
        Lab.Builder b = Lab.builder().prefix(args[0]).host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24")
                .withOvs(with.contains("ovs")).withPodman(with.contains("podman")).persistent(args[1].equals("persist"));
        if (with.contains("outside")) {
            b.outside("192.0.2.100/24");
        }
        Lab lab = b.start();
        System.out.println("READY " + lab.prefix());
        System.out.flush();
        if (args[1].equals("wait")) {
            Thread.sleep(120_000);
        }
        System.exit(0);
    }

    /** Starts this class in a new JVM and waits for its READY line. */
    static Process start(String prefix, String mode, String with) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LabChild.class.getName(), prefix, mode, with)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.startsWith("READY")) {
                Thread reader = new Thread(() -> out.lines().forEach(l -> { }), "lab-child-output");
                reader.setDaemon(true);
                reader.start();
                return p;
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("lab child " + prefix + " never became ready:\n" + seen);
    }
}
