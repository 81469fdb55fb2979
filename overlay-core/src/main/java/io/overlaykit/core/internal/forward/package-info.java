/**
 * The userspace TCP forwarder behind {@link io.overlaykit.core.PortForward}: the selector loop, the
 * per-connection splice with back-pressure and half-close, the buffer pool and the PROXY v2 codec.
 * Not exported: the public API is {@code PortForward}.
 */
package io.overlaykit.core.internal.forward;
