package io.overlaykit.netlink.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the kernel backends need. Every call reports failure as a
 * {@link LastErrorException}; {@link Sys} turns that into a typed exception naming the call.
 * Shared with the nftables binding of this module.
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_UNIX = 1;
    int AF_INET = 2;
    int AF_BRIDGE = 7;
    int AF_INET6 = 10;
    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_RCVTIMEO = 20;
    int SO_RCVBUFFORCE = 33;
    int MSG_TRUNC = 0x20;
    long MS_BIND = 4096;
    long MS_REC = 16384;
    long MS_SHARED = 1 << 20;
    int MNT_DETACH = 2;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int getsockname(int fd, byte[] address, int[] length) throws LastErrorException;

    long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int setsockopt(int fd, int level, int option, byte[] value, int length) throws LastErrorException;

    int getsockopt(int fd, int level, int option, byte[] value, int[] length) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int unshare(int flags) throws LastErrorException;

    int mount(String source, String target, String fsType, long flags, Pointer data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;

    int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    int if_nametoindex(String name) throws LastErrorException;

    String strerror(int errno);
}
