#!/usr/bin/env bash
# The seed's way of wiring containers, as the blog post does it by hand: one `ip`, `ovs-vsctl` or
# `ethtool` process per step. `overlay bench wiring` runs it inside the lab host's namespace
#   ip netns exec HOST bash wiring-seed.sh LIST
# and times the whole script. LIST has one line per container: NAMESPACE HOST_END ADDRESS.
# Environment: SWITCH (ovs|linux), BRIDGE, MTU, PREFIXLEN, GATEWAY, GW_PORT, GW_VETH, OVSDB (ovs: db socket).
#
# It makes what the SDK makes for the same spec: the bridge, a gateway veth (one end a bridge port, the
# other with the gateway address), and per container a veth whose peer becomes eth0 in the container's
# namespace, MTU on both ends, the host end a bridge port, the address, eth0 up and a default route.
# With OVS also TX checksum offload off on both ends of every veth: the userspace datapath reads their
# frames, and without it TCP silently fails (the seed did not know that; its literal form is in
# overlay-seed.sh). Not done here, as the seed does not do them: the SDK's fixed MAC and alias per veth,
# two sysctls per container and its state file. The namespaces exist already, with lo up, as podman
# leaves a container started with no network.
set -euo pipefail
list=$1

vsctl() { ovs-vsctl --db="unix:$OVSDB" "$@"; }
port() {
  if [ "$SWITCH" = ovs ]; then vsctl add-port "$BRIDGE" "$1"; else ip link set "$1" master "$BRIDGE"; fi
}

if [ "$SWITCH" = ovs ]; then
  vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev -- set interface "$BRIDGE" mtu_request="$MTU"
else
  ip link add "$BRIDGE" mtu "$MTU" type bridge
fi
ip link set "$BRIDGE" up

ip link add "$GW_PORT" mtu "$MTU" type veth peer name "$GW_VETH" mtu "$MTU"
port "$GW_PORT"
if [ "$SWITCH" = ovs ]; then
  ethtool -K "$GW_PORT" tx off >/dev/null
  ethtool -K "$GW_VETH" tx off >/dev/null
fi
ip addr add "$GATEWAY/$PREFIXLEN" dev "$GW_VETH"
ip link set "$GW_PORT" up
ip link set "$GW_VETH" up

while read -r ns host_end address; do
  peer="${host_end}p"
  ip link add "$host_end" mtu "$MTU" type veth peer name "$peer" mtu "$MTU"
  ip link set "$peer" netns "$ns"
  ip -n "$ns" link set "$peer" name eth0
  port "$host_end"
  if [ "$SWITCH" = ovs ]; then
    ethtool -K "$host_end" tx off >/dev/null
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
  fi
  ip link set "$host_end" up
  ip -n "$ns" addr add "$address/$PREFIXLEN" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$GATEWAY"
done < "$list"
