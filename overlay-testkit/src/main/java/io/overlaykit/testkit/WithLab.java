package io.overlaykit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class one {@link Lab}, started before its first test that asks for it and closed after its
 * last: declare a {@code Lab} parameter on a test, {@code @BeforeAll} or {@code @BeforeEach} method. Hosts
 * are named {@code hostA}, {@code hostB}, ... with underlay addresses {@code 192.0.2.2/24},
 * {@code 192.0.2.3/24}, ...; the outside namespace has {@code 192.0.2.100/24}.
 *
 * <pre>{@code
 * @WithLab(hosts = 2, ovs = true, podman = true)
 * class MyIT {
 *     @Test void works(Lab lab) { ... }
 * }
 * }</pre>
 *
 * Without root or a needed program, the class is skipped with one line saying why — unless the environment
 * has {@code CI} set (any value but {@code false}), where it fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LabExtension.class)
public @interface WithLab {
    /** How many hosts (1 to 97). */
    int hosts() default 2;

    /** Whether every host runs its own OVS with {@code br-phy}. */
    boolean ovs() default false;

    /** Whether the lab runs a podman service with {@link Lab#TEST_IMAGE}. */
    boolean podman() default false;

    /** Whether the lab has the {@code outside} namespace. */
    boolean outside() default true;

    /** The lab's prefix; empty for a random one. */
    String prefix() default "";
}
