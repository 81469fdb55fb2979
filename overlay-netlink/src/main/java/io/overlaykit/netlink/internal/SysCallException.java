package io.overlaykit.netlink.internal;

/** A libc call failed; carries the call and errno. Converted to a public exception by callers. */
public final class SysCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public SysCallException(String call, int errno, Throwable cause) {
        super(call + ": " + Errno.describe(errno), cause);
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
