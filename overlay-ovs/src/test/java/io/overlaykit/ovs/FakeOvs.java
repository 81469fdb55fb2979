package io.overlaykit.ovs;

import io.overlaykit.core.spi.RequestCounter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * TEST ONLY: a fake ovsdb-server with its database and fake ovs-vswitchd, a client connected to it with a
 * {@link RequestCounter} as its request hook, and the writes another client (ovs-vsctl) would make.
 */
final class FakeOvs implements AutoCloseable {
    final FakeOvsdb db;
    final FakeOvsdbServer server;
    final OvsdbClient client;
    final RequestCounter counter = new RequestCounter();

    /** {@code dropped}: {@code Table.column}s the server's schema lacks. */
    FakeOvs(String... dropped) throws IOException {
        db = new FakeOvsdb(FakeSchema.vswitchWithout(dropped));
        server = FakeOvsdbServer.withDatabase(db);
        client = OvsdbClient.connect(server.remote(), OvsdbClientOptions.defaults()
                .withCallTimeout(Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
        client.requestHook(counter);
    }

    /** A switch that does not wait for ovs-vswitchd. */
    OvsSwitch sw() {
        return OvsSwitch.create(client, "netdev");
    }

    /** A switch that waits for the fake ovs-vswitchd. */
    OvsSwitch waiting() {
        return sw().waitingForVswitchd(Duration.ofSeconds(5));
    }

    /** Like {@code ovs-vsctl add-br} (with an owner tag unless null): the bridge and its internal port. */
    UUID addBridge(String name, String owner) {
        Map<String, String> ids = owner == null ? Map.of() : Map.of(OvsSwitch.OWNER_KEY, owner);
        NamedUuid iface = NamedUuid.of("i");
        NamedUuid port = NamedUuid.of("p");
        NamedUuid br = NamedUuid.of("b");
        TransactResult r = db.commit(Transaction.builder()
                .insert("Interface", Row.of(Map.of("name", name, "type", "internal")), iface)
                .insert("Port", Row.of(Map.of("name", name, "interfaces", Set.of(iface), "external_ids", ids)), port)
                .insert("Bridge", Row.of(Map.of("name", name, "ports", Set.of(port), "datapath_type", "netdev",
                        "external_ids", ids)), br)
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("bridges", Set.of(br))))
                .build());
        return r.uuid(2);
    }

    /** Like {@code ovs-vsctl add-port} for each name (one transaction), with {@code columns} on each Port. */
    void addPorts(String bridge, List<String> names, String type, Map<String, String> options,
                  Map<String, Object> portColumns) {
        Transaction.Builder tx = Transaction.builder();
        List<NamedUuid> ports = new ArrayList<>();
        int i = 0;
        for (String n : names) {
            NamedUuid iface = NamedUuid.of("i" + i);
            NamedUuid port = NamedUuid.of("p" + i++);
            tx.insert("Interface", Row.of(Map.of("name", n, "type", type, "options", options)), iface);
            Map<String, Object> row = new HashMap<>(portColumns);
            row.put("name", n);
            row.put("interfaces", Set.of(iface));
            tx.insert("Port", Row.of(row), port);
            ports.add(port);
        }
        tx.mutate("Bridge", List.of(Condition.eq("name", bridge)), List.of(Mutation.insert("ports", Set.copyOf(ports))));
        db.commit(tx.build());
    }

    /** Like {@code ovs-vsctl del-port}. */
    void deletePort(String bridge, String name) {
        Object uuid = db.byName("Port", name).get("_uuid");
        db.commit(Transaction.builder().mutate("Bridge", List.of(Condition.eq("name", bridge)),
                List.of(Mutation.delete("ports", Set.of(uuid)))).build());
    }

    /** How many requests of {@code method} the server received so far. */
    long received(String method) {
        return server.received.stream().filter(m -> method.equals(m.path("method").asText())).count();
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
