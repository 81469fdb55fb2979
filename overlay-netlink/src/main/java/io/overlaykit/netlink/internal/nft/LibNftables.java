package io.overlaykit.netlink.internal.nft;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few functions of {@code libnftables.so.1} we call (see libnftables(3)). Package-private: only
 * {@link Nft} touches native code, and it turns every failure into a typed exception at this boundary.
 */
interface LibNftables extends Library {
    /** {@code NFT_CTX_DEFAULT}. */
    int NFT_CTX_DEFAULT = 0;
    /** {@code NFT_CTX_OUTPUT_JSON}: list output as JSON, and accept JSON input. */
    int NFT_CTX_OUTPUT_JSON = 1 << 4;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    Pointer nft_ctx_get_output_buffer(Pointer ctx);

    Pointer nft_ctx_get_error_buffer(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, byte[] nulTerminatedCommand);

    /** Loads the library once, on first use, so that a missing library fails where it is needed. */
    final class Holder {
        static final LibNftables INSTANCE = Native.load("libnftables.so.1", LibNftables.class);

        private Holder() {
        }
    }
}
