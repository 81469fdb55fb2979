#!/usr/bin/env bash
# The seed's overlay, literally: what the blog post types on each host, with its defaults kept. MTU 1500
# inside the overlay (the veth default; on the Linux switch the VXLAN device is set to 1500 as well, so the
# kernel fragments the outer packets instead of the bridge dropping full-size frames), offloads untouched,
# the tunnel to the other host's underlay with the post's key. `overlay bench overlay` runs it per host:
#   ip netns exec HOST bash overlay-seed.sh up|down
# Environment: SWITCH (ovs|linux), OVSDB (ovs: db socket), BRIDGE, TUNNEL, VNI, LOCAL, REMOTE, UPLINK (the
# link that holds LOCAL), C_NS (the container's namespace), C_ADDR (ADDRESS/LEN), HOST_END.
# On OVS's userspace datapath this carries ping but no TCP: the failure the SDK exists to avoid.
set -euo pipefail
vsctl() { ovs-vsctl --db="unix:$OVSDB" "$@"; }
peer="${HOST_END}p"

if [ "$1" = down ]; then
  if [ "$SWITCH" = ovs ]; then vsctl --if-exists del-br "$BRIDGE"; else
    ip link del "$BRIDGE" 2>/dev/null || true
    ip link del "$TUNNEL" 2>/dev/null || true
  fi
  ip link del "$HOST_END" 2>/dev/null || true
  exit 0
fi

if [ "$SWITCH" = ovs ]; then
  vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev
  vsctl add-port "$BRIDGE" "$TUNNEL" -- set interface "$TUNNEL" type=vxlan options:remote_ip="$REMOTE" \
    options:key="$VNI"
else
  ip link add "$BRIDGE" type bridge
  ip link add "$TUNNEL" mtu 1500 type vxlan id "$VNI" remote "$REMOTE" local "$LOCAL" dev "$UPLINK" dstport 4789
  ip link set "$TUNNEL" master "$BRIDGE"
  ip link set "$TUNNEL" up
fi
ip link set "$BRIDGE" up
ip link add "$HOST_END" type veth peer name "$peer"
ip link set "$peer" netns "$C_NS"
ip -n "$C_NS" link set "$peer" name eth0
if [ "$SWITCH" = ovs ]; then vsctl add-port "$BRIDGE" "$HOST_END"; else ip link set "$HOST_END" master "$BRIDGE"; fi
ip link set "$HOST_END" up
ip -n "$C_NS" addr add "$C_ADDR" dev eth0
ip -n "$C_NS" link set eth0 up
