package io.overlaykit.ovs;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tunnels whose underlay is a layer-3 device (a WireGuard interface: TUN under wireguard-go, or the kernel's
 * {@code wireguard} link). OVS's userspace tunnel ports cannot ride such a device (it has no MAC and is no bridge
 * port, so native tunnel push finds no next hop); a kernel VXLAN device over it can. So: one kernel VXLAN device
 * for the VNI, pinned to that device and the transit address, with a flood entry per peer, plugged into the OVS
 * bridge as an ordinary system port (its TX checksum offload off, like every port the userspace datapath reads).
 */
final class KernelTunnels {
    private KernelTunnels() {
    }

    /** Whether the intent's tunnels ride a layer-3 device, which OVS tunnel ports cannot use. */
    static boolean needed(SwitchIntent intent) {
        return intent.layer3Device() && intent.device() != null;
    }

    /** The kernel VXLAN device of {@code bridge} for {@code vni}: {@code okk} and 6 hex digits. */
    static InterfaceName deviceName(SwitchIntent intent) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((intent.bridge().name().value() + "\0"
                    + intent.vni().value()).getBytes(StandardCharsets.UTF_8));
            return InterfaceName.of("okk" + HexFormat.of().formatHex(h, 0, 3));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The device as it should be. */
    static VxlanTunnel device(SwitchIntent intent) {
        VxlanTunnel.Builder b = VxlanTunnel.builder(deviceName(intent).value(), intent.vni().value())
                .local(intent.local()).device(intent.device().value()).dstPort(intent.udpPort()).learning(false)
                .alias(intent.bridge().alias());
        if (intent.bridge().mtu() != null) {
            b.mtu(intent.bridge().mtu());
        }
        return b.build();
    }

    /**
     * A step per peer: the first also (re)creates the device and brings it up; each adds the peer's flood entry.
     * Flood entries to transit addresses that are no longer peers are removals.
     */
    static void plan(SwitchIntent intent, NamespaceView host, List<Step> steps, List<Step> removals) {
        VxlanTunnel want = device(intent);
        InterfaceName dev = want.name();
        Optional<LinkInfo> now = host.link(dev);
        List<Change> device = new ArrayList<>();
        Set<InetAddress> flooded = new HashSet<>();
        if (now.isPresent()) {
            LinkInfo l = now.get();
            if (!l.isKind("vxlan") || !java.util.Objects.equals(intent.bridge().alias(), l.alias())) {
                throw new ConflictException("link " + dev + " exists but is not our vxlan device (kind " + l.kind()
                        + ", alias " + l.alias() + ")");
            }
            VxlanTunnel have = l.vxlan();
            boolean same = have != null && want.vni().equals(have.vni()) && want.dstPort() == have.dstPort()
                    && (have.local() == null || have.local().equals(want.local()))
                    && (have.device() == null || have.device().equals(want.device()));
            if (!same) {
                device.add(net(new NetOp.DeleteLink(dev), null));
                now = Optional.empty();
            } else {
                host.fdb(dev).stream().filter(e -> e.isFlood() && e.remote() != null).forEach(e -> flooded.add(e.remote()));
                if (intent.bridge().mtu() != null && l.mtu() != intent.bridge().mtu()) {
                    device.add(net(new NetOp.SetMtu(dev, intent.bridge().mtu()), new NetOp.SetMtu(dev, l.mtu())));
                }
                if (!l.up()) {
                    device.add(net(new NetOp.SetUp(dev, true), new NetOp.SetUp(dev, false)));
                }
            }
        }
        if (now.isEmpty()) {
            device.add(net(new NetOp.CreateVxlan(want), new NetOp.DeleteLink(dev)));
            device.add(net(new NetOp.SetUp(dev, true), null));
        }
        Set<InetAddress> peers = new HashSet<>();
        for (int i = 0; i < intent.peers().size(); i++) {
            SwitchIntent.Peer peer = intent.peers().get(i);
            peers.add(peer.remote());
            List<Change> changes = new ArrayList<>(i == 0 ? device : List.of());
            if (!flooded.contains(peer.remote())) {
                FdbEntry flood = FdbEntry.flood(dev, peer.remote());
                changes.add(net(new NetOp.AddFdb(flood), new NetOp.DeleteFdb(flood)));
            }
            steps.add(Step.of(peer.stepId(), "kernel vxlan " + dev + " vni " + intent.vni() + " over " + intent.device()
                    + ": flood to " + peer.remote().getHostAddress() + " from " + intent.local().getHostAddress(), changes));
        }
        for (InetAddress gone : flooded) {
            if (!peers.contains(gone)) {
                FdbEntry flood = FdbEntry.flood(dev, gone);
                removals.add(Step.removal("remove tunnel " + gone.getHostAddress(), "remove the flood entry of " + dev
                        + " to " + gone.getHostAddress() + ", a host the spec no longer has",
                        List.of(net(new NetOp.DeleteFdb(flood), null))));
            }
        }
    }

    private static Change.Net net(NetOp op, NetOp undo) {
        return new Change.Net(Target.HOST, op, undo);
    }
}
