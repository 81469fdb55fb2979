package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import io.overlaykit.core.spec.OverlaySpec;

/** Specs for the planner tests. */
final class Specs {
    private Specs() {
    }

    /** hostA runs podA and podB; hostB forwards to podA, so podA gets reply routing towards hostB. */
    static final String TWO_HOSTS = """
            {"name": "okcore", "vni": 5000, "subnet": "172.16.0.0/12", "switch": "ovs", "mtu": 1450,
             "dns": ["192.0.2.53"],
             "hosts": [
               {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1",
                "containers": [
                  {"name": "podA", "ip": "172.16.0.10", "image": "img", "command": ["sleep", "1d"]},
                  {"name": "podB", "ip": "172.16.0.11", "image": "img"}],
                "forwards": [{"listen": "192.0.2.5:1234", "target": "172.16.0.12:9000"},
                             {"listen": "192.0.2.5:1235", "target": "172.16.0.12:9001", "mode": "userspace"}]},
               {"name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2",
                "containers": [{"name": "podC", "ip": "172.16.0.12", "image": "img"}],
                "forwards": [{"listen": "192.0.2.6:80", "target": "172.16.0.10:8080"}]}
             ]}
            """;

    static OverlaySpec twoHosts() {
        return OverlaySpec.read(TWO_HOSTS);
    }

    static OverlaySpec withoutPodB() {
        return OverlaySpec.read(TWO_HOSTS.replace(
                ",\n      {\"name\": \"podB\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}", ""));
    }
}
