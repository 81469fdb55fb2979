package io.overlaykit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Brings up a whole overlay from a spec for a test class or a test method, the way Testcontainers brings up a
 * container: a virtual {@link Lab} shaped like the spec ({@link LabOverlay#labFor}), every host applied, and an
 * {@link OverlayHandle} injected into any test, lifecycle method or constructor that declares one.
 *
 * <pre>{@code
 * @WithOverlay("specs/two-hosts.json")          // a class-path resource (src/test/resources) or a file path
 * class ShopIT {
 *     @Test void clientReachesServer(OverlayHandle overlay) {
 *         String reply = overlay.container("client").exec("wget", "-q", "-O", "-", "http://172.16.0.10:8080/");
 *         assertThat(reply).isEqualTo("hello from server\n");
 *     }
 * }
 * }</pre>
 *
 * <p>Lifecycle: on a class, one overlay for all its tests ({@link Lifecycle#PER_CLASS}, the default; {@code @Nested}
 * classes share it) or a fresh one per test ({@link Lifecycle#PER_METHOD}); on a method, that method's own.
 * Everything is removed when its scope ends, also when a test fails; when the JVM exits, the lab's shutdown hook
 * removes it, and when the JVM is killed, the next lab start's sweeper does.
 *
 * <p>Parallel test classes: every overlay gets its own spec name — the spec's name plus {@code -} and four random
 * characters, e.g. {@code shop-k3x9} — which is also its lab's prefix, so two classes may run the same spec at the
 * same time. Addresses stay exactly as the spec says: each lab is its own set of namespaces (hosts, wire, outside)
 * with its own OVS daemons and podman service, so equal addresses in two labs never meet. Container names are
 * therefore {@code <name>-<random>-<container>}; ask {@link OverlayContainer#podmanName()}.
 *
 * <p>Without root or a needed program the test is skipped with one line saying why, unless {@code CI=true},
 * where it fails.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(OverlayExtension.class)
public @interface WithOverlay {
    /**
     * The spec: a class-path resource such as {@code specs/shop.json} (looked up first, from the test class's
     * class loader), else a file path, relative to the working directory.
     *
     * @return the spec's resource name or path
     */
    String value();

    /**
     * How long one overlay lives when the annotation is on a class; ignored on a method.
     *
     * @return {@link Lifecycle#PER_CLASS} unless told otherwise
     */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** How long one overlay lives. */
    enum Lifecycle {
        /** One overlay for every test of the class (and its {@code @Nested} classes), removed after the last. */
        PER_CLASS,
        /** A fresh overlay for every test, removed after it. */
        PER_METHOD
    }
}
