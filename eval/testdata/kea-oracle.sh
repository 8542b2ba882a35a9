#!/bin/bash
# Runs Kea 2.2's kea-dhcp4 in a network namespace with eval debug logging and
# sends it one DISCOVER with perfdhcp from a second namespace, so that the
# log shows what Kea's evaluator pushes for each token of the class tests in
# kea-oracle4.json. Namespaces: neval-srv and neval-cli, joined by a veth
# pair (nevs/nevc) on 198.51.100.0/24. Needs root. Prints the EVAL_DEBUG
# lines. Everything it starts is stopped by PID and the namespaces deleted.
set -u
D=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/neval-oracle.XXXX)
export KEA_PIDFILE_DIR=$W KEA_LOCKFILE_DIR=$W
cleanup() {
    [ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null
    ip netns del neval-cli 2>/dev/null
    ip netns del neval-srv 2>/dev/null
}
trap cleanup EXIT
ip netns add neval-srv && ip netns add neval-cli || exit 1
ip link add nevs netns neval-srv type veth peer name nevc netns neval-cli || exit 1
ip -n neval-srv addr add 198.51.100.1/24 dev nevs
ip -n neval-cli addr add 198.51.100.2/24 dev nevc
ip -n neval-srv link set nevs up; ip -n neval-srv link set lo up
ip -n neval-cli link set nevc up; ip -n neval-cli link set lo up
sed "s#@LOG@#$W/eval.log#" "$D/kea-oracle4.json" > "$W/kea.json"
ip netns exec neval-srv kea-dhcp4 -c "$W/kea.json" > "$W/kea.out" 2>&1 &
KPID=$!
sleep 3
# Options: 23 (uint8), 50 (ipv4-address), 12 (string with a NUL), 230
# (undefined), 119 (fqdn list), 3 (ipv4 list), 51 (uint32),
# 60 (string), 43 (vendor-encapsulated, sub-options 1 and 2), 82 (RAI).
timeout 20 ip netns exec neval-cli perfdhcp -4 -l nevc -r 1 -R 1 -n 1 \
    -o 23,40 -o 50,c6336405 -o 12,686f737400 -o 230,68656c6c6f \
    -o 119,076578616d706c6503636f6d00 -o 3,c6336401c6336402 -o 51,00000e10 \
    -o 60,646f63736973 -o 43,010178020279 -o 82,0104657468300202aabb \
    198.51.100.1 > "$W/perf.out" 2>&1
sleep 1
grep -a -h EVAL_DEBUG "$W/eval.log" | sed 's/^.*EVAL_DEBUG/EVAL_DEBUG/'
cat "$W/kea.out" | tail -5 >&2; tail -5 "$W/perf.out" >&2; rm -rf "$W"
