package io.overlaykit.ovs;

import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.SwitchChange;
import java.util.Objects;

/**
 * A port change of Open vSwitch as a change of the engine's plan: consecutive ones run as one OVSDB
 * transaction ({@link OvsSwitch#execute}). The inverse comes from the port as the view showed it; a removal
 * of a port that cannot be re-created (no interface, no owner) has none.
 */
public record OvsChange(PortChange port) implements SwitchChange {
    /** Requires {@code port}. */
    public OvsChange {
        Objects.requireNonNull(port, "port");
    }

    @Override
    public Change inverse() {
        try {
            return new OvsChange(port.inverse());
        } catch (IllegalStateException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        if (port instanceof PortChange.Add a) {
            return "add " + (a.ovsPort().type().isEmpty() ? "port " : a.ovsPort().type() + " port ") + a.port()
                    + " to " + a.bridge() + (a.isProtected() ? " (split horizon)" : "");
        }
        if (port instanceof PortChange.Remove r) {
            return "remove port " + r.port() + " from " + r.bridge();
        }
        PortChange.SetProtected p = (PortChange.SetProtected) port;
        return "set split horizon " + (p.value() ? "on" : "off") + " on port " + p.port() + " of " + p.bridge();
    }
}
