#!/usr/bin/env bash
# A hand-tuned overlay, the way someone who knows the kernel and OVS would build it by hand, for
# `overlay bench overlay` to hold the SDK's configuration against:
#   ip netns exec HOST bash overlay-tuned.sh up|down
# - MTU derived from the uplink (minus the 50 bytes of VXLAN) on every link inside the overlay;
# - OVS (userspace datapath): TX checksum offload off on both veth ends, whose frames it reads, and the
#   tunnel pinned to the local underlay address;
# - Linux: kernel VXLAN without learning, one static default FDB entry to the peer (no flooding), on
#   UDP 4789, pinned to the uplink; offloads left on, since the kernel handles its own checksums.
# Environment as for overlay-seed.sh.
set -euo pipefail
vsctl() { ovs-vsctl --db="unix:$OVSDB" "$@"; }

if [ "$1" = down ]; then
  if [ "$SWITCH" = ovs ]; then vsctl --if-exists del-br "$BRIDGE"; else
    ip link del "$BRIDGE" 2>/dev/null || true
    ip link del "$TUNNEL" 2>/dev/null || true
  fi
  ip link del "$HOST_END" 2>/dev/null || true
  exit 0
fi

mtu=$(( $(cat "/sys/class/net/$UPLINK/mtu") - 50 ))
if [ "$SWITCH" = ovs ]; then
  vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev -- set interface "$BRIDGE" mtu_request="$mtu" \
    -- add-port "$BRIDGE" "$TUNNEL" -- set interface "$TUNNEL" type=vxlan options:remote_ip="$REMOTE" \
    options:local_ip="$LOCAL" options:key="$VNI"
else
  ip link add "$BRIDGE" mtu "$mtu" type bridge
  ip link add "$TUNNEL" mtu "$mtu" type vxlan id "$VNI" local "$LOCAL" dev "$UPLINK" dstport 4789 nolearning
  bridge fdb append 00:00:00:00:00:00 dev "$TUNNEL" dst "$REMOTE"
  ip link set "$TUNNEL" master "$BRIDGE"
  ip link set "$TUNNEL" up
fi
ip link set "$BRIDGE" up
ip link add "$HOST_END" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$C_NS"
if [ "$SWITCH" = ovs ]; then
  vsctl add-port "$BRIDGE" "$HOST_END"
  ethtool -K "$HOST_END" tx off >/dev/null
  ip netns exec "$C_NS" ethtool -K eth0 tx off >/dev/null
else
  ip link set "$HOST_END" master "$BRIDGE"
fi
ip link set "$HOST_END" up
ip -n "$C_NS" addr add "$C_ADDR" dev eth0
ip -n "$C_NS" link set eth0 up
