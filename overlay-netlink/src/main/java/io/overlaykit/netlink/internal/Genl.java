package io.overlaykit.netlink.internal;

import java.util.Optional;

/**
 * Generic netlink (linux/genetlink.h): the protocol number, the 4-byte family header every message carries
 * after the netlink header, and the controller family ({@code nlctrl}) that maps family names to the ids
 * used as message types. Pure: builds requests and reads replies; the socket is {@link NetlinkSocket}.
 */
public final class Genl {
    private Genl() {
    }

    /** The netlink protocol number of generic netlink. */
    public static final int NETLINK_GENERIC = 16;
    /** struct genlmsghdr: u8 cmd, u8 version, u16 reserved. */
    public static final int GENL_HDRLEN = 4;
    /** The controller's fixed family id (GENL_ID_CTRL). */
    public static final int GENL_ID_CTRL = 0x10;
    /** CTRL_CMD_NEWFAMILY: the controller's answer about a family. */
    public static final int CTRL_CMD_NEWFAMILY = 1;
    /** CTRL_CMD_GETFAMILY: asks for a family by name. */
    public static final int CTRL_CMD_GETFAMILY = 3;
    /** The controller's protocol version. */
    public static final int CTRL_VERSION = 2;
    /** CTRL_ATTR_FAMILY_ID: u16. */
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    /** CTRL_ATTR_FAMILY_NAME: NUL-terminated string. */
    public static final int CTRL_ATTR_FAMILY_NAME = 2;

    /**
     * A generic-netlink request: the netlink header with {@code familyId} as type, then the family header.
     *
     * @param familyId the family's id (the message type)
     * @param flags netlink flags (NLM_F_REQUEST is added)
     * @param cmd the family's command
     * @param version the family's protocol version
     * @return a writer positioned after the family header, for the attributes
     */
    public static NlWriter request(int familyId, int flags, int cmd, int version) {
        return new NlWriter(familyId, Rtnl.NLM_F_REQUEST | flags).u8(cmd).u8(version).u16(0);
    }

    /** GENL_NAMSIZ: a family name and its NUL. */
    public static final int GENL_NAMSIZ = 16;

    /**
     * CTRL_CMD_GETFAMILY for the family called {@code name}, answered with its id or ENOENT.
     *
     * @throws IllegalArgumentException when the name is longer than a family name can be (the kernel's policy
     *     would refuse it with EINVAL)
     */
    public static NlWriter getFamily(String name) {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= GENL_NAMSIZ) {
            throw new IllegalArgumentException("generic netlink family name '" + name + "' is not 1 to "
                    + (GENL_NAMSIZ - 1) + " bytes");
        }
        return request(GENL_ID_CTRL, Rtnl.NLM_F_ACK, CTRL_CMD_GETFAMILY, CTRL_VERSION)
                .attrString(CTRL_ATTR_FAMILY_NAME, name);
    }

    /** The command byte of a generic-netlink message. */
    public static int command(NlMessage m) {
        return m.u8(0);
    }

    /**
     * The id of family {@code name} in the controller's reply; empty when the reply names another family.
     *
     * @throws NlFormatException when the reply is malformed or has no id
     */
    public static Optional<Integer> familyId(NlMessage reply, String name) {
        if (reply.type() != GENL_ID_CTRL || command(reply) != CTRL_CMD_NEWFAMILY) {
            throw new NlFormatException("unexpected answer to CTRL_CMD_GETFAMILY " + name + ": " + reply);
        }
        NlAttrs a = NlAttrs.parseStrict(reply.body(), GENL_HDRLEN, reply.body().limit(), "nlctrl family " + name);
        if (!name.equals(a.string(CTRL_ATTR_FAMILY_NAME))) {
            return Optional.empty();
        }
        Integer id = a.u16(CTRL_ATTR_FAMILY_ID);
        if (id == null) {
            throw new NlFormatException("nlctrl answer for family " + name + " carries no CTRL_ATTR_FAMILY_ID");
        }
        return Optional.of(id);
    }
}
