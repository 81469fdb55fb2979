package io.overlaykit.core.spi;

/**
 * Sees every request a backend is about to send to the system: each netlink message, OVSDB transaction,
 * libpod call, nftables command, sysctl access, ethtool call and WireGuard configuration request. Used to
 * count requests (benchmarks, call-count tests: a count is deterministic where a time is not) and to
 * inject faults (tests: a hook that throws makes that request fail as if the system had refused it, before
 * anything is sent).
 *
 * <p>Hooks run on the backend's calling thread and must be fast and thread-safe.
 *
 * <pre>{@code
 * RequestCounter counter = new RequestCounter();
 * host.requestHook(counter);
 * overlay.status(host);
 * counter.count(RequestHook.Backend.OVSDB, RequestHook.Access.READ);   // 0 once the cache is warm
 * }</pre>
 */
@FunctionalInterface
public interface RequestHook {

    /** Which backend sends the request. */
    enum Backend {
        /** rtnetlink: links, addresses, routes, rules, neighbours, FDB. */
        NETLINK,
        /** An ovsdb-server (Open vSwitch or OVN). */
        OVSDB,
        /** The podman REST API. */
        PODMAN,
        /** nftables tables. */
        NFTABLES,
        /** {@code /proc/sys} reads and writes. */
        SYSCTL,
        /** ethtool ioctls (offload settings). */
        ETHTOOL,
        /** WireGuard device configuration. */
        WIREGUARD
    }

    /** Whether the request only reads (a dump, a select, a list) or may change something. */
    enum Access {
        /** Reads only. */
        READ,
        /** May change something. */
        WRITE
    }

    /** The hook that does nothing. */
    RequestHook NONE = (backend, access, operation) -> { };

    /**
     * Called before each request is sent. Throwing fails that request: the backend reports it to its
     * caller as the failure of that request (and, inside a batch, of the requests not yet sent).
     *
     * @param operation what the request does, for messages (never a secret)
     */
    void beforeRequest(Backend backend, Access access, String operation);
}
