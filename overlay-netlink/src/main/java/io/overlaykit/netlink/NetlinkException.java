package io.overlaykit.netlink;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.netlink.internal.Errno;

/**
 * The kernel refused a netlink request or a system call. Carries the operation, the namespace, the errno
 * (number and name) and the kernel's extended-ACK text, e.g.
 * {@code create veth 'podA-ovs' in namespace hostA: File exists (EEXIST)}. EEXIST surfaces as a
 * {@link ConflictException} and ENODEV/ENOENT as a {@link NotFoundException}, each with this exception
 * as its cause, so the errno stays accessible through {@link #errnoOf(Throwable)}.
 */
public final class NetlinkException extends BackendException {
    private static final long serialVersionUID = 1L;
    /** What was asked, e.g. {@code create veth 'podA-ovs'}. */
    private final String operation;
    /** The display name of the namespace it was asked in. */
    private final String namespace;
    /** The kernel's errno (positive). */
    private final int errno;
    /** The kernel's extended-ACK text, or null. */
    private final String kernelMessage;

    /**
     * A refusal; EAGAIN and EBUSY make it retryable.
     *
     * @param operation what was asked, e.g. {@code create veth 'podA-ovs'}
     * @param namespace the namespace's display name
     * @param errno the kernel's errno (positive)
     * @param kernelMessage the extended-ACK text, or null
     * @param cause the underlying error, or null
     */
    public NetlinkException(String operation, String namespace, int errno, String kernelMessage, Throwable cause) {
        super(render(operation, namespace, errno, kernelMessage), cause, errno == Errno.EAGAIN || errno == Errno.EBUSY);
        this.operation = operation;
        this.namespace = namespace;
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    static String render(String operation, String namespace, int errno, String kernelMessage) {
        return operation + " in namespace " + namespace + ": " + Errno.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " - kernel says: " + kernelMessage);
    }

    /** The operation, e.g. {@code create veth 'podA-ovs'}. */
    public String operation() {
        return operation;
    }

    /** The namespace's display name. */
    public String namespace() {
        return namespace;
    }

    /** The kernel's errno (positive), e.g. 17 for EEXIST. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code EEXIST}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The kernel's extended-ACK message, or null when it sent none. */
    public String kernelMessage() {
        return kernelMessage;
    }

    /** The errno carried by {@code t} or its causes, or 0. */
    public static int errnoOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NetlinkException n) {
                return n.errno;
            }
        }
        return 0;
    }

    /** The typed exception for a failure: conflict for EEXIST, not-found for ENODEV/ENOENT, else this. */
    static OverlayException typed(String operation, String namespace, int errno, String kernelMessage, Throwable cause) {
        NetlinkException e = new NetlinkException(operation, namespace, errno, kernelMessage, cause);
        if (errno == Errno.EEXIST) {
            return new ConflictException(e.getMessage(), e);
        }
        if (errno == Errno.ENODEV || errno == Errno.ENOENT) {
            return new NotFoundException(e.getMessage(), e);
        }
        return e;
    }
}
