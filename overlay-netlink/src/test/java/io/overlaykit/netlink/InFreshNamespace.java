package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Links;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the integration tests that work in one throwaway namespace per test: {@code oknl-TAG-PID}, made
 * through the module itself before each test and deleted after it, also when the test fails.
 */
abstract class InFreshNamespace {
    /** The namespace's name, for the {@code ip netns exec} oracles. */
    protected final String NS;
    protected NetlinkStack stack;
    protected NetNamespace ns;
    protected Links links;

    InFreshNamespace(String tag) {
        NS = "oknl-" + tag + "-" + ProcessHandle.current().pid();
    }

    @BeforeEach
    void createNamespace() {
        Oracle.requirePrerequisites();
        stack = NetlinkStack.open();
        ns = stack.namespaces().create(NS);
        links = stack.links(ns);
    }

    @AfterEach
    void deleteNamespace() {
        try {
            stack.namespaces().delete(NS);
        } finally {
            stack.close();
        }
    }
}
