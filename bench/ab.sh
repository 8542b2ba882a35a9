#!/bin/bash
# bench/ab.sh — CPU per exchange of two Nestor builds (BASE_BIN, NEW_BIN: for
# example the main branch and a change) and Kea 2.2 single-threaded, at one
# offered DORA rate (perfdhcp as a relay, new clients), runs alternating
# kea/base/new REPS times so that the machine's drifting load hits all three
# alike. Same namespaces layout and configuration as run.sh (namespaces
# nbench-asrv / nbench-acli, removed on exit); server on core 1, perfdhcp on
# core 0.
#
# Usage: sudo BASE_BIN=/tmp/nestor-main NEW_BIN=/tmp/nestor bench/ab.sh
#        RATE (4000), SECS (8), REPS (3), OUT (bench/results/DATE/ab)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then echo "bench/ab.sh: needs root (network namespaces); skipping"; exit 0; fi
for t in kea-dhcp4 perfdhcp taskset ip ss; do
    command -v "$t" >/dev/null || { echo "bench/ab.sh: $t not installed; skipping"; exit 0; }
done
[ -x "${BASE_BIN:-}" ] && [ -x "${NEW_BIN:-}" ] || { echo "bench/ab.sh: set BASE_BIN and NEW_BIN to nestor binaries"; exit 1; }
NS_SRV=nbench-asrv NS_CLI=nbench-acli IF_SRV=nb-srv IF_CLI=nb-cli
RATE=${RATE:-4000} SECS=${SECS:-8} REPS=${REPS:-3}
OUT=${OUT:-$HERE/results/$(date +%Y-%m-%d)/ab}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/nbab.XXXXXX)
export KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP
SPID=""
stop_server() {
    [ -n "$SPID" ] || return 0
    kill -TERM "$SPID" 2>/dev/null
    for i in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SPID" 2>/dev/null && kill -KILL "$SPID"
    wait "$SPID" 2>/dev/null; SPID=""
}
cleanup() { stop_server; ip netns del $NS_CLI 2>/dev/null; ip netns del $NS_SRV 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ip netns add $NS_SRV && ip netns add $NS_CLI || exit 1
ip link add $IF_SRV netns $NS_SRV type veth peer name $IF_CLI netns $NS_CLI
for ns in $NS_SRV $NS_CLI; do ip -n $ns link set lo up; done
ip -n $NS_SRV addr add 198.51.100.1/24 dev $IF_SRV; ip -n $NS_CLI addr add 198.51.100.2/24 dev $IF_CLI
ip -n $NS_SRV link set $IF_SRV up; ip -n $NS_CLI link set $IF_CLI up
cat >"$TMP/dhcp4.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["$IF_SRV"], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$TMP/leases4.csv", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15", "pools": [{"pool": "198.18.0.1 - 198.19.255.254"}],
    "relay": {"ip-addresses": ["198.51.100.2"]},
    "option-data": [{"name": "routers", "data": "198.18.0.1"}, {"name": "domain-name-servers", "data": "198.51.100.1"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
}}
EOF
echo "rate $RATE/s, ${SECS}s, $REPS reps; server core 1, perfdhcp core 0; base $BASE_BIN, new $NEW_BIN" | tee "$OUT/ab.txt"
for rep in $(seq $REPS); do
  for srv in kea base new; do
    rm -f "$TMP"/leases4.csv*
    case $srv in
      kea) ip netns exec $NS_SRV taskset -c 1 kea-dhcp4 -c "$TMP/dhcp4.json" >"$TMP/log" 2>&1 & ;;
      base) ip netns exec $NS_SRV taskset -c 1 "$BASE_BIN" dhcp4 -c "$TMP/dhcp4.json" >"$TMP/log" 2>&1 & ;;
      new) ip netns exec $NS_SRV taskset -c 1 "$NEW_BIN" dhcp4 -c "$TMP/dhcp4.json" >"$TMP/log" 2>&1 & ;;
    esac
    SPID=$!
    for i in $(seq 300); do kill -0 "$SPID" 2>/dev/null || { cat "$TMP/log"; exit 1; }; ip netns exec $NS_SRV ss -Hulnp "sport = :67" | grep -q "pid=$SPID," && break; sleep 0.1; done
    sleep 0.5
    read -r u0 s0 <<<"$(awk '{print $14, $15}' /proc/$SPID/stat)"
    timeout $((SECS + 20)) ip netns exec $NS_CLI taskset -c 0 perfdhcp -4 -l $IF_CLI -R 1000000 -p $SECS -W 200000 -r $RATE 198.51.100.1 >"$OUT/$srv-$rep.txt" 2>&1
    read -r u1 s1 <<<"$(awk '{print $14, $15}' /proc/$SPID/stat)"
    stop_server
    d=$(awk '/REQUEST-ACK/ {f = 1} f && /^received packets:/ {print $3; exit}' "$OUT/$srv-$rep.txt")
    lat=$(awk '/^avg delay:/ {s += $3} END {printf "%.3f", s}' "$OUT/$srv-$rep.txt")
    awk -v srv=$srv -v rep=$rep -v u=$((u1-u0)) -v s=$((s1-s0)) -v hz=$(getconf CLK_TCK) -v d="$d" -v lat="$lat" 'BEGIN {
      printf "%-5s run %d: done %6d  user %5.1f us + sys %5.1f us = %6.1f us/exchange  avg latency %s ms\n", srv, rep, d, 1e6*u/hz/d, 1e6*s/hz/d, 1e6*(u+s)/hz/d, lat }' | tee -a "$OUT/ab.txt"
  done
done
