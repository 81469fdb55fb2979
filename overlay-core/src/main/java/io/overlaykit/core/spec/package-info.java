/**
 * The overlay spec: the JSON document that describes one VXLAN overlay across several hosts
 * ({@link io.overlaykit.core.spec.OverlaySpec}), read with Jackson and validated as a whole, so that
 * every problem is reported with its JSON path and value before anything on a system changes.
 */
package io.overlaykit.core.spec;
