package io.overlaykit.testkit;

/**
 * Run by {@link LabLifecycleIT} in a separate JVM: starts a lab with the prefix given as first argument,
 * prints {@code READY}, then either exits normally ({@code exit}: the shutdown hook must clean up) or waits
 * to be killed ({@code wait}: the next run's sweeper must clean up), or starts a persistent lab and exits
 * ({@code persist}: the lab must survive until destroyed by prefix).
 */
public final class LabChild {
    private LabChild() {
    }

    public static void main(String[] args) throws Exception {
        Lab lab = Lab.builder().prefix(args[0]).host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24")
                .withOvs(args.length > 2 && args[2].equals("ovs")).persistent(args[1].equals("persist")).start();
        System.out.println("READY " + lab.prefix());
        System.out.flush();
        if (args[1].equals("wait")) {
            Thread.sleep(120_000);
        }
        System.exit(0);
    }
}
