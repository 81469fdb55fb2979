package io.overlaykit.netlink.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.testing.Allocation;

/**
 * Fuzzes what the kernel sends back: a datagram split into messages ({@link NlMessage#parseAll}), each decoded
 * as every kind the socket reads (links, addresses, routes, neighbours/FDB, rules) and as an error/ACK with
 * its extended-ACK text. The only failure allowed is {@link BackendException} (a malformed message); anything
 * else (an index out of bounds, a negative size) is a finding. Allocation per datagram stays within 64 KiB
 * + 2 KiB per input byte: the codec slices the datagram and never allocates what a length field claims; what
 * grows with the input is objects per message and the refusals themselves (a message is at least 16 bytes and
 * each of the seven decoders may throw, with its stack trace: about 0.9 KiB per input byte measured).
 *
 * <p>{@code mvn verify} replays the committed inputs ({@code NetlinkMessagesFuzzTestInputs}: captured kernel
 * replies and past findings) and then fuzzes for {@code fuzz.seconds}; see README "Reliability".
 */
class NetlinkMessagesFuzzTest {
    static final long ALLOCATION_BOUND = 64 * 1024;
    static final long ALLOCATION_PER_BYTE = 2 * 1024;

    @FuzzTest(maxDuration = "15s")
    void datagram(byte[] data) {
        parse(data); // once unmeasured: class loading and lambda linkage are not the parser's allocations
        Allocation.bounded(ALLOCATION_BOUND + ALLOCATION_PER_BYTE * data.length,
                "parsing a " + data.length + "-byte datagram", () -> parse(data));
    }

    private static void parse(byte[] data) {
        java.util.List<NlMessage> messages;
        try {
            messages = NlMessage.parseAll(data, data.length);
        } catch (BackendException e) {
            return; // a malformed datagram: refused as a whole
        }
        for (NlMessage m : messages) {
            decodeAll(m);
        }
    }

    private static void decodeAll(NlMessage m) {
        Runnable[] decoders = {
            () -> RtnlMessages.decodeLink(m),
            () -> RtnlMessages.decodeAddress(m),
            () -> RtnlMessages.decodeRoute(m),
            () -> RtnlMessages.decodeNeigh(m),
            () -> RtnlMessages.decodeRule(m),
            m::errno,
            m::extAckMessage,
        };
        for (Runnable d : decoders) {
            try {
                d.run();
            } catch (BackendException e) {
                // a message too short for its kind: refused, typed
            }
        }
    }
}
