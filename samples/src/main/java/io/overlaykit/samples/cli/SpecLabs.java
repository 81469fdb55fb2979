package io.overlaykit.samples.cli;

import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.testkit.Lab;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A persistent lab shaped like a spec: prefix = spec name, its hosts' underlays on one wire, and outside. */
final class SpecLabs {
    private SpecLabs() {
    }

    static Lab start(OverlaySpec spec) {
        List<InetAddress> all = new ArrayList<>();
        spec.hosts().forEach(h -> all.add(h.underlay()));
        InetAddress outside = spec.lab() == null ? null : spec.lab().outside();
        if (outside != null) {
            all.add(outside);
        }
        int length = Math.min(24, commonPrefixLength(all));
        Lab.Builder b = Lab.builder().prefix(spec.name()).withOvs(spec.switchKind() == SwitchKind.OVS)
                .withPodman(true).persistent(true);
        for (HostSpec h : spec.hosts()) {
            b.host(h.name(), h.underlay().getHostAddress() + "/" + length);
        }
        if (outside != null) {
            b.outside(outside.getHostAddress() + "/" + length);
        }
        return b.start();
    }

    /** The longest prefix all addresses share (so one wire subnet covers them). */
    static int commonPrefixLength(List<InetAddress> addresses) {
        byte[] first = addresses.get(0).getAddress();
        int length = first.length * 8;
        for (InetAddress a : addresses) {
            byte[] b = a.getAddress();
            for (int bit = 0; bit < length; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((first[bit / 8] & mask) != (b[bit / 8] & mask)) {
                    length = bit;
                    break;
                }
            }
        }
        return length;
    }
}
