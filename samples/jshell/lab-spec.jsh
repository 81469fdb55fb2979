// An overlay from a spec, applied by the engine on a test-style virtual lab: plan, apply, check, teardown.
// Run as root:   samples/jshell/run lab-spec.jsh
import io.overlaykit.core.*;
import io.overlaykit.core.check.*;
import io.overlaykit.core.spec.*;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
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

// The lab shaped like the spec (a namespace per host, OVS per host, podman), and the engine's Host per lab host.
Lab lab = LabOverlay.labFor(spec).start();
LabOverlay engine = LabOverlay.connect(lab);
Host a = engine.host("hostA");
Host b = engine.host("hostB");

System.out.println(overlay.plan(a));
System.out.println(overlay.apply(a));
System.out.println(overlay.apply(b));
System.out.println(overlay.apply(a));   // a second apply changes nothing
System.out.println(overlay.status(b));

// Every container to every other container and to every gateway, by ICMP and TCP.
System.out.println(engine.verifyAll(spec));

System.out.println(overlay.teardown(a));
System.out.println(overlay.teardown(b));
engine.close(); lab.close();
/exit
