package io.overlaykit.core.plan;

import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.NetOp;
import java.util.Objects;

/**
 * One change a plan makes to a host, as data: printable, comparable, serialisable. Each change knows its
 * inverse, computed when planning from the value the host had before ({@code null}: nothing to undo, or
 * it cannot be undone). Consecutive changes that go to the same place (one namespace's links, the switch,
 * the state file) run as one batch.
 */
public sealed interface Change permits Change.Net, Change.Veth, Change.Sysctl, Change.Firewall, Change.Container,
        Change.File, Change.State, Change.WireGuard, SwitchChange {

    /** The change that undoes this one, or null. */
    Change inverse();

    /** One line for people: what changes, where. */
    String describe();

    /** Links, addresses, routes, rules, neighbours or FDB entries of one namespace. */
    record Net(Target target, NetOp op, NetOp undo) implements Change {
        /** Requires {@code target} and {@code op}; a null {@code undo} means nothing to undo. */
        public Net {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(op, "op");
        }

        @Override
        public Change inverse() {
            return undo == null ? null : new Net(target, undo, op);
        }

        @Override
        public String describe() {
            return Describe.op(op) + " in " + target;
        }
    }

    /**
     * Creates a veth pair in {@code target} whose peer is created directly in the namespace of
     * {@code peerTarget}, resolved when the change runs (the container may start earlier in the same plan).
     * Runs in the same batch as the {@link Net} changes of {@code target}.
     */
    record Veth(Target target, io.overlaykit.core.VethPair pair, Target peerTarget) implements Change {
        /**
         * Requires every component.
         * @throws IllegalArgumentException if {@code pair} names a peer namespace (it comes from {@code peerTarget})
         */
        public Veth {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(peerTarget, "peerTarget");
            if (pair.peerNamespace() != null) {
                throw new IllegalArgumentException("veth " + pair.name() + ": the peer's namespace comes from "
                        + "peerTarget, not from the pair");
            }
        }

        @Override
        public Change inverse() {
            return new Net(target, new NetOp.DeleteLink(pair.name()), null);
        }

        @Override
        public String describe() {
            return "create veth " + pair.name() + " <-> " + pair.peerName() + " in " + peerTarget
                    + (pair.mtu() == null ? "" : " mtu " + pair.mtu())
                    + (pair.peerMac() == null ? "" : " mac " + pair.peerMac()) + " in " + target;
        }
    }

    /**
     * A sysctl of one namespace, from {@code before} (null: not worth undoing) to {@code value}; with
     * {@code ifPresent}, a kernel that lacks the key (an IPv6 key without IPv6) skips it.
     */
    record Sysctl(Target target, String key, String value, String before, boolean ifPresent) implements Change {
        /** Requires {@code target}, {@code key} and {@code value}. */
        public Sysctl {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Change inverse() {
            return before == null ? null : new Sysctl(target, key, before, value, ifPresent);
        }

        @Override
        public String describe() {
            return "sysctl " + key + " " + (before == null ? "" : before + " -> ") + value + " in " + target;
        }
    }

    /**
     * One of our nftables tables in one namespace: replaced by {@code table}, or deleted when it is null.
     * {@code before} is what the table held (null: it did not exist, or its content is unknown and
     * {@code existed} says whether it was there).
     */
    record Firewall(Target target, String name, FirewallTable table, FirewallTable before, boolean existed)
            implements Change {
        /** Requires {@code target} and {@code name}. */
        public Firewall {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Change inverse() {
            if (!existed) {
                return table == null ? null : new Firewall(target, name, null, table, true);
            }
            return before == null ? null : new Firewall(target, name, before, table, table != null);
        }

        @Override
        public String describe() {
            return (table == null ? "delete nft table " + name : (existed ? "replace" : "create") + " nft table "
                    + name + " (" + table.rules().size() + " rules)") + " in " + target;
        }
    }

    /** A container of the runtime. */
    record Container(Action action, String name, ContainerRequest request) implements Change {
        /** What to do with the container. */
        public enum Action {
            /** Create and start from {@code request}; undone by removing it. */
            RUN,
            /** Start our stopped container; undone by stopping it. */
            START,
            /** Stop it. */
            STOP,
            /** Remove it (running or not); cannot be undone. */
            REMOVE,
            /** Fail unless it runs (a container marked existing); nothing to undo. */
            REQUIRE_RUNNING
        }

        /** Requires {@code action} and {@code name}; {@code request} too for {@link Action#RUN}. */
        public Container {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(name, "name");
            if (action == Action.RUN) {
                Objects.requireNonNull(request, "request");
            }
        }

        @Override
        public Change inverse() {
            return switch (action) {
                case RUN -> new Container(Action.REMOVE, name, null);
                case START -> new Container(Action.STOP, name, null);
                default -> null;
            };
        }

        @Override
        public String describe() {
            return switch (action) {
                case RUN -> "run container " + name + " from " + request.image() + " with no network";
                case START -> "start container " + name;
                case STOP -> "stop container " + name;
                case REMOVE -> "remove container " + name;
                case REQUIRE_RUNNING -> "require container " + name + " to be running";
            };
        }
    }

    /**
     * A file inside a container's root file system ({@code path} relative to it), written with
     * {@code content} (null: removed); {@code before} is what it held (null: it did not exist).
     */
    record File(Target target, String path, String content, String before) implements Change {
        /** Requires {@code target} and {@code path}. */
        public File {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public Change inverse() {
            return new File(target, path, before, content);
        }

        @Override
        public String describe() {
            return (content == null ? "remove " : "write ") + path + " in " + target;
        }
    }

    /**
     * A record in the host's state file (what teardown must restore), set to {@code value} (null: removed);
     * {@code before} is what it held.
     */
    record State(String key, String value, String before) implements Change {
        /** Requires {@code key}. */
        public State {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Change inverse() {
            return new State(key, before, value);
        }

        @Override
        public String describe() {
            return (value == null ? "forget " + key : "record " + key + "=" + value) + " in the host state";
        }
    }

    /**
     * The configuration of one WireGuard interface in {@code target}: private key, port and every peer replaced
     * by {@code config}; {@code before} is what it held (null: nothing to undo). Keys are never described.
     */
    record WireGuard(Target target, io.overlaykit.core.InterfaceName link, io.overlaykit.core.spi.WireGuardDevice config,
                     io.overlaykit.core.spi.WireGuardDevice before) implements Change {
        /** Requires {@code target}, {@code link} and {@code config}. */
        public WireGuard {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(config, "config");
        }

        @Override
        public Change inverse() {
            return before == null ? null : new WireGuard(target, link, before, config);
        }

        @Override
        public String describe() {
            return "configure wireguard " + link + ": port " + config.listenPort() + ", " + config.peers().size()
                    + (config.peers().size() == 1 ? " peer" : " peers")
                    + (config.privateKey().isZero() ? ", no key" : ", keys set (not shown)") + " in " + target;
        }

        @Override
        public String toString() {
            return "WireGuard[" + describe() + "]";
        }
    }
}
