package io.overlaykit.testkit.internal;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.podman.PodmanClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a lab run shaped like a {@link LabLayout}: the namespaces and the wire first, then every endpoint
 * (addresses, OVS daemons with {@code br-phy}) and the podman service in parallel. Every resource is recorded in
 * the run's {@link LabState} before it is made; the caller removes them all when this throws.
 */
public final class LabBuild {
    private final NetlinkStack network;
    private final LabState state;
    private final Path runDir;

    /** A build of the run recorded in {@code state}, with its temporary files under {@code runDir}. */
    public LabBuild(NetlinkStack network, LabState state, Path runDir) {
        this.network = network;
        this.state = state;
        this.runDir = runDir;
    }

    /**
     * Builds everything {@code layout} says; hands the podman client (connected, test image imported) to
     * {@code podmanStarted} as soon as it exists, so that the caller can close it also when a later step fails.
     * Returns when the wire was up, in {@link System#nanoTime()} terms (for the start log line).
     */
    public long run(LabLayout layout, String testImage, Consumer<PodmanClient> podmanStarted) {
        String prefix = state.prefix();
        state.recordDir(runDir);
        List<Endpoint> endpoints = new ArrayList<>();
        int i = 0;
        for (LabLayout.Endpoint h : layout.hosts()) {
            endpoints.add(new Endpoint(prefix + "-" + h.name(), h.name(), h.underlay(), Wire.wireLinkName(i++, h.name()),
                    h.ovs()));
        }
        if (layout.outside() != null) {
            endpoints.add(new Endpoint(prefix + "-outside", "outside", layout.outside(), Wire.wireLinkName(i++, "outside"),
                    false));
        }
        List<OvnDaemons.Member> central = new ArrayList<>();
        for (int c = 0; c < layout.ovnCentral().size(); c++) {
            String name = LabLayout.centralName(c);
            IpPrefix a = layout.ovnCentral().get(c);
            endpoints.add(new Endpoint(prefix + "-" + name, name, a, Wire.wireLinkName(i++, name), false));
            central.add(new OvnDaemons.Member(prefix + "-" + name, a.address().getHostAddress(), runDir.resolve(name)));
        }
        Map<String, String> wireLinks = new LinkedHashMap<>();
        endpoints.forEach(e -> wireLinks.put(e.namespace, e.wireLink));
        String wire = prefix + "-wire";
        Wire.createNamespaces(network, state, wire, List.copyOf(wireLinks.keySet()));
        java.util.Set<String> userspaceDatapath = new java.util.HashSet<>();
        endpoints.stream().filter(e -> e.ovs).forEach(e -> userspaceDatapath.add(e.namespace));
        Wire.createLinks(network, wire, wireLinks, userspaceDatapath);
        long wired = System.nanoTime();
        List<Runnable> steps = new ArrayList<>();
        endpoints.forEach(e -> steps.add(() -> configure(e)));
        if (layout.podman()) {
            steps.add(() -> startPodman(testImage, podmanStarted));
        }
        Parallel.run("overlaykit-lab-" + prefix + "-start", steps);
        if (!central.isEmpty()) {
            OvnDaemons.startCentral(state, central);
            for (LabLayout.Endpoint h : layout.hosts()) {
                if (h.ovs()) {
                    OvnDaemons.startController(state, prefix + "-" + h.name(), runDir.resolve(h.name()));
                }
            }
        }
        return wired;
    }

    private void configure(Endpoint e) {
        Wire.configureEndpoint(network, e.namespace, e.ovs ? null : e.underlay);
        if (e.ovs) {
            OvsDaemons.startWithUplink(network, state, e.namespace, runDir.resolve(e.name), e.underlay);
        }
    }

    private void startPodman(String testImage, Consumer<PodmanClient> podmanStarted) {
        Path dir = runDir.resolve("podman");
        PodmanService.start(state, dir);
        PodmanClient client = PodmanClient.connect(PodmanService.socket(dir));
        podmanStarted.accept(client);
        PodmanService.importImage(client, testImage);
    }

    private record Endpoint(String namespace, String name, IpPrefix underlay, String wireLink, boolean ovs) {
    }
}
