package io.overlaykit.core.internal.engine;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.Secret;
import io.overlaykit.core.internal.wireguard.WireGuardKeys;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.Encryption;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.WireGuardDevice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Encryption of an overlay with a psk. WireGuard: each host has a WireGuard interface of its own (see
 * {@link Names#wireguard}) with an address from the spec's transit range, a peer per other host (public key,
 * preshared key, endpoint = its underlay address and the WireGuard port, allowed IPs = its transit address),
 * and the switch's VXLAN tunnels run between transit addresses over that interface, so every overlay frame
 * crosses the underlay inside WireGuard. IPsec: refused unless the host provably encrypts, before anything
 * changes; a psk never yields plaintext tunnels.
 */
final class WireGuardPlanner {
    /** What WireGuard costs over IPv4: outer IP 20 + UDP 8 + WireGuard header 16 + tag 16, rounded as wg-quick does. */
    static final int OVERHEAD = 80;
    /** Persistent keepalive, seconds: handshakes happen at once and stay fresh for verify. */
    static final int KEEPALIVE = 25;
    private static final Path PROC = Path.of("/proc");

    private WireGuardPlanner() {
    }

    static boolean active(OverlaySpec spec) {
        return spec.encryptionMode() == Encryption.Mode.WIREGUARD;
    }

    /** What encryption takes off the overlay's MTU besides VXLAN. */
    static int overhead(OverlaySpec spec) {
        return active(spec) ? OVERHEAD : 0;
    }

    /** The transit address of {@code host}: the transit network plus the host's position in the spec (from 1). */
    static InetAddress transitAddress(OverlaySpec spec, String host) {
        List<HostSpec> hosts = spec.hosts();
        int index = -1;
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).name().equals(host)) {
                index = i;
            }
        }
        byte[] a = spec.transit().network().address().getAddress();
        long v = ((a[0] & 0xffL) << 24 | (a[1] & 0xffL) << 16 | (a[2] & 0xffL) << 8 | (a[3] & 0xffL)) + index + 1;
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base64 public key of {@code host}: the spec's {@code publicKey}, or derived from the psk. */
    static String publicKey(OverlaySpec spec, String host) {
        HostSpec h = spec.host(host);
        if (h.publicKey() != null) {
            return h.publicKey().trim();
        }
        Secret priv = WireGuardKeys.privateKey(spec.psk(), host);
        try {
            return WireGuardKeys.base64(WireGuardKeys.publicKey(priv));
        } finally {
            priv.wipe();
        }
    }

    /** The switch intent with the tunnels moved onto the WireGuard interface and the transit addresses. */
    static SwitchIntent adapt(PlanContext ctx, SwitchIntent intent) {
        if (!active(ctx.spec)) {
            return intent;
        }
        List<SwitchIntent.Peer> peers = intent.peers().stream().map(p -> new SwitchIntent.Peer(p.host(),
                transitAddress(ctx.spec, p.host()), p.tunnel(), p.stepId(), p.macs())).toList(); // static FDB too
        return new SwitchIntent(intent.owner(), intent.bridge(), intent.vni(), intent.udpPort(),
                transitAddress(ctx.spec, ctx.hostName), ctx.names.wireguard(ctx.hostName), true, peers, intent.ports());
    }

    /**
     * Refuses, before anything changes, an encryption this host cannot do: IPsec unless OVS's IPsec monitor runs
     * and the kernel does ESP (this version cannot prove ESP, so IPsec is always refused).
     */
    static void refuseUnproven(PlanContext ctx) {
        refuseUnproven(ctx.spec, ctx.hostName);
    }

    /** {@link #refuseUnproven(PlanContext)} before anything is read or locked. */
    static void refuseUnproven(OverlaySpec spec, String hostName) {
        if (spec.encryptionMode() != Encryption.Mode.IPSEC) {
            return;
        }
        boolean monitor = ipsecMonitorRuns();
        throw new OverlayException("host " + hostName + ": \"encryption\": \"ipsec\" refused, nothing was changed: "
                + "OVS encrypts a psk tunnel only while ovs-monitor-ipsec and an IKE daemon run on a kernel with ESP, "
                + "and sends it in plaintext otherwise. Missing here: "
                + (monitor ? "" : "ovs-monitor-ipsec (not running); ")
                + "proof of kernel ESP (this version cannot establish it). \"encryption\": \"wireguard\" works on this "
                + "host (with a wireguard-go or kernel WireGuard interface per host).");
    }

    private static boolean ipsecMonitorRuns() {
        try (Stream<Path> procs = Files.list(PROC)) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).anyMatch(p -> {
                try {
                    return Files.readString(p.resolve("comm")).trim().startsWith("ovs-monitor-ips");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The WireGuard interface's steps: it must exist, or be creatable as a kernel WireGuard link
     * ({@link io.overlaykit.core.spi.WireGuardDevices#canCreate}: created with our alias, so teardown deletes it);
     * address, MTU, up, keys and peers.
     */
    static void add(PlanContext ctx, List<Step> steps) {
        if (!active(ctx.spec)) {
            return;
        }
        InterfaceName wg = ctx.names.wireguard(ctx.hostName);
        Optional<LinkInfo> link = ctx.snap.hostView.link(wg);
        Optional<WireGuardDevice> now = link.isPresent() ? ctx.snap.wireguard(wg) : Optional.empty();
        boolean create = link.isEmpty() && ctx.snap.host.wireguard().canCreate(ctx.snap.host.namespace());
        if (!create && (link.isEmpty() || now.isEmpty())) {
            throw new OverlayException("host " + ctx.hostName + ": the spec is encrypted (psk, WireGuard) and needs "
                    + ctx.snap.host.wireguard().requirement(wg) + " in " + ctx.snap.host.namespace().displayName()
                    + "; " + (link.isEmpty() ? "no link " + wg + " exists there, and this host's WireGuard backend "
                    + "cannot create one (it would take a kernel with the generic-netlink family \"wireguard\")"
                    : link.get().isKind("wireguard") ? "link " + wg + " is a kernel WireGuard link that this host's "
                    + "WireGuard backend cannot read (a UAPI-only backend, or no generic-netlink family \"wireguard\")"
                    : "link " + wg + " exists but answers no WireGuard configuration") + ". Nothing was changed.");
        }
        List<Change> changes = new ArrayList<>();
        int mtu = ctx.uplinkMtu() - OVERHEAD;
        if (ctx.spec.mtu() != null && ctx.spec.mtu() > mtu - io.overlaykit.core.Mtu.VXLAN_OVERHEAD) {
            throw new io.overlaykit.core.InvalidSpecException("mtu", ctx.spec.mtu(), "is too large for an encrypted "
                    + "overlay on host " + ctx.hostName + ": at most " + (mtu - io.overlaykit.core.Mtu.VXLAN_OVERHEAD)
                    + " (uplink " + ctx.uplinkMtu() + " - WireGuard " + OVERHEAD + " - VXLAN "
                    + io.overlaykit.core.Mtu.VXLAN_OVERHEAD + "); leave \"mtu\" out to derive it");
        }
        IpPrefix mine = new IpPrefix(transitAddress(ctx.spec, ctx.hostName), ctx.spec.transit().length());
        WireGuardDevice want = config(ctx);
        if (create) {
            changes.add(net(new NetOp.CreateWireGuard(wg, mtu, ctx.names.alias()), new NetOp.DeleteLink(wg)));
            ctx.created(Target.HOST, wg);
            changes.add(net(new NetOp.AddAddress(wg, mine), new NetOp.DeleteAddress(wg, mine)));
            changes.add(net(new NetOp.SetUp(wg, true), new NetOp.SetUp(wg, false)));
            changes.add(new Change.WireGuard(Target.HOST, wg, want, null)); // undone by deleting the link
            steps.add(step(ctx, wg, mine, mtu, "kernel wireguard " + wg + " (created)", changes));
            return;
        }
        LinkInfo l = link.get();
        if (l.mtu() != mtu) {
            changes.add(net(new NetOp.SetMtu(wg, mtu), new NetOp.SetMtu(wg, l.mtu())));
        }
        boolean has = false;
        for (var a : ctx.snap.hostView.addresses()) {
            if (a.linkIndex() != l.index()) {
                continue;
            }
            if (a.prefix().equals(mine)) {
                has = true;
            } else if (a.prefix().isIpv4()) {
                changes.add(net(new NetOp.DeleteAddress(wg, a.prefix()), new NetOp.AddAddress(wg, a.prefix())));
            }
        }
        if (!has) {
            changes.add(net(new NetOp.AddAddress(wg, mine), new NetOp.DeleteAddress(wg, mine)));
        }
        if (!l.up()) {
            changes.add(net(new NetOp.SetUp(wg, true), new NetOp.SetUp(wg, false)));
        }
        if (!now.get().sameConfig(want)) {
            changes.add(new Change.WireGuard(Target.HOST, wg, want, now.get()));
        }
        steps.add(step(ctx, wg, mine, mtu, "wireguard " + wg, changes));
    }

    private static Step step(PlanContext ctx, InterfaceName wg, IpPrefix mine, int mtu, String what,
                             List<Change> changes) {
        return Step.of("wireguard", what + " " + mine + " port " + ctx.spec.wireguardPort() + ", "
                + (ctx.spec.hosts().size() - 1) + " peers, mtu " + mtu, changes);
    }

    /** Our nft table's rule for the WireGuard port: only the other hosts' underlay addresses may reach it. */
    static List<io.overlaykit.core.spi.FirewallTable.Rule> firewallRules(PlanContext ctx) {
        if (!active(ctx.spec)) {
            return List.of();
        }
        return List.of(new io.overlaykit.core.spi.FirewallTable.UdpOnlyFrom(ctx.spec.wireguardPort(),
                ctx.spec.peersOf(ctx.hostName).stream().map(HostSpec::underlay).toList()));
    }

    /** The interface's configuration: our key and port, a peer per other host. */
    static WireGuardDevice config(PlanContext ctx) {
        Secret priv = privateKey(ctx);
        Secret preshared = WireGuardKeys.presharedKey(ctx.spec.psk());
        List<WireGuardDevice.Peer> peers = new ArrayList<>();
        for (HostSpec peer : ctx.spec.peersOf(ctx.hostName)) {
            peers.add(WireGuardDevice.Peer.of(publicKey(ctx.spec, peer.name()), preshared,
                    new InetSocketAddress(peer.underlay(), ctx.spec.wireguardPort()),
                    List.of(new IpPrefix(transitAddress(ctx.spec, peer.name()), 32)), KEEPALIVE));
        }
        return new WireGuardDevice(priv, ctx.spec.wireguardPort(), peers);
    }

    private static Secret privateKey(PlanContext ctx) {
        HostSpec me = ctx.hostSpec;
        if (me.publicKey() == null) {
            return WireGuardKeys.privateKey(ctx.spec.psk(), ctx.hostName);
        }
        Secret given = ctx.snap.host.wireguardPrivateKey().orElseThrow(() -> new OverlayException("host "
                + ctx.hostName + ": the spec gives its WireGuard publicKey, so its private key must be given too "
                + "(--private-key FILE, or Host.Builder.wireguardPrivateKey)"));
        String derived = WireGuardKeys.base64(WireGuardKeys.publicKey(given));
        if (!derived.equals(me.publicKey().trim())) {
            throw new ConflictException("host " + ctx.hostName + ": the private key given does not belong to the spec's "
                    + "publicKey " + me.publicKey().trim() + " (its public key is " + derived + ")");
        }
        return given;
    }

    private static Change.Net net(NetOp op, NetOp undo) {
        return new Change.Net(Target.HOST, op, undo);
    }

    /** Per peer of {@code hostName}: how its tunnel is encrypted and, for WireGuard, the last handshake. */
    static List<io.overlaykit.core.plan.TunnelStatus> tunnels(OverlaySpec spec, io.overlaykit.core.Host host,
                                                              java.time.Instant now) {
        List<io.overlaykit.core.plan.TunnelStatus> out = new ArrayList<>();
        Encryption.Mode mode = spec.encryptionMode();
        String enc = mode == null ? "none" : mode.name().toLowerCase(java.util.Locale.ROOT);
        Optional<WireGuardDevice> dev = mode == Encryption.Mode.WIREGUARD
                ? host.wireguard().read(host.namespace(), Names.of(spec.name()).wireguard(host.name())) : Optional.empty();
        for (HostSpec peer : spec.peersOf(host.name())) {
            Optional<WireGuardDevice.Peer> p = dev.flatMap(d -> d.peer(publicKey(spec, peer.name())));
            java.time.Instant hs = p.map(WireGuardDevice.Peer::lastHandshake).orElse(null);
            out.add(new io.overlaykit.core.plan.TunnelStatus(host.name(), peer.name(), enc, hs,
                    hs == null ? null : java.time.Duration.between(hs, now).isNegative() ? java.time.Duration.ZERO
                            : java.time.Duration.between(hs, now),
                    p.map(WireGuardDevice.Peer::rxBytes).orElse(0L), p.map(WireGuardDevice.Peer::txBytes).orElse(0L)));
        }
        return out;
    }

    /**
     * Teardown: our transit address off the WireGuard interface, and its keys and peers cleared (an interface
     * of a daemon, or a kernel link someone else made, stays). A kernel link this SDK created carries our alias:
     * {@link TeardownPlanner} deletes it with its keys, so nothing is cleared here.
     */
    static void teardown(OverlaySpec spec, HostSnapshot snap, List<Step> steps) {
        if (spec.hosts().stream().noneMatch(h -> h.name().equals(snap.host.name()))) {
            return;
        }
        InterfaceName wg = Names.of(spec.name()).wireguard(snap.host.name());
        Optional<LinkInfo> link = snap.hostView.link(wg);
        if (link.isEmpty() || Names.of(spec.name()).alias().equals(link.get().alias())) {
            return;
        }
        List<Change> changes = new ArrayList<>();
        for (var a : snap.hostView.addresses()) {
            if (a.linkIndex() == link.get().index() && a.prefix().isIpv4() && spec.transit().contains(a.prefix().address())) {
                changes.add(net(new NetOp.DeleteAddress(wg, a.prefix()), null));
            }
        }
        Optional<WireGuardDevice> now = snap.wireguard(wg);
        if (now.isPresent() && (!now.get().privateKey().isZero() || !now.get().peers().isEmpty())) {
            changes.add(new Change.WireGuard(Target.HOST, wg, new WireGuardDevice(Secret.of(new byte[WireGuardKeys.KEY_LENGTH]),
                    0, List.of()), null));
        }
        if (!changes.isEmpty()) {
            steps.add(Step.removal("clear wireguard", "cleared WireGuard interface " + wg + " (keys, peers, transit address)",
                    changes));
        }
    }
}
