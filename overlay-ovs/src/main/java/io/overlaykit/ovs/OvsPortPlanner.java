package io.overlaykit.ovs;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OVS backend's own part of a plan, as a pure function of an {@link OvsView}: which {@link PortChange}s
 * make a bridge carry the wanted ports. Nothing here sends a request; {@link OvsSwitch#apply} executes the
 * result. The rules, in one place:
 * <ul>
 *   <li>a missing port is added, tagged with the owner; a {@code vxlan} port is {@code protected} (split
 *       horizon: with one tunnel per peer, NORMAL switching would flood a frame from one peer's tunnel into the
 *       others, a broadcast loop from three hosts on) when the server has the column;</li>
 *   <li>a port that exists identically (type, options) is left alone; one whose split horizon differs gets it
 *       set in place (tunnel ports made before split horizon);</li>
 *   <li>a stale system port ({@link OvsView.PortState#isStale()}, or {@link OvsView.PortState#isStaleFor} the
 *       device's ifindex when the caller knows it) is removed and added anew: a re-plug;</li>
 *   <li>a port that exists differently, or on another bridge, is a conflict; all of them are reported at once.</li>
 * </ul>
 */
public final class OvsPortPlanner {
    private OvsPortPlanner() {
    }

    /**
     * The changes that put {@code wanted} on {@code bridge}; empty when it carries them already. Other ports of
     * the bridge are left alone.
     *
     * @param deviceIfindexes the ifindex of each system port's device where the caller knows it (its own
     *     netlink view); may be empty
     * @throws NotFoundException the bridge does not exist
     * @throws ConflictException a port exists with other settings or on another bridge (every one is named)
     */
    public static List<PortChange> ensurePorts(OvsView view, InterfaceName bridge, List<OvsPort> wanted,
                                               String owner, Map<InterfaceName, Long> deviceIfindexes) {
        if (owner == null || owner.isBlank()) {
            throw new InvalidSpecException("owner", owner, "must not be empty");
        }
        if (view.bridge(bridge).isEmpty()) {
            throw new NotFoundException("OVS bridge " + bridge + " not found on " + view.source());
        }
        List<String> conflicts = new ArrayList<>();
        List<PortChange> changes = new ArrayList<>();
        for (OvsPort p : distinct(wanted)) {
            Long device = p.type().isEmpty() ? deviceIfindexes.get(p.name()) : null;
            boolean protect = wantsProtected(view, p);
            Optional<OvsView.PortState> found = view.port(p.name());
            if (found.isEmpty()) {
                changes.add(new PortChange.Add(bridge, p, owner, protect, device));
                continue;
            }
            OvsView.PortState existing = found.get();
            if (!bridge.value().equals(existing.bridge())) {
                conflicts.add("port " + p.name() + " is on bridge " + existing.bridge() + ", not " + bridge);
                continue;
            }
            Optional<String> diff = PortDiff.describe(p, existing);
            if (diff.isPresent()) {
                conflicts.add("port " + p.name() + " " + diff.get());
            } else if (device != null ? existing.isStaleFor(device) : existing.isStale()) {
                changes.add(removal(bridge, existing));
                changes.add(new PortChange.Add(bridge, p, owner, protect, device));
            } else if (existing.isProtected() != protect) {
                changes.add(new PortChange.SetProtected(bridge, p.name(), protect));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ConflictException("OVS bridge " + bridge + " on " + view.source() + ": "
                    + String.join("; ", conflicts));
        }
        return List.copyOf(changes);
    }

    /** The changes that take {@code names} off {@code bridge}; ports that are not on it are ignored. */
    public static List<PortChange> removePorts(OvsView view, InterfaceName bridge, List<InterfaceName> names) {
        List<PortChange> out = new ArrayList<>();
        for (InterfaceName n : names.stream().distinct().toList()) {
            view.port(n).filter(p -> bridge.value().equals(p.bridge())).ifPresent(p -> out.add(removal(bridge, p)));
        }
        return List.copyOf(out);
    }

    /** Whether a port of this kind gets split horizon: tunnel ports, on servers that have {@code Port.protected}. */
    public static boolean wantsProtected(OvsView view, OvsPort port) {
        return port.type().equals("vxlan") && view.supportsProtectedPorts();
    }

    private static PortChange.Remove removal(InterfaceName bridge, OvsView.PortState p) {
        OvsPort before = p.interfaceUuid() == null ? null : p.asOvsPort();
        return new PortChange.Remove(bridge, InterfaceName.of(p.name()), before, p.owner(), p.isProtected());
    }

    /** The wanted ports by name; a name listed twice must mean the same port. */
    private static List<OvsPort> distinct(List<OvsPort> wanted) {
        Map<InterfaceName, OvsPort> byName = new LinkedHashMap<>();
        for (OvsPort p : wanted) {
            OvsPort earlier = byName.putIfAbsent(p.name(), p);
            if (earlier != null && !earlier.equals(p)) {
                throw new InvalidSpecException("ports", p.name().value(), "is listed twice with different settings");
            }
        }
        return new ArrayList<>(byName.values());
    }
}
