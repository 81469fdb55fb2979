package io.overlaykit.core.testing;

/**
 * TEST ONLY: whether the tests run under CI, where a missing prerequisite fails instead of skipping.
 * {@code CI} counts as set for any non-empty value other than {@code false} ({@code true}, {@code 1},
 * {@code yes}: what CI systems export), so that {@code CI=1} can never skip the integration tests silently.
 * The modules below the testkit use this class (overlay-core's test jar); the testkit and everything above
 * it use {@code LabPrerequisites.underCi()}, which applies the same rule (a testkit test checks they agree).
 */
public final class Ci {
    private Ci() {
    }

    /** True when this process runs under CI. */
    public static boolean isSet() {
        return isSet(System.getenv("CI"));
    }

    /** The rule applied to a value of {@code CI} (null when unset). */
    public static boolean isSet(String value) {
        return value != null && !value.isBlank() && !value.trim().equalsIgnoreCase("false");
    }
}
