/**
 * A host's part of a spec as data. A {@link io.overlaykit.core.plan.Plan} is an ordered list of
 * {@link io.overlaykit.core.plan.Step}s, each holding the {@link io.overlaykit.core.plan.Change}s it needs on
 * the host right now (none when it is done), computed from one observation of the host; each change
 * carries its inverse. {@link io.overlaykit.core.plan.Status} is a plan's drift;
 * {@link io.overlaykit.core.plan.ApplyResult} what an apply did; {@link io.overlaykit.core.plan.ProgressListener}
 * follows an apply step by step. Switch backends contribute their own {@link io.overlaykit.core.plan.SwitchChange}s.
 */
package io.overlaykit.core.plan;
