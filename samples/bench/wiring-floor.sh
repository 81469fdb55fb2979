#!/usr/bin/env bash
# This machine's floor for wiring containers: the objects of wiring-seed.sh made with as few processes as
# the tools allow, and no checks. `overlay bench wiring` runs it inside the lab host's namespace
#   ip netns exec HOST bash wiring-floor.sh LIST WORKDIR
# and times the whole script, which prints the time of each part (bash's EPOCHREALTIME, no process) as
#   floor-part NAME MICROSECONDS
# Parts:
#   ip_host      one `ip -batch` in the host's namespace: bridge (linux), gateway veth, every veth with its peer
#                created inside the container's namespace as eth0 (no move, no rename), MTU, master, up
#   ovs          ovs: one `ovs-vsctl` transaction: the bridge and every port (and the bridge up: one `ip`)
#   ip_inside    one `ip -n NS -batch` per container namespace (address, eth0 up, default route): ip -batch
#                cannot switch namespaces, so this is one process per container
#   ethtool      ovs: TX checksum offload off, one `ethtool` per veth end (ethtool has no batch mode; inside
#                a container through `ip netns exec`)
# LIST has one line per container: NAMESPACE HOST_END ADDRESS. Environment as for wiring-seed.sh.
set -euo pipefail
list=$1
work=$2
now() { echo "${EPOCHREALTIME/./}"; }
part() { echo "floor-part $1 $(( $3 - $2 ))"; }

t0=$(now)
{
  if [ "$SWITCH" = linux ]; then
    echo "link add $BRIDGE mtu $MTU type bridge"
    echo "link set $BRIDGE up"
  fi
  echo "link add $GW_PORT mtu $MTU type veth peer name $GW_VETH mtu $MTU"
  [ "$SWITCH" = linux ] && echo "link set $GW_PORT master $BRIDGE"
  echo "addr add $GATEWAY/$PREFIXLEN dev $GW_VETH"
  echo "link set $GW_PORT up"
  echo "link set $GW_VETH up"
  while read -r ns host_end address; do
    echo "link add $host_end mtu $MTU type veth peer name eth0 mtu $MTU netns $ns"
    [ "$SWITCH" = linux ] && echo "link set $host_end master $BRIDGE"
    echo "link set $host_end up"
  done < "$list"
} > "$work/host.batch"
ip -batch "$work/host.batch"
t1=$(now)
part ip_host "$t0" "$t1"

if [ "$SWITCH" = ovs ]; then
  args=(add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev -- set interface "$BRIDGE" mtu_request="$MTU"
        -- add-port "$BRIDGE" "$GW_PORT")
  while read -r ns host_end address; do
    args+=(-- add-port "$BRIDGE" "$host_end")
  done < "$list"
  ovs-vsctl --db="unix:$OVSDB" "${args[@]}"
  ip link set "$BRIDGE" up
fi
t2=$(now)
part ovs "$t1" "$t2"

while read -r ns host_end address; do
  ip -n "$ns" -batch - <<< "addr add $address/$PREFIXLEN dev eth0
link set eth0 up
route add default via $GATEWAY"
done < "$list"
t3=$(now)
part ip_inside "$t2" "$t3"

if [ "$SWITCH" = ovs ]; then
  ethtool -K "$GW_PORT" tx off >/dev/null
  ethtool -K "$GW_VETH" tx off >/dev/null
  while read -r ns host_end address; do
    ethtool -K "$host_end" tx off >/dev/null
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
  done < "$list"
fi
t4=$(now)
part ethtool "$t3" "$t4"
