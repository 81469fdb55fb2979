package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.ovs.Row;
import io.overlaykit.ovs.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One simulated host's Open vSwitch: an {@code ovsdb-server} and an {@code ovs-vswitchd} started (as
 * processes: they are daemons) inside the host's namespace, then configured through the SDK's own OVSDB
 * client ({@code init}, {@code br-phy}), with all their state (database, sockets, pidfiles, logs) in one
 * directory, and that directory as {@code OVS_RUNDIR} so that two hosts' bridges do not share {@code *.mgmt} sockets.
 */
public final class OvsDaemons {
    /** The OVS bridge that holds a host's wire link and its underlay address. */
    public static final String UPLINK = "br-phy";
    /** The owner the lab's own OVS rows carry in {@code external_ids}. */
    static final String OWNER = "overlaykit-lab";
    private static final Duration VSWITCHD_TIMEOUT = Duration.ofSeconds(20);
    static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");

    private OvsDaemons() {
    }

    /** The OVSDB socket inside a host's OVS directory. */
    public static Path dbSocket(Path dir) {
        return dir.resolve("db.sock");
    }

    /**
     * Starts both daemons for {@code namespace} with state in {@code dir} (created here), recording the
     * pidfiles in {@code state} before each daemon starts. Returns when ovs-vswitchd has connected.
     */
    public static void start(LabState state, String namespace, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BackendException("cannot create OVS directory " + dir + ": " + e.getMessage(), e);
        }
        Map<String, String> env = env(dir);
        Path db = dir.resolve("conf.db");
        Cli.exec(List.of("ovsdb-tool", "create", db.toString(), SCHEMA.toString()), env, null, Cli.DEFAULT_TIMEOUT)
                .check();
        state.recordPidfile(dir.resolve("ovsdb-server.pid"));
        startOvsdbServer(namespace, dir);
        init(dir);
        state.recordPidfile(dir.resolve("ovs-vswitchd.pid"));
        startVswitchd(namespace, dir);
    }

    /** Starts (or restarts) the ovs-vswitchd of a host on its running ovsdb-server. */
    public static void startVswitchd(String namespace, Path dir) {
        Cli.exec(Cli.inNamespace(namespace, "ovs-vswitchd", "unix:" + dbSocket(dir),
                "--pidfile=" + dir.resolve("ovs-vswitchd.pid"),
                "--unixctl=" + dir.resolve("ovs-vswitchd.ctl"),
                "--log-file=" + dir.resolve("ovs-vswitchd.log"),
                "--no-chdir", "--detach"), env(dir), null, Cli.DEFAULT_TIMEOUT).check();
    }

    /**
     * Starts both daemons, then {@code br-phy} (userspace datapath) holding the host's wire link {@code eth0},
     * with the underlay address on it, up, TX checksum offload off.
     */
    public static void startWithUplink(NetlinkStack network, LabState state, String namespace, Path dir,
            IpPrefix underlay) {
        start(state, namespace, dir);
        // Waiting for ovs-vswitchd: br-phy must exist before its address.
        try (OvsSwitch ovs = OvsSwitch.connect(OvsdbRemote.unix(dbSocket(dir)), "netdev", VSWITCHD_TIMEOUT)) {
            InterfaceName uplink = InterfaceName.of(UPLINK);
            ovs.addBridge(uplink, "netdev", "standalone", OWNER, null);
            ovs.attach(uplink, List.of(Wire.ENDPOINT_LINK), OWNER);
        }
        Wire.configureUplink(network, namespace, InterfaceName.of(UPLINK), underlay);
    }

    /** What {@code ovs-vsctl init} does, through OVSDB: the fresh database gets its one Open_vSwitch row. */
    private static void init(Path dir) {
        try (OvsdbClient client = OvsdbClient.connect(OvsdbRemote.unix(dbSocket(dir)), OvsdbClientOptions.defaults())) {
            client.transact(Transaction.builder().insert("Open_vSwitch", Row.empty()).comment("overlaykit lab: init")
                    .build());
        }
    }

    /** Starts (or restarts) the ovsdb-server of a host on its existing database; returns once it listens. */
    public static void startOvsdbServer(String namespace, Path dir) {
        Cli.exec(Cli.inNamespace(namespace, "ovsdb-server", dir.resolve("conf.db").toString(),
                "--remote=punix:" + dbSocket(dir),
                "--pidfile=" + dir.resolve("ovsdb-server.pid"),
                "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"),
                "--no-chdir", "--detach"), env(dir), null, Cli.DEFAULT_TIMEOUT).check();
    }

    /** Kills a host's ovsdb-server with SIGKILL (a crash: no clean shutdown), waits until it is gone. */
    public static void killOvsdbServer(Path dir) {
        kill(dir, "ovsdb-server");
        try {
            Files.deleteIfExists(dbSocket(dir)); // a killed server leaves its socket file behind
        } catch (IOException e) {
            throw new BackendException("cannot remove " + dbSocket(dir) + ": " + e.getMessage(), e);
        }
    }

    /** Kills a host's ovs-vswitchd with SIGKILL, waits until it is gone (the database keeps its rows). */
    public static void killVswitchd(Path dir) {
        kill(dir, "ovs-vswitchd");
    }

    private static void kill(Path dir, String daemon) {
        Path pidfile = dir.resolve(daemon + ".pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidfile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new BackendException("cannot read the " + daemon + " pid from " + pidfile + ": " + e.getMessage(), e);
        }
        ProcessInfo.killAndWait(pid, dir.toString(), daemon);
    }

    /** The environment every OVS tool of this host needs. */
    public static Map<String, String> env(Path dir) {
        return Map.of("OVS_RUNDIR", dir.toString(), "OVS_LOGDIR", dir.toString(), "OVS_DBDIR", dir.toString());
    }
}
