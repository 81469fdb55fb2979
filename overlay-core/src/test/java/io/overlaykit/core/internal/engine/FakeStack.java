package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.spi.NetworkStack;
import io.overlaykit.core.testing.InMemoryLinks;
import io.overlaykit.core.testing.InlineNamespaces;
import io.overlaykit.core.testing.LinkIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory kernel: namespaces with links, addresses, routes, rules, sysctls and nft tables. */
final class FakeStack implements NetworkStack {
    final Map<NetNamespace, Ns> namespaces = new LinkedHashMap<>();
    private final LinkIds ids = new LinkIds();
    private final Namespaces nsApi = new InlineNamespaces(namespaces::containsKey, ns -> existing(ns).sysctls);

    /** Operations of any namespace that fail the next time they are called (fault injection). */
    private final Map<String, RuntimeException> failNext = new java.util.concurrent.ConcurrentHashMap<>();

    /** Makes the next call of {@code operation} (addAddress, replaceTable) in any namespace throw {@code e}. */
    void failNext(String operation, RuntimeException e) {
        failNext.put(operation, e);
    }

    private void maybeFail(String operation) {
        RuntimeException e = failNext.remove(operation);
        if (e != null) {
            throw e;
        }
    }

    /**
     * Sysctls of one namespace, as the kernel has them: a per-interface key ({@code net.ipv4.conf.eth0.*})
     * exists only while its interface does, and starts at the kernel's default when the interface appears.
     * A key removed by a test stays absent (a kernel without IPv6). Writes can be told to fail.
     */
    final class Sysctls extends TreeMap<String, String> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, String> PER_INTERFACE_DEFAULTS = Map.of("net.ipv6.conf.%s.autoconf", "1",
                "net.ipv4.conf.%s.arp_notify", "0", "net.ipv6.conf.%s.disable_ipv6", "0",
                "net.ipv6.conf.%s.accept_dad", "1");
        transient RuntimeException failWrites;
        transient Ns owner;
        private final java.util.Set<String> absent = new java.util.HashSet<>();

        Sysctls(Map<String, String> initial) {
            initial.forEach(super::put);
        }

        private void sync() {
            if (owner == null) {
                return;
            }
            for (String pattern : PER_INTERFACE_DEFAULTS.keySet()) {
                for (var link : owner.linkTable().keySet()) {
                    String key = String.format(pattern, link.value());
                    if (!absent.contains(key) && !super.containsKey(key)) {
                        super.put(key, PER_INTERFACE_DEFAULTS.get(pattern));
                    }
                }
            }
            super.keySet().removeIf(k -> {
                String[] parts = k.split("\\.");
                return parts.length == 5 && parts[2].equals("conf") && !parts[3].equals("all")
                        && !parts[3].equals("default") && !owner.linkTable().containsKey(
                        io.overlaykit.core.InterfaceName.of(parts[3]));
            });
        }

        @Override
        public String get(Object key) {
            sync();
            return super.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            sync();
            return super.containsKey(key);
        }

        @Override
        public java.util.Set<Map.Entry<String, String>> entrySet() {
            sync();
            return super.entrySet();
        }

        @Override
        public String put(String key, String value) {
            if (failWrites != null) {
                throw failWrites;
            }
            sync();
            absent.remove(key);
            return super.put(key, value);
        }

        @Override
        public String remove(Object key) {
            absent.add((String) key);
            return super.remove(key);
        }

        @Override
        public String toString() {
            sync();
            return super.toString();
        }
    }

    /** One namespace's state: the shared in-memory links plus sysctls and nft tables. */
    final class Ns extends InMemoryLinks implements Firewall {
        final Sysctls sysctls = new Sysctls(Map.of("net.ipv4.ip_forward", "0",
                "net.ipv6.conf.all.forwarding", "0"));
        final Map<String, FirewallTable> tables = new TreeMap<>();

        Ns(NetNamespace ns) {
            super(ns, ids, FakeStack.this::existing, true);
            sysctls.owner = this;
        }

        /** How many times the engine observed this namespace. */
        int observes;

        @Override
        public io.overlaykit.core.spi.NamespaceView observe() {
            observes++;
            return super.observe();
        }

        /** Every later sysctl write in this namespace throws {@code e}. */
        void failSysctlWrites(RuntimeException e) {
            sysctls.failWrites = e;
        }

        @Override
        public void addAddress(io.overlaykit.core.InterfaceName link, io.overlaykit.core.IpPrefix address) {
            maybeFail("addAddress");
            super.addAddress(link, address);
        }

        @Override
        public void replaceTable(FirewallTable table) {
            maybeFail("replaceTable");
            tables.put(table.name(), table);
        }

        @Override
        public boolean deleteTable(String name) {
            return tables.remove(name) != null;
        }

        @Override
        public List<String> tables() {
            return List.copyOf(tables.keySet());
        }

        @Override
        public List<String> describe(String name) {
            return tables.get(name).rules().stream().map(Object::toString).toList();
        }

        @Override
        public String snapshot() {
            StringBuilder sb = new StringBuilder(super.snapshot());
            sb.append("  sysctl ").append(sysctls).append('\n');
            tables.values().forEach(t -> sb.append("  table ").append(t).append('\n'));
            return sb.toString();
        }
    }

    Ns add(NetNamespace ns) {
        return namespaces.computeIfAbsent(ns, Ns::new);
    }

    Ns existing(NetNamespace ns) {
        Ns n = namespaces.get(ns);
        if (n == null) {
            throw new NotFoundException("namespace " + ns.displayName() + " does not exist");
        }
        return n;
    }

    /** The namespace dies: its links go, and veth peers elsewhere with them. */
    void destroy(NetNamespace ns) {
        Ns n = namespaces.remove(ns);
        if (n != null) {
            for (var name : List.copyOf(n.linkTable().keySet())) {
                n.delete(name);
            }
        }
    }

    @Override
    public Namespaces namespaces() {
        return nsApi;
    }

    @Override
    public Links links(NetNamespace ns) {
        return existing(ns);
    }

    @Override
    public Firewall firewall(NetNamespace ns) {
        return existing(ns);
    }

    @Override
    public void close() {
    }

    String snapshot() {
        StringBuilder sb = new StringBuilder();
        namespaces.values().forEach(n -> sb.append(n.snapshot()));
        return sb.toString();
    }
}
