package io.overlaykit.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret bytes: a pre-shared key, a WireGuard private key or preshared key. Never printed
 * ({@link #toString()} and JSON give {@code <redacted>}); {@link #equals} compares in constant time and
 * {@link #hashCode()} is the same for every secret, so neither leaks the bytes. The bytes are copied in and
 * out; only the backend that sends them somewhere asks for them.
 */
public final class Secret {
    /** What every secret prints as. */
    public static final String REDACTED = "<redacted>";

    private final byte[] bytes;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A secret holding a copy of {@code bytes}. */
    public static Secret of(byte[] bytes) {
        return new Secret(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** A secret holding the UTF-8 bytes of {@code text}. */
    public static Secret ofText(String text) {
        return new Secret(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many bytes it holds. */
    public int length() {
        return bytes.length;
    }

    /** Whether every byte is zero (an unset WireGuard key reads back as 32 zero bytes). */
    public boolean isZero() {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    /** Compares the bytes in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(bytes, s.bytes);
    }

    /** The same for every secret: a hash of the bytes would tell something about them. */
    @Override
    public int hashCode() {
        return 0x5ec2e7;
    }

    /** Overwrites the bytes with zeros; the secret is unusable afterwards. */
    public void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    @JsonValue
    @Override
    public String toString() {
        return REDACTED;
    }
}
