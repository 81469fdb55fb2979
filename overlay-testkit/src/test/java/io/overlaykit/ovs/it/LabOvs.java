package io.overlaykit.ovs.it;

import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.internal.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TEST ONLY: one lab host's OVS daemons as the overlay-ovs ITs see them: its OVSDB remote, {@code ovs-vsctl}
 * against it as the oracle, commands in its namespace, and crashing/restarting its ovsdb-server.
 */
final class LabOvs {
    final LabHost host;
    final String netns;
    final Path dir;
    final Path socket;

    LabOvs(Lab lab, String hostName) {
        this.host = lab.host(hostName);
        this.netns = host.namespace().name();
        this.dir = host.ovsRunDir();
        this.socket = host.ovsdbSocket();
    }

    OvsdbRemote remote() {
        return OvsdbRemote.unix(socket);
    }

    /** {@code ovs-vsctl --db=unix:SOCK ARGS...} (waiting for ovs-vswitchd): the independent oracle. */
    String vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + socket, "--timeout=10"));
        cmd.addAll(List.of(args));
        return Cli.exec(cmd, Map.of("OVS_RUNDIR", dir.toString()), null, Cli.DEFAULT_TIMEOUT).check().stdout();
    }

    /** {@code ovs-vsctl ... --if-exists del-br BRIDGE}, ignoring failures (cleanup). */
    void deleteBridgeQuietly(String bridge) {
        Cli.probe("ovs-vsctl", "--db=unix:" + socket, "--timeout=10", "--if-exists", "del-br", bridge);
    }

    /** Runs a command in the host's namespace. */
    String exec(String... args) {
        return host.exec(args);
    }

    /** SIGKILL to ovsdb-server, as a crash. */
    void killOvsdb() {
        host.killOvsdbServer();
    }

    void startOvsdb() {
        host.restartOvsdbServer();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
