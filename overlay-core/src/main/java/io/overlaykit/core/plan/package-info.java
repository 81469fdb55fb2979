/**
 * Planning and applying a spec on one host: {@link io.overlaykit.core.plan.Planner} turns the host's
 * part of the spec into ordered {@link io.overlaykit.core.plan.Step}s, each with its inverse and an
 * "already done" check; {@link io.overlaykit.core.plan.OverlayEngine} applies them idempotently and
 * rolls back on failure; {@link io.overlaykit.core.plan.Teardown} removes our objects by their tags;
 * {@link io.overlaykit.core.plan.Status} lists drift. {@link io.overlaykit.core.plan.Names} derives
 * every interface name, MAC and tag.
 */
package io.overlaykit.core.plan;
