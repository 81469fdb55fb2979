package io.overlaykit.core.testing;

import io.overlaykit.core.MacAddress;

/** Interface indexes and MACs, shared by all namespaces of one fake kernel. */
public final class LinkIds {
    private int nextIndex = 2;
    private long nextMac = 0x02_00_00_00_00_10L;

    int index() {
        return nextIndex++;
    }

    MacAddress mac() {
        return new MacAddress(nextMac++);
    }
}
