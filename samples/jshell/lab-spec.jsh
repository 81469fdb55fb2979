// An overlay from a spec, applied by the engine on a test-style virtual lab: plan, apply, check, teardown.
// Run as root:   samples/jshell/run lab-spec.jsh
import io.overlaykit.core.*;
import io.overlaykit.core.check.*;
import io.overlaykit.core.spec.*;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.*;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.testkit.Lab;
import java.time.Duration;
import java.util.List;

OverlaySpec spec = OverlaySpec.read("""
    {"name": "okjsh", "vni": 5000, "subnet": "10.77.0.0/16", "switch": "ovs",
     "hosts": [
      {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.77.0.1",
       "containers": [{"name": "a1", "ip": "10.77.1.1", "image": "localhost/overlaykit/busybox:latest",
                       "command": ["sh", "-c", "while sleep 3600; do :; done"]}]},
      {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.77.0.2",
       "containers": [{"name": "b1", "ip": "10.77.2.1", "image": "localhost/overlaykit/busybox:latest",
                       "command": ["sh", "-c", "while sleep 3600; do :; done"]}]}]}
    """);
Overlay overlay = Overlay.of(spec);

// The lab: one namespace per host of the spec, OVS per host, one podman service.
Lab lab = Lab.builder().prefix(spec.name()).host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24").withOvs(true).withPodman(true).start();
NetlinkStack stack = NetlinkStack.open();
PodmanClient podman = PodmanClient.connect(lab.podmanSocket());

// A core Host per lab host: its namespace, the kernel stack, its OVS, the podman service, state in the lab.
Host host(String name) { return Host.builder(name).namespace(lab.host(name).namespace()).stack(stack).containers(podman).ovs(OvsSwitch.connect(OvsdbRemote.parse(lab.host(name).ovsdbRemote()), "netdev").waitingForVswitchd(Duration.ofSeconds(10))).stateRoot(lab.runDir().resolve("overlaykit-state")).build(); }
Host a = host("hostA");
Host b = host("hostB");

System.out.println(overlay.plan(a));
System.out.println(overlay.apply(a));
System.out.println(overlay.apply(b));
System.out.println(overlay.apply(a));   // a second apply changes nothing
System.out.println(overlay.status(b));

// Container to container, both ways, by ICMP and TCP.
io.overlaykit.core.check.Endpoint a1 = new io.overlaykit.core.check.Endpoint("a1", podman.inspect("okjsh-a1").orElseThrow().namespace(), IpPrefix.parseAddress("10.77.1.1"));
io.overlaykit.core.check.Endpoint b1 = new io.overlaykit.core.check.Endpoint("b1", podman.inspect("okjsh-b1").orElseThrow().namespace(), IpPrefix.parseAddress("10.77.2.1"));
System.out.println(new ConnectivityCheck(stack.namespaces()).matrix(List.of(a1, b1)));

System.out.println(overlay.teardown(a));
System.out.println(overlay.teardown(b));
podman.close(); stack.close(); lab.close();
/exit
