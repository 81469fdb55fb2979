package io.overlaykit.core.internal.wireguard;

import io.overlaykit.core.OverlayException;
import io.overlaykit.core.Secret;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WireGuard keys derived from a spec's psk, so that every host computes every peer's public key from the
 * shared spec and no key exchange step exists: a host's X25519 private key is HKDF-SHA256 (RFC 5869) of the
 * psk with the host's name in the info, clamped as X25519 requires; its public key is X25519(private, 9),
 * computed with the JDK's own X25519; the WireGuard preshared key (the same for every pair) is another HKDF
 * output of the psk. Keys are 32 bytes; WireGuard's tools show them in base64, its UAPI in hex.
 */
public final class WireGuardKeys {
    /** Bytes in every WireGuard key. */
    public static final int KEY_LENGTH = 32;
    private static final byte[] SALT = "overlaykit wireguard v1".getBytes(StandardCharsets.UTF_8);

    private WireGuardKeys() {
    }

    /** The private key of {@code host} for {@code psk} (clamped). */
    public static Secret privateKey(String psk, String host) {
        byte[] k = hkdf(psk, "private key\0" + host);
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
        try {
            return Secret.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The preshared key every pair of hosts of the overlay shares. */
    public static Secret presharedKey(String psk) {
        byte[] k = hkdf(psk, "preshared key");
        try {
            return Secret.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The public key of a 32-byte X25519 private key: X25519(k, 9), little-endian. */
    public static byte[] publicKey(Secret privateKey) {
        byte[] k = privateKey.bytes();
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, k));
            PublicKey base = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(base, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new OverlayException("X25519 is not available in this JDK: " + e.getMessage(), e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The base64 form {@code wg} uses. */
    public static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Parses a base64 public key as {@code wg pubkey} prints it.
     *
     * @throws IllegalArgumentException when it is no base64 text of 32 bytes
     */
    public static byte[] parseBase64(String text) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        if (k.length != KEY_LENGTH) {
            throw new IllegalArgumentException("decodes to " + k.length + " bytes, a WireGuard key has " + KEY_LENGTH);
        }
        return k;
    }

    /** HKDF-SHA256 of the psk with our salt, to one 32-byte block. */
    static byte[] hkdf(String psk, String info) {
        byte[] ikm = psk.getBytes(StandardCharsets.UTF_8);
        try {
            return hkdf(SALT, ikm, info.getBytes(StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** RFC 5869 HKDF-SHA256: extract, then the first 32-byte block of expand ({@code T(1)}). */
    static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info) {
        byte[] prk = null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new OverlayException("HmacSHA256 is not available in this JDK: " + e.getMessage(), e);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
        }
    }
}
