package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OVN's daemons in a lab: per central member (its own namespace on the wire) an {@code ovsdb-server} for
 * OVN_Northbound on port 6641 and one for OVN_Southbound on 6642 (standalone for one member, a Raft cluster on
 * 6643/6644 for several), {@code ovn-northd} beside the first member, and an {@code ovn-controller} per host on the
 * host's own OVSDB, each with its own run directory ({@code OVS_RUNDIR}/{@code OVN_RUNDIR}).
 */
public final class OvnDaemons {
    public static final int NB_PORT = 6641;
    public static final int SB_PORT = 6642;
    static final int NB_RAFT_PORT = 6643;
    static final int SB_RAFT_PORT = 6644;
    static final Path NB_SCHEMA = Path.of("/usr/share/ovn/ovn-nb.ovsschema");
    static final Path SB_SCHEMA = Path.of("/usr/share/ovn/ovn-sb.ovsschema");

    private OvnDaemons() {
    }

    /** A central member: its namespace, its address on the wire and its state directory. */
    public record Member(String namespace, String address, Path dir) {
    }

    /** {@code tcp:IP:PORT,...} of every member. */
    public static String remotes(List<Member> members, int port) {
        List<String> out = new ArrayList<>();
        members.forEach(m -> out.add("tcp:" + m.address() + ":" + port));
        return String.join(",", out);
    }

    /** Starts both databases on every member, then ovn-northd beside the first; pidfiles recorded first. */
    public static void startCentral(LabState state, List<Member> members) {
        for (Member m : members) {
            mkdirs(m.dir());
        }
        boolean cluster = members.size() > 1;
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            createDb(m, i, members, "nb", NB_SCHEMA, "OVN_Northbound", NB_RAFT_PORT, cluster);
            createDb(m, i, members, "sb", SB_SCHEMA, "OVN_Southbound", SB_RAFT_PORT, cluster);
        }
        for (Member m : members) {
            startDb(state, m, "nb", NB_PORT);
            startDb(state, m, "sb", SB_PORT);
        }
        Member first = members.get(0);
        state.recordPidfile(first.dir().resolve("ovn-northd.pid"));
        Cli.exec(Cli.inNamespace(first.namespace(), "ovn-northd",
                "--ovnnb-db=" + remotes(members, NB_PORT), "--ovnsb-db=" + remotes(members, SB_PORT),
                "--pidfile=" + first.dir().resolve("ovn-northd.pid"),
                "--unixctl=" + first.dir().resolve("ovn-northd.ctl"),
                "--log-file=" + first.dir().resolve("ovn-northd.log"),
                "--no-chdir", "--detach"), env(first.dir()), null, Cli.DEFAULT_TIMEOUT).check();
    }

    private static void createDb(Member m, int index, List<Member> all, String db, Path schema, String name,
                                 int raftPort, boolean cluster) {
        Path file = m.dir().resolve(db + ".db");
        List<String> cmd;
        if (!cluster) {
            cmd = List.of("ovsdb-tool", "create", file.toString(), schema.toString());
        } else if (index == 0) {
            cmd = List.of("ovsdb-tool", "create-cluster", file.toString(), schema.toString(),
                    "tcp:" + m.address() + ":" + raftPort);
        } else {
            cmd = List.of("ovsdb-tool", "join-cluster", file.toString(), name, "tcp:" + m.address() + ":" + raftPort,
                    "tcp:" + all.get(0).address() + ":" + raftPort);
        }
        Cli.exec(cmd, env(m.dir()), null, Cli.DEFAULT_TIMEOUT).check();
    }

    private static void startDb(LabState state, Member m, String db, int port) {
        state.recordPidfile(m.dir().resolve(db + ".pid"));
        startDb(m, db, port);
    }

    /** Starts (or restarts) one database server of a member on its existing database file. */
    public static void startDb(Member m, String db, int port) {
        Cli.exec(Cli.inNamespace(m.namespace(), "ovsdb-server", m.dir().resolve(db + ".db").toString(),
                "--remote=ptcp:" + port + ":" + m.address(),
                "--remote=punix:" + m.dir().resolve(db + ".sock"),
                "--pidfile=" + m.dir().resolve(db + ".pid"),
                "--unixctl=" + m.dir().resolve(db + ".ctl"),
                "--log-file=" + m.dir().resolve(db + ".log"),
                "--no-chdir", "--detach"), env(m.dir()), null, Cli.DEFAULT_TIMEOUT).check();
    }

    /** Kills one database server of a member (SIGKILL), e.g. the northbound leader. */
    public static void killDb(Member m, String db) {
        Path pidfile = m.dir().resolve(db + ".pid");
        try {
            long pid = Long.parseLong(Files.readString(pidfile).trim());
            ProcessInfo.killAndWait(pid, m.dir().toString(), "ovsdb-server " + db);
        } catch (IOException | NumberFormatException e) {
            throw new BackendException("cannot read " + pidfile + ": " + e.getMessage(), e);
        }
    }

    /** Starts ovn-controller in a host's namespace on the host's OVSDB, with the host's OVS directory as run dir. */
    public static void startController(LabState state, String namespace, Path ovsDir) {
        mkdirs(Path.of("/var/run/ovn")); // ovn-controller's compiled-in default, even with its own run dir
        state.recordPidfile(ovsDir.resolve("ovn-controller.pid"));
        Cli.exec(Cli.inNamespace(namespace, "ovn-controller", "unix:" + OvsDaemons.dbSocket(ovsDir),
                "--pidfile=" + ovsDir.resolve("ovn-controller.pid"),
                "--log-file=" + ovsDir.resolve("ovn-controller.log"),
                "--no-chdir", "--detach"), env(ovsDir), null, Cli.DEFAULT_TIMEOUT).check();
    }

    /** The environment of every OVN/OVS tool of one directory. */
    public static Map<String, String> env(Path dir) {
        return Map.of("OVS_RUNDIR", dir.toString(), "OVS_LOGDIR", dir.toString(), "OVS_DBDIR", dir.toString(),
                "OVN_RUNDIR", dir.toString(), "OVN_LOGDIR", dir.toString(), "OVN_DBDIR", dir.toString());
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BackendException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
