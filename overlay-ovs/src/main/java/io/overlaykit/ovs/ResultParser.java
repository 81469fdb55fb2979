package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.ovs.internal.OvsdbData;
import io.overlaykit.ovs.internal.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a {@code transact} result the way the OVS IDL does: an array of n entries (one per operation)
 * or n + 1 (an extra error from the commit itself); the first entry with an {@code error} fails the
 * transaction and the entries after it are null.
 */
final class ResultParser {
    /** Errors after which the same transaction may simply be sent again. */
    private static final Set<String> RETRYABLE = Set.of("timed out", "canceled");

    private ResultParser() {
    }

    static TransactResult parse(Transaction tx, JsonNode reply, String remote, String database) {
        int n = tx.size();
        if (reply == null || !reply.isArray()) {
            throw new BackendException("ovsdb " + remote + ": transact reply is not an array: " + shorten(reply));
        }
        if (reply.size() < n) {
            // RFC 7047: fewer results than operations only happens with an error entry among them.
            JsonNode err = firstError(reply);
            if (err == null) {
                throw new BackendException("ovsdb " + remote + ": transact reply has " + reply.size()
                        + " results for " + n + " operations");
            }
        }
        List<OperationResult> results = new ArrayList<>(n);
        for (int i = 0; i < reply.size(); i++) {
            JsonNode r = reply.get(i);
            if (r == null || r.isNull()) {
                // Only legal after a failed operation, which would have thrown already.
                throw new BackendException("ovsdb " + remote + ": result " + i + " of " + tx + " is null without an error");
            }
            if (r.has("error") && !r.get("error").isNull()) {
                throw error(tx, i, r, remote, database);
            }
            if (i < n) {
                results.add(operationResult(r));
            }
        }
        if (results.size() < n) {
            throw new BackendException("ovsdb " + remote + ": transact reply has " + reply.size()
                    + " results for " + n + " operations");
        }
        return new TransactResult(results);
    }

    private static JsonNode firstError(JsonNode reply) {
        for (JsonNode r : reply) {
            if (r != null && r.isObject() && r.has("error")) {
                return r;
            }
        }
        return null;
    }

    private static OvsdbOperationException error(Transaction tx, int i, JsonNode r, String remote, String database) {
        String error = r.get("error").asText();
        JsonNode d = r.get("details");
        String details = Redaction.scrub(d == null || d.isNull() ? null : d.asText(), tx.secrets());
        boolean inOps = i < tx.size();
        return new OvsdbOperationException(remote, database, i, inOps ? tx.op(i) : null, inOps ? tx.table(i) : null,
                error, details, RETRYABLE.contains(error));
    }

    private static OperationResult operationResult(JsonNode r) {
        UUID uuid = null;
        Long count = null;
        List<Row> rows = null;
        JsonNode u = r.get("uuid");
        if (u != null) {
            Object atom = OvsdbData.decodeAtom(u);
            if (atom instanceof UUID id) {
                uuid = id;
            }
        }
        JsonNode c = r.get("count");
        if (c != null && c.canConvertToLong()) {
            count = c.asLong();
        }
        JsonNode rs = r.get("rows");
        if (rs != null && rs.isArray()) {
            rows = new ArrayList<>();
            for (JsonNode row : rs) {
                rows.add(OvsdbData.decodeRow(row));
            }
        }
        return new OperationResult(uuid, count, rows);
    }

    private static String shorten(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
