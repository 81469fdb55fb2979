package io.overlaykit.samples.agent;

import java.util.List;
import java.util.Map;

/**
 * The agent's extension point for encryption health: what it reports per WireGuard peer (for example
 * {@code peer}, {@code endpoint}, {@code lastHandshake}, {@code rxBytes}, {@code txBytes}) in the
 * {@code encryption} field of its {@link AgentReport}. The encryption work (WireGuard under the VXLAN) plugs in
 * here: for an encrypted spec, {@code overlay serve} reports {@code Overlay.tunnels(host)} (each peer's encryption
 * and last handshake, read from the WireGuard interface); {@link #NONE} reports nothing. Implementations must never
 * put a key into what they return.
 */
@FunctionalInterface
public interface EncryptionHealth {
    /** Reports nothing: the spec is not encrypted, or nothing reads its devices yet. */
    EncryptionHealth NONE = List::of;

    /**
     * Each peer's state now, as JSON-ready maps; empty when there is nothing to report.
     *
     * @return one map per peer
     */
    List<Map<String, Object>> peers();
}
