package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.internal.OvsdbData;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the monitor-requests of {@code monitor} / {@code monitor_cond}, leaving out tables and
 * columns the server's schema lacks (an older ovsdb-server must not make the whole monitor fail).
 */
final class MonitorCodec {
    private static final System.Logger LOG = System.getLogger(MonitorCodec.class.getName());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The requests object and the tables it covers. */
    record Encoded(ObjectNode requests, List<String> tables) {
    }

    private MonitorCodec() {
    }

    static Encoded encode(MonitorRequest request, DatabaseSchema schema, String remote) {
        ObjectNode requests = F.objectNode();
        List<String> tables = new ArrayList<>();
        for (MonitorRequest.TableSpec t : request.tables()) {
            if (!schema.hasTable(t.table())) {
                LOG.log(Level.WARNING, "ovsdb {0} has no table {1}: not monitored", remote, t.table());
                continue;
            }
            tables.add(t.table());
            ObjectNode req = F.objectNode();
            if (!t.columns().isEmpty()) {
                ArrayNode cols = req.putArray("columns");
                for (String col : t.columns()) {
                    if (schema.hasColumn(t.table(), col)) {
                        cols.add(col);
                    } else {
                        LOG.log(Level.DEBUG, "ovsdb {0} has no column {1}.{2}: not monitored", remote, t.table(), col);
                    }
                }
            }
            if (!t.where().isEmpty()) {
                req.set("where", OvsdbData.encodeWhere(t.where()));
            }
            requests.set(t.table(), request.conditional() ? F.arrayNode().add(req) : req);
        }
        return new Encoded(requests, tables);
    }
}
