package io.overlaykit.core.spi;

import java.util.List;

/**
 * The packet filter of one namespace (nftables). OverlayKit keeps everything it needs in tables of its
 * own, so replacing or deleting such a table never touches anybody else's rules.
 */
public interface Firewall {

    /** Creates or atomically replaces {@code table} (delete and re-create in one transaction). */
    void replaceTable(FirewallTable table);

    /** Deletes the table; returns false when it was already gone. */
    boolean deleteTable(String name);

    /** Names of the {@code inet}/{@code ip} tables in this namespace. */
    List<String> tables();

    /** The rules of one of our tables as the backend reads them back, one human-readable line each. */
    List<String> describe(String name);
}
