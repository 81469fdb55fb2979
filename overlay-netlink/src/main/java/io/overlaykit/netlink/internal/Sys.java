package io.overlaykit.netlink.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/**
 * Checked wrappers over {@link LibC}: each turns {@link LastErrorException} into a
 * {@link SysCallException} that names the call and its argument.
 */
public final class Sys {
    private static final LibC C = LibC.INSTANCE;
    /** struct ifreq: 16 bytes of name, then a union whose first member is a pointer. */
    private static final int IFREQ_SIZE = 40;
    private static final long SIOCETHTOOL = 0x8946;

    private Sys() {
    }

    private static SysCallException fail(String call, LastErrorException e) {
        return new SysCallException(call, e.getErrorCode(), e);
    }

    public static int openReadOnly(String path) {
        try {
            return C.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw fail("open " + path, e);
        }
    }

    public static void close(int fd) {
        try {
            C.close(fd);
        } catch (LastErrorException e) {
            throw fail("close", e);
        }
    }

    /** Closes and ignores errors: for cleanup paths that already have an exception to report. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                C.close(fd);
            } catch (LastErrorException ignored) {
                // nothing useful to do: the fd is gone either way
            }
        }
    }

    public static void setns(int fd, String what) {
        try {
            C.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw fail("setns " + what, e);
        }
    }

    public static void unshareNet() {
        try {
            C.unshare(LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw fail("unshare(CLONE_NEWNET)", e);
        }
    }

    public static void mount(String source, String target, String type, long flags) {
        try {
            C.mount(source, target, type, flags, null);
        } catch (LastErrorException e) {
            throw fail("mount " + source + " on " + target, e);
        }
    }

    public static void umountDetach(String target) {
        try {
            C.umount2(target, LibC.MNT_DETACH);
        } catch (LastErrorException e) {
            throw fail("umount " + target, e);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        try {
            return C.socket(domain, type | LibC.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw fail("socket(" + domain + ", " + type + ", " + protocol + ")", e);
        }
    }

    public static void setsockopt(int fd, int level, int option, byte[] value, String what) {
        try {
            C.setsockopt(fd, level, option, value, value.length);
        } catch (LastErrorException e) {
            throw fail("setsockopt " + what, e);
        }
    }

    /** An int-valued socket option. */
    public static int getsockoptInt(int fd, int level, int option, String what) {
        byte[] value = new byte[4];
        int[] len = {4};
        try {
            C.getsockopt(fd, level, option, value, len);
        } catch (LastErrorException e) {
            throw fail("getsockopt " + what, e);
        }
        return java.nio.ByteBuffer.wrap(value).order(java.nio.ByteOrder.nativeOrder()).getInt();
    }

    public static void bind(int fd, byte[] address) {
        try {
            C.bind(fd, address, address.length);
        } catch (LastErrorException e) {
            throw fail("bind", e);
        }
    }

    public static byte[] getsockname(int fd, int size) {
        byte[] out = new byte[size];
        int[] len = {size};
        try {
            C.getsockname(fd, out, len);
        } catch (LastErrorException e) {
            throw fail("getsockname", e);
        }
        return out;
    }

    public static void send(int fd, byte[] message) {
        try {
            long n = C.send(fd, message, message.length, 0);
            if (n != message.length) {
                throw new SysCallException("send (short write " + n + "/" + message.length + ")", Errno.EAGAIN, null);
            }
        } catch (LastErrorException e) {
            throw fail("send", e);
        }
    }

    /** One datagram; returns its real length (may exceed the buffer: MSG_TRUNC). */
    public static int recv(int fd, byte[] buffer) {
        try {
            return (int) C.recv(fd, buffer, buffer.length, LibC.MSG_TRUNC);
        } catch (LastErrorException e) {
            throw fail("recv", e);
        }
    }

    /**
     * Runs an {@code ethtool_value} command ({@code cmd}, {@code data}) against interface {@code ifname}
     * through SIOCETHTOOL on {@code fd}; returns the data word the kernel wrote back.
     */
    public static int ethtoolValue(int fd, String ifname, int cmd, int data) {
        try (Memory value = new Memory(8); Memory ifreq = new Memory(IFREQ_SIZE)) {
            value.setInt(0, cmd);
            value.setInt(4, data);
            ifreq.clear();
            byte[] name = ifname.getBytes(StandardCharsets.UTF_8);
            ifreq.write(0, name, 0, Math.min(name.length, 15));
            ifreq.setPointer(16, value);
            C.ioctl(fd, SIOCETHTOOL, ifreq);
            return value.getInt(4);
        } catch (LastErrorException e) {
            throw fail("ioctl SIOCETHTOOL 0x" + Integer.toHexString(cmd) + " " + ifname, e);
        }
    }
}
