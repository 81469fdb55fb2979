package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.NotFoundException;
import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabState;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Lab#attach}: a lab started by another JVM is reached with its hosts, underlays, OVS and podman as that
 * JVM made them; closing the attached lab leaves it running; a lab whose owner was killed is refused (the
 * sweeper's), and an unknown prefix is a clear not-found.
 */
@WithLab(hosts = 1, outside = false)
class LabAttachIT {

    @Test
    void attachesToALabOfAnotherProcessAndLeavesItRunning() throws Exception {
        Process child = LabChild.start("okattach", "wait", "ovs+podman+outside");
        try {
            try (Lab lab = Lab.attach("okattach")) {
                assertThat(lab.isOwner()).isFalse();
                assertThat(lab.toString()).contains("attached");
                assertThat(lab.hosts()).extracting(LabHost::name).containsExactly("hostA", "hostB");
                LabHost a = lab.host("hostA");
                assertThat(a.namespace().name()).isEqualTo("okattach-hostA");
                assertThat(a.underlay().toString()).isEqualTo("192.0.2.2/24");
                assertThat(a.hasOvs()).isTrue();
                assertThat(a.uplink()).isEqualTo("br-phy");
                // the child's OVS answers on the socket the attached lab names, checked with ovs-vsctl
                assertThat(Cli.run("ovs-vsctl", "--db=" + a.ovsdbRemote(), "--timeout=5", "list-br")).contains("br-phy");
                assertThat(lab.outside().underlayAddress()).isEqualTo("192.0.2.100");
                assertThat(lab.outside().exec("ping", "-c", "1", "-W", "2", lab.host("hostB").underlayAddress()))
                        .contains("1 received");
                assertThat(lab.podman().imageExists(Lab.TEST_IMAGE)).isTrue();
                assertThat(lab.stateRoot().startsWith(lab.runDir())).isTrue();
            }
            // closing the attached lab closed only its connections
            assertThat(Cli.run("ip", "netns", "list")).contains("okattach-hostA", "okattach-outside");
            assertThat(LabState.of("okattach").exists()).isTrue();
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no hook runs
            assertThatThrownBy(() -> Lab.attach("okattach")).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("okattach").hasMessageContaining("died");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(Lab.destroy("okattach")).isTrue();
        }
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain("okattach-");
    }

    @Test
    void anUnknownPrefixIsNotFound() {
        assertThatThrownBy(() -> Lab.attach("oknosuchlab")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no lab 'oknosuchlab' is running");
        assertThat(Lab.exists("oknosuchlab")).isFalse();
    }

    @Test
    void aLabOfThisProcessCanBeAttachedToo(Lab own) {
        try (Lab again = Lab.attach(own.prefix())) {
            assertThat(again).isNotSameAs(own);
            assertThat(again.host("hostA").exec("ip", "-o", "addr", "show", "eth0")).contains("192.0.2.2/24");
        }
        assertThat(own.host("hostA").exec("ip", "-o", "link", "show", "eth0")).contains("eth0");
    }
}
