package io.overlaykit.samples.cli;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.testkit.Lab;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a running lab brought up from a spec ({@code overlay lab up}, prefix = spec name) keeps each host's
 * endpoints, so that every later command finds them by itself: the lab's record under
 * {@code /run/overlaykit-lab/NAME/}, namespaces {@code NAME-HOST}, per-host OVSDB sockets and the podman socket
 * under {@code /tmp/overlaykit-lab/NAME/}, and the engine's host state under {@code .../NAME/overlaykit-state}, which dies
 * with the lab.
 */
record LabEndpoints(String name) {
    /** The record directory every lab run keeps while it exists. */
    static final Path RECORD_ROOT = Path.of("/run/overlaykit-lab");

    /** The lab of {@code specName} when one is running, else null. */
    static LabEndpoints find(String specName) {
        return Files.isDirectory(RECORD_ROOT.resolve(specName)) ? new LabEndpoints(specName) : null;
    }

    Path runDir() {
        return Lab.RUN_ROOT.resolve(name);
    }

    NetNamespace namespace(String host) {
        return NetNamespace.named(name + "-" + host);
    }

    NetNamespace outside() {
        return NetNamespace.named(name + "-outside");
    }

    String ovsdbRemote(String host) {
        return "unix:" + runDir().resolve(host).resolve("db.sock");
    }

    Path podmanSocket() {
        return runDir().resolve("podman").resolve("podman.sock");
    }

    Path stateRoot() {
        return runDir().resolve("overlaykit-state");
    }

    /** The pid file of the background {@code overlay serve} of {@code host}. */
    Path servePidFile(String host) {
        return runDir().resolve("serve-" + host + ".pid");
    }

    Path serveLog(String host) {
        return runDir().resolve("serve-" + host + ".log");
    }
}
