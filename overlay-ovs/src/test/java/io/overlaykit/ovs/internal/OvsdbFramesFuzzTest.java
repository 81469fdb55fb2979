package io.overlaykit.ovs.internal;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.testing.Allocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Fuzzes what an OVSDB server sends: a byte stream split into JSON-RPC messages by {@link JsonFrameReader}
 * (concatenated JSON values, a frame limit), and every JSON value inside each message decoded as a datum and
 * every object as a row by {@link OvsdbData}, as the client does with results and monitor updates. Allowed:
 * {@link IOException} from the reader (not JSON, over the limit) and {@link OvsdbData.MalformedDatumException}
 * from the codec; anything else is a finding. Allocation per stream stays within 2 MiB + 512 B per input
 * byte (a Jackson tree is a few hundred bytes per value; nothing is sized from what the peer claims).
 *
 * <p>{@code mvn verify} replays the committed inputs ({@code OvsdbFramesFuzzTestInputs}) and fuzzes for
 * {@code fuzz.seconds}; see README "Reliability".
 */
class OvsdbFramesFuzzTest {
    /** The frame limit of the fuzzed reader: small, so that the limit itself is reached by the fuzzer. */
    static final int MAX_FRAME = 4096;
    static final long ALLOCATION_BOUND = 2L << 20;

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"\"set\"", "\"map\"", "\"uuid\"", "\"named-uuid\"", "\"result\"", "\"error\"", "\"id\"",
            "\"method\"", "\"params\"", "\"update\"", "\"rows\"", "\"_uuid\"", "\"initial\"", "\"new\"", "\"old\"",
            "\"insert\"", "\"delete\"", "\"modify\"", "2f1a64e4-bd48-4d48-8f52-0b5a2b9d2f61"})
    void stream(byte[] data) {
        read(data); // once unmeasured: class loading is not the parser's allocation
        Allocation.bounded(ALLOCATION_BOUND + 512L * data.length, "reading a " + data.length + "-byte stream",
                () -> read(data));
    }

    private static void read(byte[] data) {
        try (JsonFrameReader reader = new JsonFrameReader(new ByteArrayInputStream(data), MAX_FRAME)) {
            for (JsonNode frame; (frame = reader.next()) != null; ) {
                decodeEverything(frame);
            }
        } catch (IOException e) {
            // not JSON, cut short, or over the frame limit: the connection would fail with this
        }
    }

    /** Every value of the message as a datum, every object as a row: a superset of what the client decodes. */
    private static void decodeEverything(JsonNode frame) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(frame);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            try {
                OvsdbData.decode(node);
            } catch (OvsdbData.MalformedDatumException e) {
                // refused, typed
            }
            if (node.isObject()) {
                try {
                    OvsdbData.decodeRow(node);
                } catch (OvsdbData.MalformedDatumException e) {
                    // refused, typed
                }
            }
            node.elements().forEachRemaining(todo::push);
        }
    }
}
