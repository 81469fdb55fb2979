/**
 * The OVN switch backend ({@code "switch": "ovn"}): {@link io.overlaykit.ovn.OvnSwitch} and the typed model of the
 * northbound tables it uses ({@link io.overlaykit.ovn.Northbound}).
 */
package io.overlaykit.ovn;
