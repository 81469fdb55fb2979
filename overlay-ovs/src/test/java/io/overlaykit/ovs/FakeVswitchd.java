package io.overlaykit.ovs;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEST ONLY: plays ovs-vswitchd on a {@link FakeOvsdb}, in transactions of its own as the real one does: once
 * {@code next_cfg} runs ahead of {@code cur_cfg} it gives every interface without an {@code ofport} one (and the
 * ifindex of its device), or {@code ofport -1} and an {@code error} for a system port whose device does not
 * exist, then sets {@code cur_cfg}. {@link #devices} is the kernel: name to ifindex.
 */
final class FakeVswitchd {
    final Map<String, Long> devices = new ConcurrentHashMap<>();
    private final FakeOvsdb db;
    private final AtomicLong ofports = new AtomicLong(1);
    private final AtomicLong internalIfindex = new AtomicLong(9000);
    /** False: stays silent, as a hung ovs-vswitchd. */
    volatile boolean running = true;

    FakeVswitchd(FakeOvsdb db) {
        this.db = db;
    }

    /** Applies the configuration if it is behind (the server calls this after each reply it sends). */
    void settle() {
        if (!running) {
            return;
        }
        Map<String, Object> root = db.rows("Open_vSwitch").get(0);
        long next = (Long) root.get("next_cfg");
        if ((Long) root.get("cur_cfg") >= next) {
            return;
        }
        Transaction.Builder tx = Transaction.builder();
        for (Map<String, Object> iface : db.rows("Interface")) {
            if (!((Set<?>) iface.get("ofport")).isEmpty()) {
                continue;
            }
            String name = (String) iface.get("name");
            String type = (String) iface.get("type");
            Long ifindex = type.isEmpty() || type.equals("system") ? devices.get(name)
                    : Long.valueOf(internalIfindex.incrementAndGet());
            Map<String, Object> set = ifindex == null
                    ? Map.of("ofport", Set.of(-1L), "error", Set.of("could not open network device " + name
                            + " (No such device)"))
                    : Map.of("ofport", Set.of(ofports.getAndIncrement()), "ifindex", Set.of(ifindex));
            tx.update("Interface", List.of(Condition.eq("_uuid", (UUID) iface.get("_uuid"))), Row.of(withSchema(set)));
        }
        tx.update("Open_vSwitch", List.of(), Row.of(Map.of("cur_cfg", next)));
        db.commit(tx.build());
    }

    /** ovs-vswitchd notices the kernel's devices anew: every system interface shows its device's ifindex (0 if gone). */
    void noticeDevices() {
        Transaction.Builder tx = Transaction.builder().comment("fake vswitchd: devices");
        for (Map<String, Object> iface : db.rows("Interface")) {
            String type = (String) iface.get("type");
            if ((type.isEmpty() || type.equals("system")) && !((Set<?>) iface.get("ofport")).isEmpty()) {
                tx.update("Interface", List.of(Condition.eq("_uuid", (UUID) iface.get("_uuid"))),
                        Row.of(withSchema(Map.of("ifindex", Set.of(devices.getOrDefault((String) iface.get("name"), 0L))))));
            }
        }
        db.commit(tx.build());
    }

    /** Leaves out columns the fake's schema lacks (an older server without {@code ifindex}). */
    private Map<String, Object> withSchema(Map<String, Object> columns) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        columns.forEach((c, v) -> {
            if (db.schema.column("Interface", c) != null) {
                out.put(c, v);
            }
        });
        return out;
    }
}
