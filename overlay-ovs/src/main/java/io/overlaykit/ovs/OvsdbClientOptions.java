package io.overlaykit.ovs;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link OvsdbClient}. Defaults: database {@code Open_vSwitch}, 10 s per call, 5 s to
 * connect, an echo probe after 5 s of silence, reconnect with backoff from 1 s doubling to 8 s,
 * messages up to 64 MiB.
 */
public record OvsdbClientOptions(String database, Duration callTimeout, Duration connectTimeout,
                                 Duration probeInterval, boolean reconnect, Duration minBackoff,
                                 Duration maxBackoff, long maxFrameBytes, SocketOpener socketOpener) {

    /**
     * Opens the unconnected TCP socket of a {@code tcp:}/{@code ssl:} connection: where the socket is created
     * decides which network namespace it belongs to, so a caller whose server lives in another namespace (a lab
     * host's) opens it there; the client connects it. Null: an ordinary socket of this process's namespace.
     */
    @FunctionalInterface
    public interface SocketOpener {
        /** A new, unconnected, blocking TCP socket channel. */
        java.nio.channels.SocketChannel open() throws java.io.IOException;
    }

    /** Options as above, with an ordinary socket. */
    public OvsdbClientOptions(String database, Duration callTimeout, Duration connectTimeout, Duration probeInterval,
                              boolean reconnect, Duration minBackoff, Duration maxBackoff, long maxFrameBytes) {
        this(database, callTimeout, connectTimeout, probeInterval, reconnect, minBackoff, maxBackoff, maxFrameBytes,
                null);
    }

    /**
     * Requires {@code database}.
     * @throws IllegalArgumentException if a timeout, the probe interval or a backoff is null, zero or negative, or
     *     {@code maxFrameBytes} is below 1024
     */
    public OvsdbClientOptions {
        Objects.requireNonNull(database, "database");
        positive(callTimeout, "callTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(probeInterval, "probeInterval");
        positive(minBackoff, "minBackoff");
        positive(maxBackoff, "maxBackoff");
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024");
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The defaults listed above. */
    public static OvsdbClientOptions defaults() {
        return new OvsdbClientOptions("Open_vSwitch", Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(5), true, Duration.ofSeconds(1), Duration.ofSeconds(8), 64L << 20);
    }

    /** These options for another database on the server (e.g. {@code OVN_Northbound}). */
    public OvsdbClientOptions withDatabase(String db) {
        return new OvsdbClientOptions(db, callTimeout, connectTimeout, probeInterval, reconnect, minBackoff,
                maxBackoff, maxFrameBytes, socketOpener);
    }

    /** These options with another per-call timeout (a timed-out call is cancelled on the server). */
    public OvsdbClientOptions withCallTimeout(Duration d) {
        return new OvsdbClientOptions(database, d, connectTimeout, probeInterval, reconnect, minBackoff,
                maxBackoff, maxFrameBytes, socketOpener);
    }

    /** These options with another silence after which an echo probes the connection. */
    public OvsdbClientOptions withProbeInterval(Duration d) {
        return new OvsdbClientOptions(database, callTimeout, connectTimeout, d, reconnect, minBackoff,
                maxBackoff, maxFrameBytes, socketOpener);
    }

    /** These options with reconnecting after a lost connection on or off. */
    public OvsdbClientOptions withReconnect(boolean on) {
        return new OvsdbClientOptions(database, callTimeout, connectTimeout, probeInterval, on, minBackoff,
                maxBackoff, maxFrameBytes, socketOpener);
    }

    /** These options with another reconnect backoff: from {@code min}, doubling up to {@code max}. */
    public OvsdbClientOptions withBackoff(Duration min, Duration max) {
        return new OvsdbClientOptions(database, callTimeout, connectTimeout, probeInterval, reconnect, min, max,
                maxFrameBytes, socketOpener);
    }

    /** These options with another limit on one received JSON message (at least 1024 bytes). */
    public OvsdbClientOptions withMaxFrameBytes(long bytes) {
        return new OvsdbClientOptions(database, callTimeout, connectTimeout, probeInterval, reconnect, minBackoff,
                maxBackoff, bytes, socketOpener);
    }

    /** These options with TCP sockets opened by {@code opener} (null: ordinary sockets). */
    public OvsdbClientOptions withSocketOpener(SocketOpener opener) {
        return new OvsdbClientOptions(database, callTimeout, connectTimeout, probeInterval, reconnect, minBackoff,
                maxBackoff, maxFrameBytes, opener);
    }
}
