package io.overlaykit.netlink.internal.nft;

import com.sun.jna.Pointer;
import io.overlaykit.core.BackendException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one nft command (text or a JSON batch) through libnftables in the calling thread's network
 * namespace: libnftables opens its netlink socket in the thread that runs the command, so callers that
 * target another namespace call this on a thread that entered it.
 *
 * <p>Every call uses a fresh context and frees it, so no socket outlives the namespace switch.
 */
public final class Nft {
    /** Hard cap on a command we send; our tables are a few kilobytes. */
    static final int MAX_COMMAND_BYTES = 4 << 20;

    /**
     * libnftables keeps a little process-wide state (symbol tables, the parser's scanner setup); one
     * command at a time keeps that safe, and commands take milliseconds.
     */
    private static final ReentrantLock LOCK = new ReentrantLock();

    private Nft() {
    }

    /**
     * Runs {@code command} and returns what libnftables printed (JSON when {@code jsonOutput}).
     * A JSON batch is accepted as input either way; libnftables runs it as one transaction.
     *
     * @param what the operation, the object and the namespace, for the exception message
     * @throws BackendException with libnftables' own error text when the command fails
     */
    public static String run(String command, boolean jsonOutput, String what) {
        byte[] utf8 = command.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_COMMAND_BYTES) {
            throw new BackendException(what + ": nft command of " + utf8.length + " bytes exceeds "
                    + MAX_COMMAND_BYTES);
        }
        byte[] nulTerminated = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, nulTerminated, 0, utf8.length);
        LibNftables lib = library(what);
        LOCK.lock();
        try {
            LowDescriptors.release(what); // libnftables' socket must get a number below 1024 (select(2))
            Pointer ctx = lib.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
            if (ctx == null) {
                throw new BackendException(what + ": nft_ctx_new failed");
            }
            try {
                // JSON output also makes libnftables try its JSON parser on the input first.
                lib.nft_ctx_output_set_flags(ctx, jsonOutput || isJson(command)
                        ? LibNftables.NFT_CTX_OUTPUT_JSON : 0);
                if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
                    throw new BackendException(what + ": libnftables could not buffer its output");
                }
                int rc = lib.nft_run_cmd_from_buffer(ctx, nulTerminated);
                String out = string(lib.nft_ctx_get_output_buffer(ctx));
                if (rc != 0) {
                    String errors = string(lib.nft_ctx_get_error_buffer(ctx));
                    throw new BackendException(what + ": " + NftErrors.summary(errors));
                }
                return out;
            } finally {
                lib.nft_ctx_free(ctx);
            }
        } finally {
            try {
                LowDescriptors.fill();
            } catch (RuntimeException e) {
                // out of descriptors: the next call reports it clearly (LowDescriptors.release)
            } finally {
                LOCK.unlock();
            }
        }
    }

    /**
     * Sets aside a few descriptors below 1024 for libnftables while the process still has few open (see
     * {@link LowDescriptors}); called when a stack opens, and harmless to call again.
     */
    public static void reserveLowDescriptors() {
        LOCK.lock();
        try {
            LowDescriptors.fill();
        } catch (RuntimeException e) {
            // no descriptor to spare now: Nft.run fills it later, or says why it cannot run
        } finally {
            LOCK.unlock();
        }
    }

    private static boolean isJson(String command) {
        return command.stripLeading().startsWith("{");
    }

    private static LibNftables library(String what) {
        try {
            return LibNftables.Holder.INSTANCE;
        } catch (LinkageError e) {
            throw new BackendException(what + ": cannot load libnftables.so.1 (install the nftables package)", e);
        }
    }

    private static String string(Pointer p) {
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }
}
