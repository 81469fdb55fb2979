// The seed walkthrough (the blog post) in jshell: one OverlayKit call per step of the post, on a virtual lab
// of two hosts and `outside`, with Open vSwitch. Run as root:   samples/jshell/run
// (Every value below is immutable and printable: type a name at the jshell prompt to see it.)
import io.overlaykit.core.*;
import io.overlaykit.core.check.*;
import io.overlaykit.core.spi.*;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.*;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.testkit.Lab;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

// Two "hosts" and "outside" on one wire: network namespaces, each host with its own OVS (userspace datapath).
Lab lab = Lab.builder().prefix("okseed").host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24") .outside("192.0.2.100/24").withOvs(true).withPodman(true).start();
NetNamespace hostA = lab.host("hostA").namespace();
NetNamespace hostB = lab.host("hostB").namespace();
NetNamespace outside = lab.outside().namespace();
NetlinkStack stack = NetlinkStack.open();
PodmanClient podman = PodmanClient.connect(lab.podmanSocket());
OvsSwitch ovsA = OvsSwitch.connect(OvsdbRemote.parse(lab.host("hostA").ovsdbRemote()), "netdev", Duration.ofSeconds(10));
OvsSwitch ovsB = OvsSwitch.connect(OvsdbRemote.parse(lab.host("hostB").ovsdbRemote()), "netdev", Duration.ofSeconds(10));
InterfaceName br = InterfaceName.of("ovs-br0");
InterfaceName eth0 = InterfaceName.of("eth0");

// 1. ovs-vsctl add-br ovs-br0 (on each host)
ovsA.ensureBridge(Bridge.named("ovs-br0").withMtu(1450), "seed");
ovsB.ensureBridge(Bridge.named("ovs-br0").withMtu(1450), "seed");

// 2. ovs-vsctl add-port ovs-br0 vxlan0 -- set interface vxlan0 type=vxlan options:remote_ip=... options:key=5000
ovsA.addTunnels(br, List.of(VxlanTunnel.builder("vx-hostB", 5000).remote("192.0.2.3").local("192.0.2.2").build()), "seed");
ovsB.addTunnels(br, List.of(VxlanTunnel.builder("vx-hostA", 5000).remote("192.0.2.2").local("192.0.2.3").build()), "seed");

// 3. podman run --network none ...
ContainerInfo podA = podman.run(ContainerRequest.builder("okseed-podA", Lab.TEST_IMAGE).command("sh", "-c", "while sleep 3600; do :; done").build());
ContainerInfo podB = podman.run(ContainerRequest.builder("okseed-podB", Lab.TEST_IMAGE).command("sh", "-c", "nc -ll -p 9000 -e cat & while sleep 3600; do :; done").build());

// 4. ip link add veth-podA type veth peer name eth0 netns <pid>; ovs-vsctl add-port ovs-br0 veth-podA; links up
stack.links(hostA).create(VethPair.builder("veth-podA").peer("eth0").peerNamespace(podA.namespace()).mtu(1450).build());
stack.links(hostB).create(VethPair.builder("veth-podB").peer("eth0").peerNamespace(podB.namespace()).mtu(1450).build());
ovsA.attach(br, List.of(InterfaceName.of("veth-podA")), "seed");
ovsB.attach(br, List.of(InterfaceName.of("veth-podB")), "seed");
// the userspace datapath needs TX checksum offload off on every veth whose peer is one of its ports
stack.links(podA.namespace()).disableTxChecksum(eth0);
stack.links(podB.namespace()).disableTxChecksum(eth0);
stack.links(hostA).setUp(InterfaceName.of("veth-podA"));
stack.links(hostB).setUp(InterfaceName.of("veth-podB"));
stack.links(podA.namespace()).setUp(eth0);
stack.links(podB.namespace()).setUp(eth0);

// 5. ip addr add 172.16.0.10/24 dev eth0 (inside each container)
stack.links(podA.namespace()).addAddress(eth0, IpPrefix.parse("172.16.0.10/24"));
stack.links(podB.namespace()).addAddress(eth0, IpPrefix.parse("172.16.0.11/24"));

// 6. ping across hosts, then move some data through the tunnel
ConnectivityCheck check = new ConnectivityCheck(stack.namespaces());
System.out.println(check.icmp(podA.namespace(), IpPrefix.parseAddress("172.16.0.11"), Duration.ofSeconds(5)));
System.out.println(check.tcpTransfer(podA.namespace(), podB.namespace(), IpPrefix.parseAddress("172.16.0.11"), 8L << 20));

// 7. a gateway per host: veth gw0-port (on the bridge) <-> gw0 with the host's own gateway address
stack.links(hostA).create(VethPair.builder("gw0-port").peer("gw0").mtu(1450).build());
ovsA.attach(br, List.of(InterfaceName.of("gw0-port")), "seed");
stack.links(hostA).disableTxChecksum(InterfaceName.of("gw0-port"));
stack.links(hostA).disableTxChecksum(InterfaceName.of("gw0"));
stack.links(hostA).addAddress(InterfaceName.of("gw0"), IpPrefix.parse("172.16.0.1/24"));
stack.links(hostA).setUp(InterfaceName.of("gw0-port"));
stack.links(hostA).setUp(InterfaceName.of("gw0"));

// 8. ip route add default via 172.16.0.1 (in podA)
stack.links(podA.namespace()).addRoute(Route.defaultVia("172.16.0.1"));

// 9. sysctl -w net.ipv4.ip_forward=1 (on hostA)
stack.namespaces().writeSysctl(hostA, "net.ipv4.ip_forward", "1");

// 10. echo nameserver ... > /etc/resolv.conf (in podA, through its root: nothing runs inside it)
java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/" + podA.pid() + "/root/etc/resolv.conf"), "nameserver 192.0.2.100\n");
System.out.println(podman.exec("okseed-podA", List.of("cat", "/etc/resolv.conf"), Duration.ofSeconds(10)).stdout());

// 11. iptables -t nat -A POSTROUTING -s 172.16.0.0/24 -o br-phy -j MASQUERADE (an nft table of our own)
stack.firewall(hostA).replaceTable(new FirewallTable("overlaykit_seed", List.of(new FirewallTable.Masquerade( IpPrefix.parse("172.16.0.0/24"), InterfaceName.of("br-phy"), IpPrefix.parse("172.16.0.0/24"), false))));
System.out.println(check.tcpTransfer(podA.namespace(), outside, IpPrefix.parseAddress("192.0.2.100"), 4L << 20));

// 12. a secondary address on hostA's uplink and a TCP forward from it to nc in podB (on hostB), from outside
stack.links(hostA).addAddress(InterfaceName.of("br-phy"), IpPrefix.parse("192.0.2.5/24"));
PortForward forward = PortForward.tcp(new InetSocketAddress("192.0.2.5", 1234), new InetSocketAddress("172.16.0.11", 9000)) .listenNamespace(hostA).targetNamespace(hostA).namespaces(stack.namespaces()).start();
System.out.println(io.overlaykit.samples.Probes.echo(stack.namespaces(), outside, new InetSocketAddress("192.0.2.5", 1234), "hello from outside"));

// Clean up: the lab takes the containers, OVS daemons and namespaces with it.
forward.close(); ovsA.close(); ovsB.close(); podman.close(); stack.close(); lab.close();
/exit
