#!/bin/bash
# bench/profile.sh — profile Nestor's DHCPv4 server under a sustained
# perfdhcp load (issue 9), and count the system calls per exchange of Nestor
# and Kea 2.2 at the same rate.
#
#   1. Nestor built with the Go profiler (bench/nestorprof), pinned to core 1,
#      driven by perfdhcp (DORA, new clients, relayed) on core 0 for
#      PROF_SECS seconds at PROF_RATE exchanges/s: CPU profile and allocation
#      profile, summarised with `go tool pprof -top`.
#   2. Nestor and Kea in turn at the same rate for SYS_SECS seconds under
#      `perf stat` on syscall tracepoints (when perf and the tracepoints are
#      available): system calls per completed exchange, by call.
#
# Usage: sudo bench/profile.sh         results go to OUT (default
# bench/results/YYYY-MM-DD/profile). Same namespaces layout and config as
# run.sh, namespaces nbench-psrv / nbench-pcli, removed on exit.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [ "$(id -u)" != 0 ]; then echo "bench/profile.sh: needs root (network namespaces); skipping"; exit 0; fi
for t in kea-dhcp4 perfdhcp taskset ip ss go; do
    command -v "$t" >/dev/null || { echo "bench/profile.sh: $t not installed; skipping"; exit 0; }
done

NS_SRV=nbench-psrv NS_CLI=nbench-pcli IF_SRV=nb-srv IF_CLI=nb-cli
SRV4=198.51.100.1 CLI4=198.51.100.2
PROF_RATE=${PROF_RATE:-4000}
PROF_SECS=${PROF_SECS:-20}
SYS_SECS=${SYS_SECS:-5}
OUT=${OUT:-$HERE/results/$(date +%Y-%m-%d)/profile}
TMP=$(mktemp -d /tmp/nbench.XXXXXX)
export KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP
SPID=""

stop_server() {
    [ -n "$SPID" ] || return 0
    if kill -0 "$SPID" 2>/dev/null; then
        kill -TERM "$SPID" 2>/dev/null
        local i
        for i in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$SPID" 2>/dev/null && kill -KILL "$SPID" 2>/dev/null
    fi
    wait "$SPID" 2>/dev/null
    SPID=""
}
cleanup() {
    stop_server
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT"

echo "building bench/nestorprof"
(cd "$REPO" && go build -o "$TMP/nestorprof" ./bench/nestorprof) || { echo "build failed"; exit 1; }

ip netns del "$NS_CLI" 2>/dev/null
ip netns del "$NS_SRV" 2>/dev/null
ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || exit 1
ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || exit 1
for ns in "$NS_SRV" "$NS_CLI"; do
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.core.rmem_default=4194304 net.core.wmem_default=4194304 >/dev/null 2>&1
done
ip -n "$NS_SRV" addr add "$SRV4/24" dev "$IF_SRV"
ip -n "$NS_CLI" addr add "$CLI4/24" dev "$IF_CLI"
ip -n "$NS_SRV" link set "$IF_SRV" up
ip -n "$NS_CLI" link set "$IF_CLI" up

cat >"$TMP/dhcp4.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["$IF_SRV"], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$TMP/leases4.csv", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15",
    "pools": [{"pool": "198.18.0.1 - 198.19.255.254"}],
    "relay": {"ip-addresses": ["$CLI4"]},
    "option-data": [{"name": "routers", "data": "198.18.0.1"},
                    {"name": "domain-name-servers", "data": "198.51.100.1"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
}}
EOF

# start CMD... : server in the server namespace on core 1; waits for port 67.
start() {
    rm -f "$TMP"/leases4.csv* "$TMP"/*.pid
    ip netns exec "$NS_SRV" taskset -c 1 "$@" >"$TMP/server.log" 2>&1 &
    SPID=$!
    local i
    for i in $(seq 300); do
        kill -0 "$SPID" 2>/dev/null || { cat "$TMP/server.log"; SPID=""; return 1; }
        ip netns exec "$NS_SRV" ss -Hulnp "sport = :67" 2>/dev/null | grep -q "pid=$SPID," && { sleep 0.5; return 0; }
        sleep 0.1
    done
    stop_server
    return 1
}
load() { # SECS OUTFILE
    timeout $(( $1 + 20 )) ip netns exec "$NS_CLI" taskset -c 0 \
        perfdhcp -4 -l "$IF_CLI" -R 1000000 -p "$1" -W 200000 -r "$PROF_RATE" "$SRV4" >"$2" 2>&1
}
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# 1. Go profiles
echo "== profile: nestor, DORA new clients, $PROF_RATE/s for ${PROF_SECS}s"
NESTOR_CPUPROFILE=$TMP/cpu.prof start "$TMP/nestorprof" dhcp4 -c "$TMP/dhcp4.json" || { echo "nestorprof did not start"; exit 1; }
read -r u0 s0 <<<"$(ticks "$SPID")"
load "$PROF_SECS" "$OUT/perfdhcp-profile.txt"
read -r u1 s1 <<<"$(ticks "$SPID")"
kill -USR1 "$SPID"
for i in $(seq 100); do [ -e "$TMP/cpu.prof.done" ] && break; sleep 0.1; done
stop_server
[ -e "$TMP/cpu.prof.done" ] || { echo "profile not written"; cat "$TMP/server.log"; exit 1; }
cp "$TMP/cpu.prof" "$OUT/cpu.prof"; cp "$TMP/cpu.prof.allocs" "$OUT/allocs.prof"
done_x=$(awk '/REQUEST-ACK/ {f = 1} f && /^received packets:/ {print $3; exit}' "$OUT/perfdhcp-profile.txt")
hz=$(getconf CLK_TCK)
{
    echo "rate $PROF_RATE/s, ${PROF_SECS}s, completed exchanges: $done_x"
    awk -v u=$(( u1 - u0 )) -v s=$(( s1 - s0 )) -v hz="$hz" -v d="$done_x" 'BEGIN {
        printf "server CPU: user %.2fs, system %.2fs (%.0f%% system); %.1f us user + %.1f us system per exchange\n",
            u / hz, s / hz, 100 * s / (u + s), 1e6 * u / hz / d, 1e6 * s / hz / d }'
} | tee "$OUT/cpu-split.txt"
(cd "$REPO" && go tool pprof -top -nodecount=45 "$TMP/nestorprof" "$OUT/cpu.prof") >"$OUT/cpu-top-flat.txt" 2>&1
(cd "$REPO" && go tool pprof -top -cum -nodecount=60 "$TMP/nestorprof" "$OUT/cpu.prof") >"$OUT/cpu-top-cum.txt" 2>&1
(cd "$REPO" && go tool pprof -top -sample_index=alloc_space -nodecount=40 "$TMP/nestorprof" "$OUT/allocs.prof") >"$OUT/alloc-space-top.txt" 2>&1
(cd "$REPO" && go tool pprof -top -sample_index=alloc_objects -nodecount=40 "$TMP/nestorprof" "$OUT/allocs.prof") >"$OUT/alloc-objects-top.txt" 2>&1
head -25 "$OUT/cpu-top-flat.txt"

# 2. system calls per exchange, both servers, same rate
if command -v perf >/dev/null && perf list 2>/dev/null | grep -q 'syscalls:sys_enter_sendmsg'; then
    ev=raw_syscalls:sys_enter
    for c in recvmsg sendmsg recvfrom sendto write writev pwrite64 fsync fdatasync futex epoll_pwait epoll_wait select pselect6 nanosleep; do
        perf list 2>/dev/null | grep -q "syscalls:sys_enter_$c " && ev="$ev,syscalls:sys_enter_$c"
    done
    for srv in kea nestor; do
        echo "== syscalls: $srv at $PROF_RATE/s for ${SYS_SECS}s"
        if [ "$srv" = kea ]; then start kea-dhcp4 -c "$TMP/dhcp4.json"; else start "$TMP/nestorprof" dhcp4 -c "$TMP/dhcp4.json"; fi || exit 1
        perf stat -e "$ev" -p "$SPID" -x, -o "$OUT/syscalls-$srv.csv" &
        ppid=$!
        load "$SYS_SECS" "$OUT/perfdhcp-syscalls-$srv.txt"
        kill -INT "$ppid"; wait "$ppid"
        stop_server
        d=$(awk '/REQUEST-ACK/ {f = 1} f && /^received packets:/ {print $3; exit}' "$OUT/perfdhcp-syscalls-$srv.txt")
        awk -F, -v d="$d" -v s="$srv" '$3 ~ /sys/ && $1 + 0 > 0 { sub(/.*:(sys_enter_)?/, "", $3); printf "%-7s %-12s %9d  %6.2f per exchange\n", s, $3, $1, $1 / d }' "$OUT/syscalls-$srv.csv"
    done | tee "$OUT/syscalls.txt"
else
    echo "perf or syscall tracepoints not available: syscall counts skipped" | tee "$OUT/syscalls.txt"
fi
echo "profile results in $OUT"
