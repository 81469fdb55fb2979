package io.overlaykit.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs one test class through the JUnit launcher in its own JVM, for {@link WithOverlayLifecycleIT}. */
public final class WithOverlayChild {
    private WithOverlayChild() {
    }

    public static void main(String[] args) throws Exception {
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Class.forName(args[0]))).build());
    }
}
