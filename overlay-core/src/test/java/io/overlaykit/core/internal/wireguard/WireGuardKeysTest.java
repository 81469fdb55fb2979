package io.overlaykit.core.internal.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Secret;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WireGuardKeysTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void publicKeyMatchesRfc7748Vectors() {
        // RFC 7748 section 6.1: Alice's and Bob's private and public keys
        Secret alice = Secret.of(HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        assertThat(HEX.formatHex(WireGuardKeys.publicKey(alice)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        Secret bob = Secret.of(HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        assertThat(HEX.formatHex(WireGuardKeys.publicKey(bob)))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] ikm = new byte[22];
        java.util.Arrays.fill(ikm, (byte) 0x0b);
        byte[] okm = WireGuardKeys.hkdf(HEX.parseHex("000102030405060708090a0b0c"), ikm,
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"));
        // the first 32 of the 42 bytes of OKM in RFC 5869 appendix A.1
        assertThat(HEX.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
    }

    @Test
    void derivedKeysAreStableAndDistinct() {
        // stable: the same psk and host give the same key; another host or psk another one
        Secret a = WireGuardKeys.privateKey("okcore-psk-1", "hostA");
        assertThat(a).isEqualTo(WireGuardKeys.privateKey("okcore-psk-1", "hostA"));
        assertThat(a).isNotEqualTo(WireGuardKeys.privateKey("okcore-psk-1", "hostB"));
        assertThat(a).isNotEqualTo(WireGuardKeys.privateKey("okcore-psk-2", "hostA"));
        assertThat(WireGuardKeys.presharedKey("okcore-psk-1")).isNotEqualTo(a);
    }

    @Test
    void privateKeysAreClamped() {
        byte[] k = WireGuardKeys.privateKey("okcore-psk-1", "hostA").bytes();
        assertThat(k).hasSize(32);
        assertThat(k[0] & 7).isZero();
        assertThat(k[31] & 0x80).isZero();
        assertThat(k[31] & 0x40).isEqualTo(0x40);
    }

    @Test
    void secretsNeverPrint() {
        Secret s = WireGuardKeys.privateKey("okcore-psk-1", "hostA");
        assertThat(s.toString()).isEqualTo("<redacted>");
        assertThat(s.hashCode()).isEqualTo(WireGuardKeys.presharedKey("x").hashCode());
    }

    @Test
    void base64KeysAreChecked() {
        String pub = WireGuardKeys.base64(WireGuardKeys.publicKey(WireGuardKeys.privateKey("p", "h")));
        assertThat(WireGuardKeys.parseBase64(pub)).hasSize(32);
        assertThatThrownBy(() -> WireGuardKeys.parseBase64("abc")).hasMessageContaining("bytes");
        assertThatThrownBy(() -> WireGuardKeys.parseBase64("!!!")).hasMessageContaining("base64");
    }
}
