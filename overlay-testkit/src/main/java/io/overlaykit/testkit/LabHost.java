package io.overlaykit.testkit;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.testkit.internal.OvsDaemons;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One simulated machine of a {@link Lab}: a network namespace on the lab's wire with an underlay address,
 * and — when the lab runs OVS — its own ovsdb-server and ovs-vswitchd. The {@code outside} endpoint is a
 * {@code LabHost} without OVS.
 */
public final class LabHost {
    private final Lab lab;
    private final String name;
    private final NetNamespace namespace;
    private final IpPrefix underlay;
    private final Path ovsDir;

    LabHost(Lab lab, String name, NetNamespace namespace, IpPrefix underlay, Path ovsDir) {
        this.lab = lab;
        this.name = name;
        this.namespace = namespace;
        this.underlay = underlay;
        this.ovsDir = ovsDir;
    }

    /** The host's name within the lab, e.g. {@code hostA}, or {@code outside}. */
    public String name() {
        return name;
    }

    /** The host's namespace, named {@code PREFIX-NAME}. */
    public NetNamespace namespace() {
        return namespace;
    }

    /** The host's underlay address with its prefix length, e.g. {@code 192.0.2.2/24}. */
    public IpPrefix underlay() {
        return underlay;
    }

    /** The underlay address alone, as text (for {@code remote_ip}, {@code ping}). */
    public String underlayAddress() {
        return underlay.address().getHostAddress();
    }

    /** The link that carries the underlay address: {@code br-phy} with OVS, {@code eth0} without. */
    public String uplink() {
        return hasOvs() ? Lab.OVS_UPLINK : "eth0";
    }

    /** True when this host runs its own OVS daemons. */
    public boolean hasOvs() {
        return ovsDir != null;
    }

    /** The OVSDB remote of this host's ovsdb-server, {@code unix:/.../db.sock}. */
    public String ovsdbRemote() {
        return "unix:" + ovsdbSocket();
    }

    /** The path of this host's OVSDB socket. */
    public Path ovsdbSocket() {
        return requireOvs().resolve("db.sock");
    }

    /**
     * The directory with this host's OVS state; anything that talks OpenFlow to its ovs-vswitchd
     * ({@code ovs-ofctl}, {@code ovs-appctl}) needs it as {@code OVS_RUNDIR}.
     */
    public Path ovsRunDir() {
        return requireOvs();
    }

    /**
     * Kills this host's ovsdb-server with SIGKILL, as a crash, and waits until it is gone (for tests of
     * reconnects); {@link #restartOvsdbServer()} brings it back on the same database and socket.
     */
    public void killOvsdbServer() {
        OvsDaemons.killOvsdbServer(requireOvs());
    }

    /** Starts this host's ovsdb-server again after {@link #killOvsdbServer()}. */
    public void restartOvsdbServer() {
        OvsDaemons.startOvsdbServer(namespace.name(), requireOvs());
    }

    /**
     * Kills this host's ovs-vswitchd with SIGKILL (the database and its rows stay); {@link #restartVswitchd()}
     * starts it again.
     */
    public void killVswitchd() {
        OvsDaemons.killVswitchd(requireOvs());
    }

    /** Starts this host's ovs-vswitchd again after {@link #killVswitchd()}. */
    public void restartVswitchd() {
        OvsDaemons.startVswitchd(namespace.name(), requireOvs());
    }

    /** Runs a command inside this host's namespace; see {@link Lab#exec(NetNamespace, String...)}. */
    public String exec(String... command) {
        return lab.exec(namespace, command);
    }

    private Path requireOvs() {
        if (ovsDir == null) {
            throw new IllegalStateException("lab host '" + name + "' runs no OVS (build the lab withOvs(true))");
        }
        return ovsDir;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabHost h && h.namespace.equals(namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace);
    }

    @Override
    public String toString() {
        return "LabHost[" + name + " in " + namespace.displayName() + ", " + underlay.address().getHostAddress()
                + "/" + underlay.length() + " on " + uplink() + "]";
    }
}
