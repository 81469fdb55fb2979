package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFilePlannerTest {
    @TempDir
    Path tmp;

    private static final String BLOCK = """
            # BEGIN OverlayKit okcore (managed: edits inside this block are overwritten)
            172.16.0.10\tpodA podA.okcore
            172.16.0.11\tpodB podB.okcore
            172.16.0.12\tpodC podC.okcore
            # END OverlayKit okcore
            """;

    @Test
    void blockNamesEveryContainerOfEveryHostShortAndInTheDomain() {
        assertThat(HostsFilePlanner.block(Specs.twoHosts())).isEqualTo(BLOCK);
    }

    @Test
    void theDomainCanBeGivenAndIpv6AddressesFollowTheIpv4Ones() {
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"dns\": [\"192.0.2.53\"],",
                "\"dns\": {\"servers\": [\"192.0.2.53\"], \"domain\": \"corp.example\"}, \"subnet6\": \"fd00:16::/64\","));
        assertThat(HostsFilePlanner.block(spec)).contains("172.16.0.10\tpodA podA.corp.example\n")
                .contains("fd00:16:0:0:0:0:0:a\tpodA podA.corp.example\n")
                .contains("fd00:16:0:0:0:0:0:c\tpodC podC.corp.example\n");
    }

    @Test
    void mergeKeepsLinesOutsideTheBlockAndReplacesTheBlockWhereItIs() {
        OverlaySpec spec = Specs.twoHosts();
        String theirs = "127.0.0.1 localhost\n10.1.1.1 db\n";
        String once = HostsFilePlanner.merged(spec, theirs);
        assertThat(once).isEqualTo(theirs + BLOCK);
        assertThat(HostsFilePlanner.merged(spec, once)).isEqualTo(once);
        String edited = once.replace("172.16.0.11\tpodB", "10.0.0.99\tpodB") + "10.2.2.2 after\n";
        assertThat(HostsFilePlanner.merged(spec, edited)).isEqualTo(theirs + BLOCK + "10.2.2.2 after\n");
        assertThat(HostsFilePlanner.merged(spec, "127.0.0.1 localhost")).isEqualTo("127.0.0.1 localhost\n" + BLOCK);
        assertThat(HostsFilePlanner.merged(spec, null)).isEqualTo(BLOCK);
        assertThat(HostsFilePlanner.stripped(spec, theirs + BLOCK + "10.2.2.2 after\n"))
                .isEqualTo(theirs + "10.2.2.2 after\n");
        // another spec's block is not ours
        OverlaySpec other = OverlaySpec.read(Specs.TWO_HOSTS.replace("okcore", "okother"));
        assertThat(HostsFilePlanner.stripped(other, once)).isEqualTo(once);
        assertThat(HostsFilePlanner.merged(other, once)).startsWith(once).contains("podA podA.okother");
    }

    @Test
    void applyWritesTheBlockReapplyIsQuietAndAnEditShowsAsDrift() throws Exception {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = Specs.twoHosts();
        w.apply(spec);
        Path hosts = tmp.resolve("roots/okcore-podA/etc/hosts");
        assertThat(Files.readString(hosts)).isEqualTo(BLOCK);
        assertThat(w.plan(spec).pending()).isEmpty();
        Files.writeString(hosts, "127.0.0.1 localhost\n" + BLOCK.replace("172.16.0.12", "172.16.0.99"));
        Status status = w.status(spec);
        assertThat(status.isClean()).isFalse();
        assertThat(w.plan(spec).pending()).extracting(s -> s.id()).containsExactly("hosts podA");
        w.apply(spec);
        assertThat(Files.readString(hosts)).isEqualTo("127.0.0.1 localhost\n" + BLOCK);
    }

    @Test
    void teardownTakesOnlyTheBlockOutOfAnExistingContainer() throws Exception {
        World w = new World(tmp, "hostA", true);
        w.runtime.run(ContainerRequest.builder("legacy", "img").build());
        Path hosts = tmp.resolve("roots/legacy/etc/hosts");
        Files.createDirectories(hosts.getParent());
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace(
                "{\"name\": \"podB\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}",
                "{\"name\": \"legacy\", \"ip\": \"172.16.0.11\", \"existing\": true}"));
        w.apply(spec);
        assertThat(Files.readString(hosts)).startsWith("127.0.0.1 localhost\n# BEGIN OverlayKit okcore")
                .contains("172.16.0.11\tlegacy legacy.okcore\n");
        Files.writeString(hosts, Files.readString(hosts) + "10.3.3.3 added-later\n");
        w.teardown(spec);
        assertThat(Files.readString(hosts)).isEqualTo("127.0.0.1 localhost\n10.3.3.3 added-later\n");
    }

    @Test
    void withServeTheContainersAskTheirOwnGatewayAndSearchTheDomain() throws Exception {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"dns\": [\"192.0.2.53\"],",
                "\"dns\": {\"domain\": \"ov.test\", \"serve\": true, \"upstream\": [\"192.0.2.53\"]}, "
                        + "\"subnet6\": \"fd00:16::/64\","));
        w.apply(spec);
        assertThat(Files.readString(tmp.resolve("roots/okcore-podA/etc/resolv.conf"))).endsWith(
                "search ov.test\nnameserver 172.16.0.1\nnameserver fd00:16:0:0:0:0:0:1\n");
        assertThat(w.plan(spec).pending()).isEmpty();
    }
}
