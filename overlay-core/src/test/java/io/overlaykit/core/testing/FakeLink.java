package io.overlaykit.core.testing;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VxlanTunnel;

/** A link's mutable state; tests may change it behind the fake's back (like another program would). */
public final class FakeLink {
    public final InterfaceName name;
    public final int index;
    public final String kind;
    public int mtu;
    public MacAddress mac;
    public boolean up;
    public boolean tx = true;
    public String alias;
    public int masterIndex;
    /** The bridge port flag; null: not set since the link became a port (it reads as off). */
    public Boolean neighSuppress;
    final VxlanTunnel vxlan;
    FakeLink peer;
    InMemoryLinks peerNs;

    FakeLink(InterfaceName name, int index, String kind, int mtu, MacAddress mac, String alias, VxlanTunnel vxlan) {
        this.name = name;
        this.index = index;
        this.kind = kind;
        this.mtu = mtu;
        this.mac = mac;
        this.alias = alias;
        this.vxlan = vxlan;
    }

    LinkInfo info() {
        return new LinkInfo(index, name, kind, mtu, mac, up, masterIndex, peer == null ? 0 : peer.index, alias, vxlan,
                masterIndex == 0 ? null : neighSuppress != null && neighSuppress);
    }

    @Override
    public String toString() {
        return name + " " + kind + " mtu " + mtu + " " + mac + (up ? " up" : " down") + (tx ? "" : " txoff")
                + (alias == null ? "" : " alias " + alias) + (peer == null ? "" : " peer " + peer.name)
                + (masterIndex == 0 ? "" : " master " + masterIndex);
    }
}
