package io.overlaykit.core;

/** A VXLAN network identifier (24 bits: 0 to 16777215). Also the OVS tunnel {@code key}. */
public record Vni(int value) {
    /** The largest VNI, 2<sup>24</sup> - 1 = 16777215. */
    public static final int MAX = (1 << 24) - 1;

    /** @throws InvalidSpecException if {@code value} is outside 0..{@link #MAX} */
    public Vni {
        if (value < 0 || value > MAX) {
            throw new InvalidSpecException("vni", value, "must be between 0 and " + MAX);
        }
    }

    /** Shorthand for {@code new Vni(value)}. */
    public static Vni of(int value) {
        return new Vni(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
