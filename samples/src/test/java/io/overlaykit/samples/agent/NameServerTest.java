package io.overlaykit.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class NameServerTest {
    static final OverlaySpec SPEC = OverlaySpec.read("""
            {"name": "oknsrv", "vni": 5000, "subnet": "10.82.0.0/16", "subnet6": "fd00:82::/64", "switch": "ovs",
             "dns": {"domain": "ov.test", "serve": true, "upstream": ["192.0.2.53"]},
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.82.0.1",
               "containers": [{"name": "a1", "ip": "10.82.1.1", "image": "img"}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.82.0.2",
               "containers": [{"name": "b1", "ip": "10.82.2.1", "image": "img"}]}]}
            """);

    private static Message ask(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        byte[] a = NameServer.unbound(SPEC).answerLocally(q.toWire());
        return a == null ? null : new Message(a);
    }

    private static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList();
    }

    @Test
    void answersAAndAaaaForNamesInTheDomainAndBareNames() throws Exception {
        Message a = ask("b1.ov.test.", Type.A);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(a)).containsExactly("10.82.2.1");
        assertThat(answers(ask("b1.ov.test.", Type.AAAA))).containsExactly("fd00:82:0:0:0:0:0:201");
        assertThat(answers(ask("a1.", Type.A))).containsExactly("10.82.1.1");
        Message mx = ask("a1.ov.test.", Type.MX);
        assertThat(mx.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(mx)).isEmpty();
    }

    @Test
    void answersPtrForTheSpecsAddresses() throws Exception {
        Name v4 = ReverseMap.fromAddress("10.82.2.1");
        assertThat(answers(ask(v4.toString(), Type.PTR))).containsExactly("b1.ov.test.");
        Name v6 = ReverseMap.fromAddress("fd00:82::101");
        assertThat(answers(ask(v6.toString(), Type.PTR))).containsExactly("a1.ov.test.");
    }

    @Test
    void unknownNamesInTheDomainAreNxdomainAndOthersGoUpstream() throws Exception {
        Message nx = ask("nope.ov.test.", Type.A);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(ask("example.org.", Type.A)).as("relayed").isNull();
        assertThat(ask("nope.", Type.A)).as("an unknown bare name is relayed").isNull();
        assertThat(ask(ReverseMap.fromAddress("10.82.9.9").toString(), Type.PTR)).as("relayed").isNull();
    }

    @Test
    void garbageGetsFormerrWithItsId() throws Exception {
        byte[] a = NameServer.unbound(SPEC).answerLocally(new byte[] {0x12, 0x34, 1, 2, 3});
        Message m = new Message(a);
        assertThat(m.getHeader().getID()).isEqualTo(0x1234);
        assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(NameServer.unbound(SPEC).answerLocally(new byte[] {1})).isNull();
    }
}
