package io.overlaykit.core.spec;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.testing.Allocation;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes the spec reader: any bytes through {@link OverlaySpec#read(java.io.InputStream)}. Allowed: a spec, or
 * {@link InvalidSpecException} naming at least one problem with a path; anything else (a
 * NullPointerException on a missing field, an exception from a value type that escaped the reader) is a
 * finding. Allocation per input stays within 8 MiB + 1 KiB per input byte (a Jackson tree and a list of
 * problems per field; 4 MiB held until the spec gained names, IPv6, encryption and OVN rules, whose classes the
 * fuzzer's instrumentation can still be loading in the measured read: a 407-byte input once allocated 4.9 MB).
 *
 * <p>{@code mvn verify} replays the committed inputs ({@code SpecReaderFuzzTestInputs}: the bundled specs and
 * past findings) and fuzzes for {@code fuzz.seconds}; see README "Reliability".
 */
class SpecReaderFuzzTest {
    static final long ALLOCATION_BOUND = 8L << 20;

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"\"name\"", "\"vni\"", "\"subnet\"", "\"switch\"", "\"ovs\"", "\"linux\"", "\"mtu\"",
            "\"udpPort\"", "\"psk\"", "\"dns\"", "\"hosts\"", "\"lab\"", "\"outside\"", "\"underlay\"", "\"gateway\"",
            "\"uplink\"", "\"egress\"", "\"containers\"", "\"forwards\"", "\"ip\"", "\"image\"", "\"command\"",
            "\"existing\"", "\"listen\"", "\"target\"", "\"mode\"", "\"dnat\"", "\"userspace\"", "\"protocol\"",
            "\"udp\"", "\"proxyProtocol\"", "\"172.16.0.0/24\"", "\"172.16.0.10\"", "\"192.0.2.5:1234\"", "true",
            "\"[::1]:80\""})
    void spec(byte[] data) {
        read(data); // once unmeasured: class loading is not the reader's allocation
        Allocation.bounded(ALLOCATION_BOUND + 1024L * data.length, "reading a " + data.length + "-byte spec",
                () -> read(data));
    }

    private static void read(byte[] data) {
        try {
            OverlaySpec spec = OverlaySpec.read(new ByteArrayInputStream(data));
            spec.validate(); // a spec that was read is valid by the same rules when checked again
            for (HostSpec h : spec.hosts()) {
                spec.peersOf(h.name());
            }
        } catch (InvalidSpecException e) {
            if (e.problems().isEmpty() || e.problems().stream().anyMatch(p -> p.path() == null || p.reason() == null)) {
                throw new AssertionError("a refusal must name each problem's path and reason: " + e.problems(), e);
            }
        }
    }
}
