package io.overlaykit.core.internal.forward;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, reused. Confined to the selector thread, so it needs no locking. A
 * connection holds a buffer only while bytes wait for a slow writer; an idle connection holds none,
 * which keeps a thousand quiet connections from pinning a thousand large buffers.
 */
final class BufferPool {
    private final int bufferSize;
    private final int maxIdle;
    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    private int allocated;

    BufferPool(int bufferSize, int maxIdle) {
        this.bufferSize = bufferSize;
        this.maxIdle = maxIdle;
    }

    /** A cleared direct buffer of {@link #bufferSize()} bytes. */
    ByteBuffer acquire() {
        ByteBuffer buffer = idle.pollFirst();
        if (buffer == null) {
            allocated++;
            return ByteBuffer.allocateDirect(bufferSize);
        }
        return buffer.clear();
    }

    /** Gives a buffer back; buffers that did not come from this pool (a PROXY header) are dropped. */
    void release(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == bufferSize && idle.size() < maxIdle) {
            idle.addFirst(buffer); // LIFO: the most recently used buffer is the warmest in cache
        }
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Buffers allocated over the pool's life (for tests and diagnostics). */
    int allocated() {
        return allocated;
    }

    void clear() {
        idle.clear();
    }
}
