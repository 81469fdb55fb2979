package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VxlanTunnel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner as a pure function of hand-made views: for each kind of drift, the exact changes. */
class OvsPortPlannerTest {
    private static final String OWNER = "okovs-test";
    private static final InterfaceName BR = InterfaceName.of("br0");
    private static final InterfaceName V1 = InterfaceName.of("v1");
    private static final OvsPort TUNNEL = OvsPort.vxlan(VxlanTunnel.builder("vx1", 5000).remote("192.0.2.3").build());

    private static OvsView.PortState system(String name, Long ofport, String error, Long ifindex, String recorded,
                                            String bridge) {
        Map<String, String> ids = new HashMap<>(Map.of(OvsSwitch.OWNER_KEY, OWNER));
        if (recorded != null) {
            ids.put(OvsSwitch.IFINDEX_KEY, recorded);
        }
        return new OvsView.PortState(name, UUID.randomUUID(), bridge, ids, false, UUID.randomUUID(), "", Map.of(),
                ofport, error, ifindex, null);
    }

    private static OvsView.PortState tunnel(boolean isProtected, Map<String, String> options) {
        return new OvsView.PortState("vx1", UUID.randomUUID(), "br0", Map.of(OvsSwitch.OWNER_KEY, OWNER), isProtected,
                UUID.randomUUID(), "vxlan", options, 2L, null, null, null);
    }

    private static OvsView view(OvsView.PortState... ports) {
        Map<String, OvsView.PortState> byName = new HashMap<>();
        for (OvsView.PortState p : ports) {
            byName.put(p.name(), p);
        }
        List<String> onBr = Stream.of(ports).filter(p -> "br0".equals(p.bridge())).map(OvsView.PortState::name).toList();
        Map<String, OvsView.BridgeState> bridges = new HashMap<>();
        bridges.put("br0", new OvsView.BridgeState("br0", UUID.randomUUID(), "netdev", null,
                Map.of(OvsSwitch.OWNER_KEY, OWNER), onBr));
        bridges.put("br9", new OvsView.BridgeState("br9", UUID.randomUUID(), "netdev", null, Map.of(), List.of()));
        return new OvsView("fake", bridges, byName, UUID.randomUUID(), 1, 1, true, 0);
    }

    static Stream<Arguments> systemPortDrift() {
        return Stream.of(
                Arguments.of("missing", view(), null, List.of("Add v1")),
                Arguments.of("in sync", view(system("v1", 1L, null, 7L, "7", "br0")), null, List.of()),
                Arguments.of("in sync, device known", view(system("v1", 1L, null, 7L, "7", "br0")), 7L, List.of()),
                Arguments.of("not yet applied", view(system("v1", null, null, null, null, "br0")), null, List.of()),
                Arguments.of("ofport -1", view(system("v1", -1L, null, 7L, "7", "br0")), null, List.of("Remove v1", "Add v1")),
                Arguments.of("error", view(system("v1", 1L, "no such device", 7L, "7", "br0")), null,
                        List.of("Remove v1", "Add v1")),
                Arguments.of("device gone", view(system("v1", 1L, null, 0L, "7", "br0")), null, List.of("Remove v1", "Add v1")),
                Arguments.of("device re-created, vswitchd noticed", view(system("v1", 1L, null, 9L, "7", "br0")), null,
                        List.of("Remove v1", "Add v1")),
                Arguments.of("device re-created, only the caller knows", view(system("v1", 1L, null, 7L, "7", "br0")), 9L,
                        List.of("Remove v1", "Add v1")),
                Arguments.of("unrecorded, vswitchd on another device", view(system("v1", 1L, null, 7L, null, "br0")), 9L,
                        List.of("Remove v1", "Add v1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("systemPortDrift")
    void systemPort(String drift, OvsView view, Long device, List<String> expected) {
        Map<InterfaceName, Long> devices = device == null ? Map.of() : Map.of(V1, device);
        List<PortChange> plan = OvsPortPlanner.ensurePorts(view, BR, List.of(OvsPort.system(V1)), OWNER, devices);
        assertThat(plan).extracting(c -> c.getClass().getSimpleName() + " " + c.port()).containsExactlyElementsOf(expected);
        plan.stream().filter(c -> c instanceof PortChange.Add).forEach(c ->
                assertThat(((PortChange.Add) c).deviceIfindex()).isEqualTo(device));
    }

    @Test
    void tunnelPorts() {
        assertThat(OvsPortPlanner.ensurePorts(view(), BR, List.of(TUNNEL), OWNER, Map.of()))
                .containsExactly(new PortChange.Add(BR, TUNNEL, OWNER, true, null));
        assertThat(OvsPortPlanner.ensurePorts(view(tunnel(true, TUNNEL.options())), BR, List.of(TUNNEL), OWNER, Map.of()))
                .isEmpty();
        // made before split horizon: repaired in place, not conflicting, not re-created
        assertThat(OvsPortPlanner.ensurePorts(view(tunnel(false, TUNNEL.options())), BR, List.of(TUNNEL), OWNER, Map.of()))
                .containsExactly(new PortChange.SetProtected(BR, TUNNEL.name(), true));
    }

    @Test
    void conflictsAreAllReportedAndNothingIsPlanned() {
        OvsView v = view(tunnel(true, Map.of("remote_ip", "192.0.2.9", "key", "5000")),
                system("v1", 1L, null, 7L, "7", "br9"));
        assertThatThrownBy(() -> OvsPortPlanner.ensurePorts(v, BR, List.of(TUNNEL, OvsPort.system(V1)), OWNER, Map.of()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("port vx1 option remote_ip is '192.0.2.9', wanted '192.0.2.3'")
                .hasMessageContaining("port v1 is on bridge br9, not br0");
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> OvsPortPlanner.ensurePorts(view(), InterfaceName.of("nobr"), List.of(), OWNER, Map.of()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("nobr").hasMessageContaining("fake");
        assertThatThrownBy(() -> OvsPortPlanner.ensurePorts(view(), BR, List.of(OvsPort.system(V1),
                OvsPort.internal(V1)), OWNER, Map.of())).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> OvsPortPlanner.ensurePorts(view(), BR, List.of(), " ", Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("owner");
    }

    @Test
    void removalsAndInverses() {
        OvsView v = view(tunnel(true, TUNNEL.options()), system("v1", 1L, null, 7L, "7", "br9"));
        List<PortChange> plan = OvsPortPlanner.removePorts(v, BR, List.of(TUNNEL.name(), V1, InterfaceName.of("nope")));
        assertThat(plan).containsExactly(new PortChange.Remove(BR, TUNNEL.name(), TUNNEL, OWNER, true));
        assertThat(plan.get(0).inverse()).isEqualTo(new PortChange.Add(BR, TUNNEL, OWNER, true, null));
        assertThat(plan.get(0).inverse().inverse()).isEqualTo(plan.get(0));
        assertThatThrownBy(() -> new PortChange.Remove(BR, V1, null, null, false).inverse())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be re-created");
    }
}
