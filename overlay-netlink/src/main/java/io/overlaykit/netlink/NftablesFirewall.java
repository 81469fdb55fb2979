package io.overlaykit.netlink;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.netlink.internal.nft.Nft;
import io.overlaykit.netlink.internal.nft.NftListing;
import io.overlaykit.netlink.internal.nft.NftRenderer;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The nftables packet filter of one network namespace, driven through libnftables' JSON interface
 * (no {@code nft} process). Every call runs inside the namespace through
 * {@link Namespaces#callIn}, because libnftables talks to the kernel over a netlink socket that belongs
 * to the namespace of the thread that opens it.
 *
 * <p>OverlayKit's rules live in {@code inet} tables of its own; {@link #replaceTable} swaps a whole
 * table in one transaction, so either the new table is in place or the old one is untouched.
 *
 * <pre>{@code
 * Firewall fw = new NftablesFirewall(namespaces, NetNamespace.named("hostA"));
 * fw.replaceTable(new FirewallTable("overlaykit-demo", List.of(
 *         new FirewallTable.Masquerade(IpPrefix.parse("172.16.0.0/16"), InterfaceName.of("eth0"), null, false))));
 * }</pre>
 */
public final class NftablesFirewall implements Firewall {
    private static final System.Logger LOG = System.getLogger(NftablesFirewall.class.getName());
    private static final Set<String> LISTED_FAMILIES = Set.of("inet", "ip");

    private final Namespaces namespaces;
    private final NetNamespace ns;

    /** A firewall for {@code ns}; nothing is touched until a method is called. */
    public NftablesFirewall(Namespaces namespaces, NetNamespace ns) {
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.ns = Objects.requireNonNull(ns, "ns");
    }

    /** The namespace this firewall works in. */
    public NetNamespace namespace() {
        return ns;
    }

    /**
     * Creates or atomically replaces {@code table}: one libnftables batch adds the table, deletes it and
     * adds it again with its chains and rules.
     *
     * @throws io.overlaykit.core.InvalidSpecException for a rule that cannot be rendered (nothing is sent)
     * @throws BackendException with libnftables' error text when the kernel refuses the batch; the
     *     previous table is then left as it was
     */
    @Override
    public void replaceTable(FirewallTable table) {
        Objects.requireNonNull(table, "table");
        String batch = NftRenderer.replaceBatch(table).toString();
        String what = "replace table inet " + table.name();
        namespaces.callIn(ns, () -> nft(batch, false, what, Access.WRITE));
        LOG.log(Level.DEBUG, () -> "replaced nft table inet " + table.name() + " (" + table.rules().size()
                + " rules) in namespace " + ns.displayName());
    }

    /** Deletes our {@code inet} table {@code name}; false when it did not exist. */
    @Override
    public boolean deleteTable(String name) {
        NftRenderer.checkTableName(name);
        String what = "delete table inet " + name;
        // One namespace switch: look, then delete with add+delete so a concurrent delete cannot fail us.
        return namespaces.callIn(ns, () -> {
            boolean present = hasOurTable(name, what);
            if (present) {
                nft(NftRenderer.deleteBatch(name).toString(), false, what, Access.WRITE);
            }
            return present;
        });
    }

    /** Names of the {@code inet} and {@code ip} tables in this namespace, ours or not. */
    @Override
    public List<String> tables() {
        return NftListing.tableNames(namespaces.callIn(ns, () -> nft("list tables", true, "list tables", Access.READ)),
                LISTED_FAMILIES);
    }

    /**
     * The rules of our {@code inet} table {@code name} as nft lists them, one line each, prefixed with
     * the chain: {@code nat-postrouting: ip saddr 172.16.0.0/16 oifname "eth0" masquerade}.
     *
     * @throws NotFoundException when there is no such table
     */
    @Override
    public List<String> describe(String name) {
        NftRenderer.checkTableName(name);
        String what = "list table inet " + name;
        String listing = namespaces.callIn(ns, () -> {
            return hasOurTable(name, what) ? nft("list table inet " + name, false, what, Access.READ) : null;
        });
        if (listing == null) {
            throw new NotFoundException("nft table inet " + name + " does not exist in namespace "
                    + ns.displayName());
        }
        return NftListing.ruleLines(listing);
    }

    /** Runs a raw command or JSON batch in this namespace; package-private for tests of failure paths. */
    String run(String command, boolean jsonOutput, String what) {
        return namespaces.callIn(ns, () -> nft(command, jsonOutput, what, Access.WRITE));
    }

    /** One libnftables command, shown to the request hook first; call it on the namespace's thread. */
    private String nft(String command, boolean jsonOutput, String what, Access access) {
        hook().beforeRequest(RequestHook.Backend.NFTABLES, access, "nft " + what);
        return Nft.run(command, jsonOutput, where(what));
    }

    private RequestHook hook() {
        return namespaces instanceof LinuxNamespaces l ? l.hook() : RequestHook.NONE;
    }

    /** Whether our table {@code inet NAME} exists; call it inside {@code callIn}, on the namespace's thread. */
    private boolean hasOurTable(String name, String what) {
        return NftListing.tables(nft("list tables", true, what, Access.READ)).stream()
                .anyMatch(t -> t.family().equals(NftRenderer.FAMILY) && t.name().equals(name));
    }

    private String where(String what) {
        return "nft " + what + " in namespace " + ns.displayName();
    }

    @Override
    public String toString() {
        return "NftablesFirewall[" + ns.displayName() + "]";
    }
}
