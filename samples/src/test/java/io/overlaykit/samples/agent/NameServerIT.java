package io.overlaykit.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.WithLab;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * {@code "dns": {"serve": true}} on a two-host lab (issue 17): the agent's {@link NameServer} answers on each
 * host's gateway; containers' resolv.conf points there; busybox {@code nslookup} inside a container (through
 * {@code podman exec}) finds a container of the other host by its long and short name and by address, gets
 * NXDOMAIN for an unknown name of the domain, and gets a name outside the domain from the upstream server (a
 * stand-in on {@code outside} that answers every A query with 198.51.100.7).
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NameServerIT {
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    private static final String SPEC = """
            {"name": "ckit-dns17", "vni": 5182, "subnet": "10.82.0.0/16", "subnet6": "fd00:82::/64", "switch": "linux",
             "dns": {"domain": "ov.test", "serve": true, "upstream": ["192.0.2.100"]},
             "lab": {"outside": "192.0.2.100"},
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.82.0.1",
               "containers": [{"name": "a1", "ip": "10.82.1.1", "image": "%1$s", "command": %2$s}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.82.0.2",
               "containers": [{"name": "b1", "ip": "10.82.2.1", "image": "%1$s", "command": %2$s}]}]}
            """;

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;
    private NameServer serverA;
    private NameServer serverB;
    private DatagramChannel upstream;
    private Thread upstreamThread;

    @BeforeAll
    void start() throws Exception {
        spec = OverlaySpec.read(SPEC.formatted(Lab.TEST_IMAGE, SLEEP));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        overlay.applyAll(spec);
        var namespaces = overlay.stack().namespaces();
        serverA = NameServer.start(spec, "hostA", namespaces, overlay.namespace("hostA"), 53);
        serverB = NameServer.start(spec, "hostB", namespaces, overlay.namespace("hostB"), 53);
        NetNamespace outside = lab.outside().namespace();
        upstream = namespaces.callIn(outside, () -> DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getByName("192.0.2.100"), 53)));
        upstreamThread = new Thread(this::answerUpstream, "ckit-dns17-upstream");
        upstreamThread.setDaemon(true);
        upstreamThread.start();
    }

    /** The stand-in upstream: every query gets one A record, 198.51.100.7. */
    private void answerUpstream() {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (upstream.isOpen()) {
            try {
                buf.clear();
                var from = upstream.receive(buf);
                buf.flip();
                byte[] q = new byte[buf.remaining()];
                buf.get(q);
                Message query = new Message(q);
                Message r = new Message(query.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.RA);
                r.addRecord(query.getQuestion(), Section.QUESTION);
                r.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 60,
                        InetAddress.getByName("198.51.100.7")), Section.ANSWER);
                upstream.send(ByteBuffer.wrap(r.toWire()), from);
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    void close() throws Exception {
        try {
            for (AutoCloseable c : new AutoCloseable[] {serverA, serverB, upstream}) {
                if (c != null) {
                    c.close();
                }
            }
            if (overlay != null) {
                overlay.teardownAll(spec);
                overlay.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void nslookupInsideAContainerFindsTheSpecsNamesAndRelaysTheRest() throws Exception {
        String a1 = overlay.container(spec, "hostA", "a1").name();
        assertThat(exec(a1, "cat", "/etc/resolv.conf").out).contains("search ov.test").contains("nameserver 10.82.0.1")
                .contains("nameserver fd00:82:0:0:0:0:0:1");
        Result longName = exec(a1, "nslookup", "b1.ov.test", "10.82.0.1");
        assertThat(longName.out).as(longName.toString()).contains("10.82.2.1");
        Result aaaa = exec(a1, "nslookup", "-type=AAAA", "b1.ov.test", "10.82.0.1");
        assertThat(aaaa.out).as(aaaa.toString()).contains("fd00:82::201");
        Result bare = exec(a1, "nslookup", "b1");
        assertThat(bare.out).as(bare + " (resolv.conf's nameserver and search)").contains("10.82.2.1");
        Result ptr = exec(a1, "nslookup", "10.82.2.1", "10.82.0.1");
        assertThat(ptr.out).as(ptr.toString()).contains("b1.ov.test");
        Result nx = exec(a1, "nslookup", "nope.ov.test", "10.82.0.1");
        assertThat(nx.out + nx.err).as(nx.toString()).contains("NXDOMAIN");
        Result relayed = exec(a1, "nslookup", "www.example.org", "10.82.0.1");
        assertThat(relayed.out).as(relayed.toString()).contains("198.51.100.7");
        String b1 = overlay.container(spec, "hostB", "b1").name();
        Result fromB = exec(b1, "nslookup", "a1.ov.test", "10.82.0.2");
        assertThat(fromB.out).as(fromB.toString()).contains("10.82.1.1");
    }

    private record Result(int code, String out, String err) {
    }

    private Result exec(String container, String... command) throws Exception {
        String[] cmd = new String[command.length + 5];
        cmd[0] = "podman";
        cmd[1] = "--url";
        cmd[2] = lab.podmanUrl();
        cmd[3] = "exec";
        cmd[4] = container;
        System.arraycopy(command, 0, cmd, 5, command.length);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
