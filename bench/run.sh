#!/bin/bash
# bench/run.sh — side-by-side DHCPv4 and DHCPv6 benchmark of Nestor and Kea
# 2.2 with perfdhcp (issue 9). See bench/README.md for the method.
#
#   [ns nbench-srv] nb-srv 198.51.100.1/24   server, pinned to core 1
#          | veth pair (nothing else attached)
#   [ns nbench-cli] nb-cli 198.51.100.2/24   perfdhcp (a relay), pinned to core 0
#
# Usage: sudo bench/run.sh [scenario...]
#   (default: dora renew reuse preload hook classes v6na v6pd; preload1m,
#   the 1,000,000-lease start-once scenario, only when named)
# Environment:
#   NESTOR_BIN   a built nestor binary (default: built from this checkout)
#   STEP_SECS    seconds per search step (default 3; preload uses 2)
#   CPU_SECS     seconds of the fixed-rate run (default 5)
#   FIXED_REPEATS fixed-rate runs per server; the median is reported (default 3)
#   MAX_RATE     search cap in offered exchanges/s (default 32000)
#   KEA_MODES    Kea threading modes to try on the first scenario ("st mt")
#   PRELOAD_N    leases preloaded in the preload scenario (default 100000)
#   PRELOAD1M_N  leases preloaded in the preload1m scenario (default 1000000)
#   PRELOAD1M_RATES offered rates of preload1m's steps (default "1000 2000 4000")
#   PRELOAD1M_KEA Kea threading mode for preload1m (default st; one start each)
#   START_SECS   how long a server may take to start (default 60; preload1m 1800)
#   OUT          results directory (default bench/results/YYYY-MM-DD)
#
# Every loop is bounded; only processes this script started are stopped (by
# PID); the namespaces are removed on exit.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [ "$(id -u)" != 0 ]; then echo "bench/run.sh: needs root (network namespaces); skipping"; exit 0; fi
for t in kea-dhcp4 kea-dhcp6 perfdhcp taskset ip ss; do
    command -v "$t" >/dev/null || { echo "bench/run.sh: $t not installed; skipping"; exit 0; }
done
[ "$(nproc)" -ge 2 ] || { echo "bench/run.sh: needs 2 cores for pinning; skipping"; exit 0; }

NS_SRV=nbench-srv NS_CLI=nbench-cli IF_SRV=nb-srv IF_CLI=nb-cli
SRV4=198.51.100.1 CLI4=198.51.100.2
SRV_CORE=1 CLI_CORE=0
STEP_SECS=${STEP_SECS:-3}
CPU_SECS=${CPU_SECS:-5}
FIXED_REPEATS=${FIXED_REPEATS:-3}
MAX_RATE=${MAX_RATE:-32000}
KEA_MODES=${KEA_MODES:-"st mt"}
PRELOAD_N=${PRELOAD_N:-100000}
PRELOAD1M_N=${PRELOAD1M_N:-1000000}
PRELOAD1M_RATES=${PRELOAD1M_RATES:-"1000 2000 4000"}
PRELOAD1M_KEA=${PRELOAD1M_KEA:-st}
START_SECS=${START_SECS:-60}
LOSS_MAX=2.5 # percent of exchanges that may fail
SCENARIOS=${*:-"dora renew reuse preload hook classes v6na v6pd"}
LEASE_CMDS=${LEASE_CMDS:-/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so}
OUT=${OUT:-$HERE/results/$(date +%Y-%m-%d)}
CLK_TCK=$(getconf CLK_TCK)

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

mkdir -p "$OUT/raw"

if [ -z "${NESTOR_BIN:-}" ]; then
    NESTOR_BIN=$TMP/nestor
    echo "building nestor from $REPO"
    (cd "$REPO" && go build -o "$NESTOR_BIN" ./cmd/nestor) || { echo "build failed"; exit 1; }
fi

ns_up() {
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || return 1
    ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || return 1
    local ns
    for ns in "$NS_SRV" "$NS_CLI"; do
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.core.rmem_default=4194304 net.core.wmem_default=4194304 >/dev/null 2>&1
        # link-local addresses usable at once (DHCPv6 scenarios)
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1
    done
    ip -n "$NS_SRV" addr add "$SRV4/24" dev "$IF_SRV"
    ip -n "$NS_CLI" addr add "$CLI4/24" dev "$IF_CLI"
    ip -n "$NS_SRV" addr add 2001:db8:1::1/64 dev "$IF_SRV" nodad
    ip -n "$NS_CLI" addr add 2001:db8:1::2/64 dev "$IF_CLI" nodad
    ip -n "$NS_SRV" link set "$IF_SRV" up
    ip -n "$NS_CLI" link set "$IF_CLI" up
}
ns_up || { echo "namespace setup failed"; exit 1; }

# family SCEN — 6 for the DHCPv6 scenarios, else 4.
family() { case $1 in v6*) echo 6 ;; *) echo 4 ;; esac; }

# classes_json — the classification-heavy scenario's 20 client classes, each
# with option data: ten test the MAC's last byte (rarely match, always
# evaluated), ten match every DISCOVER and REQUEST but one MAC byte value.
classes_json() {
    local i t sep=""
    printf '"client-classes": ['
    for i in $(seq 0 19); do
        if [ "$i" -lt 10 ]; then
            t=$(printf "substring(pkt4.mac,5,1) == 0x%02x and option[55].exists" "$i")
        else
            t=$(printf "(pkt4.msgtype == 1 or pkt4.msgtype == 3) and not (substring(pkt4.mac,4,1) == 0x%02x)" "$i")
        fi
        printf '%s\n  {"name": "class%02d", "test": "%s", "option-data": [{"name": "domain-name", "data": "class%02d.example.org"}, {"name": "ntp-servers", "data": "198.51.100.%d", "always-send": true}]}' \
            "$sep" "$i" "$t" "$i" $(( i + 10 ))
        sep=","
    done
    printf '],\n'
}

# write_config MODE LEASEFILE SCEN > CONFIG — the same Kea configuration for
# both servers. MODE st or mt (Kea multi-threading; Nestor ignores it).
write_config() {
    local mt=false extra=""
    [ "$1" = mt ] && mt=true
    case $3 in
        hook) extra="\"hooks-libraries\": [{\"library\": \"$LEASE_CMDS\"}]," ;;
        classes) extra=$(classes_json) ;;
        v6*)
            cat <<EOF
{"Dhcp6": {
  "interfaces-config": {"interfaces": ["$IF_SRV"]},
  "lease-database": {"type": "memfile", "persist": true, "name": "$2", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": $mt, "thread-pool-size": 2, "packet-queue-size": 64},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/48", "interface": "$IF_SRV",
    "pools": [{"pool": "2001:db8:1:1::/64"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 33, "delegated-len": 56}],
    "option-data": [{"name": "dns-servers", "data": "2001:db8:1::1"}]}],
  "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
}}
EOF
            return ;;
    esac
    cat <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["$IF_SRV"], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$2", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": $mt, "thread-pool-size": 2, "packet-queue-size": 64},
  $extra
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15",
    "pools": [{"pool": "198.18.0.1 - 198.19.255.254"}],
    "relay": {"ip-addresses": ["$CLI4"]},
    "option-data": [{"name": "routers", "data": "198.18.0.1"},
                    {"name": "domain-name-servers", "data": "198.51.100.1"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
}}
EOF
}

# make_preload N FILE [FIRST] — N active leases in Kea 2.2's memfile CSV
# format, addresses from 198.18.0.1 upward (from FIRST, a 32-bit number,
# when given), MACs 0a:00:xx:xx:xx (not perfdhcp's).
make_preload() {
    local until=$(( $(date +%s) + 86400 ))
    awk -v n="$1" -v until="$until" -v first="${3:-$(( (198 << 24) + (18 << 16) + 1 ))}" 'BEGIN {
        print "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"
        for (i = 1; i <= n; i++) {
            a = first + i - 1
            o4 = a % 256; a = int(a / 256); o3 = a % 256; a = int(a / 256); o2 = a % 256; o1 = int(a / 256)
            printf "%d.%d.%d.%d,0a:00:%02x:%02x:%02x:%02x,,86400,%d,1,0,0,,0,\n", o1, o2, o3, o4, int(i / 16777216) % 256, int(i / 65536) % 256, int(i / 256) % 256, i % 256, until
        }
    }' > "$2"
}

# start_server SERVER MODE SCEN — fresh lease file (a copy of the preload file
# for "preload"), server pinned to SRV_CORE; sets SPID; waits until port 67
# (547 for DHCPv6) is bound (at most 60 s).
start_server() {
    local srv=$1 mode=$2 scen=$3 fam port=67
    fam=$(family "$scen")
    [ "$fam" = 6 ] && port=547
    rm -f "$TMP"/leases*.csv* "$TMP"/*.pid
    if [ "$scen" = preload ]; then cp "$TMP/preload.csv" "$TMP/leases4.csv"; fi
    if [ "$scen" = preload1m ]; then cp "$TMP/preload1m.csv" "$TMP/leases4.csv"; fi
    write_config "$mode" "$TMP/leases$fam.csv" "$scen" > "$TMP/dhcp.json"
    case $srv in
        kea) ip netns exec "$NS_SRV" taskset -c $SRV_CORE "kea-dhcp$fam" -c "$TMP/dhcp.json" >"$TMP/server.log" 2>&1 & ;;
        nestor) ip netns exec "$NS_SRV" taskset -c $SRV_CORE "$NESTOR_BIN" "dhcp$fam" -c "$TMP/dhcp.json" >"$TMP/server.log" 2>&1 & ;;
    esac
    SPID=$!
    local t0 i limit=$START_SECS
    t0=$(date +%s.%N)
    [ "$scen" = preload1m ] && [ "$limit" -lt 1800 ] && limit=1800
    for i in $(seq $(( limit * 10 ))); do
        kill -0 "$SPID" 2>/dev/null || { echo "server $srv exited at start:"; cat "$TMP/server.log"; SPID=""; return 1; }
        # bound: let start-up work finish before the CPU counters are read
        ip netns exec "$NS_SRV" ss -Hulnp "sport = :$port" 2>/dev/null | grep -q "pid=$SPID," && {
            START_TOOK=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
            sleep 0.5; return 0; }
        sleep 0.1
    done
    echo "server $srv did not bind port $port in $limit s"; stop_server; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
vm_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# parse FILE — prints: do_sent do_recv ra_sent ra_recv ren_sent ren_recv
#   do_avg do_max ra_avg ra_max ren_avg ren_max (ms)
parse() {
    awk '
    /^\*\*\*Statistics for: (DISCOVER-OFFER|SOLICIT-ADVERTISE)/ {s = "do"}
    /^\*\*\*Statistics for: REQUEST-ACK \(renewal\)/ {s = "ren"; next}
    /^\*\*\*Statistics for: (REQUEST-ACK|REQUEST-REPLY)/ {s = "ra"}
    /^sent packets:/ {v[s, "sent"] = $3}
    /^received packets:/ {v[s, "recv"] = $3}
    /^avg delay:/ {v[s, "avg"] = $3}
    /^max delay:/ {v[s, "max"] = $3}
    END {
        n = split("do ra ren", k, " ")
        printf "%d %d %d %d %d %d", v["do", "sent"], v["do", "recv"], v["ra", "sent"], v["ra", "recv"], v["ren", "sent"], v["ren", "recv"]
        for (i = 1; i <= n; i++) printf " %.3f %.3f", v[k[i], "avg"], v[k[i], "max"]
        printf "\n"
    }' "$1"
}

# perf_args SCEN RATE — perfdhcp options for a scenario at an offered rate of
# RATE exchanges/s.
perf_args() {
    case $1 in
        dora | preload | preload1m | hook | classes) echo "-4 -R 1000000 -r $2" ;;
        reuse) echo "-4 -R 1000 -r $2" ;;
        # half new DORA exchanges, half renewals of leases obtained in the run
        renew) local h=$(( $2 / 2 )); echo "-4 -R 1000000 -r $h -f $h" ;;
        # SOLICIT-ADVERTISE-REQUEST-REPLY, new clients every exchange (DUIDs
        # from 1,000,000 clients), IA_NA or IA_PD, on the link (ff02::1:2)
        v6na) echo "-6 -R 1000000 -r $2" ;;
        v6pd) echo "-6 -R 1000000 -e prefix-only -r $2" ;;
    esac
}

# run_once SERVER MODE SCEN RATE SECS TAG — one bounded run on a fresh server.
# Sets R_PASS (1/0), R_LOSS (%), R_SENTOK (1/0: perfdhcp sent >= 97.5% of the
# offered DISCOVERs), R_DONE (completed exchanges), R_CPU (server CPU s),
# R_AVG/R_MAX (latency ms), R_HWM (kB); appends a line to steps.csv.
run_once() {
    local srv=$1 mode=$2 scen=$3 rate=$4 secs=$5 tag=$6
    local name="$scen-$srv-$mode-$tag-r$rate"
    local raw="$OUT/raw/$name.txt"
    R_PASS=0 R_LOSS=100 R_SENTOK=0 R_DONE=0 R_CPU=0 R_GEN=0 R_AVG=0 R_MAX=0 R_HWM=0
    # KEEP_SERVER=1 (start-once mode): use the running server, leave it running
    if [ "${KEEP_SERVER:-0}" != 1 ] || [ -z "$SPID" ]; then
        start_server "$srv" "$mode" "$scen" || return 1
    fi
    local c0 c1
    c0=$(cpu_ticks "$SPID")
    # perfdhcp's own CPU seconds (user+system) tell whether the generator
    # was saturated: near secs on its single core means it was the limit.
    local TIMEFORMAT='%U %S'
    # shellcheck disable=SC2046
    { time timeout $(( secs + 20 )) ip netns exec "$NS_CLI" taskset -c $CLI_CORE \
        perfdhcp -l "$IF_CLI" -p "$secs" -W 200000 $(perf_args "$scen" "$rate") $([ "$(family "$scen")" = 4 ] && echo "$SRV4") >"$raw" 2>&1 ; } 2>"$TMP/gentime"
    R_GEN=$(awk '{printf "%.2f", $1 + $2}' "$TMP/gentime")
    c1=$(cpu_ticks "$SPID")
    R_HWM=$(vm_hwm "$SPID")
    [ "${KEEP_SERVER:-0}" = 1 ] || stop_server
    cp "$TMP/server.log" "$OUT/raw/$name.server.log" 2>/dev/null
    local p
    read -r -a p <<<"$(parse "$raw")"
    local dos=${p[0]} rar=${p[3]} rens=${p[4]} renr=${p[5]}
    local offered_do=$rate
    [ "$scen" = renew ] && offered_do=$(( rate / 2 ))
    R_DONE=$(( rar + renr ))
    R_LOSS=$(awk -v a="$(( dos + rens ))" -v d="$R_DONE" 'BEGIN { if (a == 0) print 100; else printf "%.3f", 100 * (a - d) / a }')
    R_SENTOK=$(awk -v s="$dos" -v o="$offered_do" -v t="$secs" 'BEGIN { print (s >= 0.975 * o * t) ? 1 : 0 }')
    R_PASS=$(awk -v l="$R_LOSS" -v m="$LOSS_MAX" -v ok="$R_SENTOK" 'BEGIN { print (l <= m && ok) ? 1 : 0 }')
    R_CPU=$(awk -v t="$(( c1 - c0 ))" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
    # exchange latency: DISCOVER-OFFER + REQUEST-ACK averages; max of the maxima
    R_AVG=$(awk -v a="${p[6]}" -v b="${p[8]}" 'BEGIN { printf "%.3f", a + b }')
    R_MAX=$(awk -v a="${p[7]}" -v b="${p[9]}" -v c="${p[11]}" 'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; printf "%.3f", m }')
    echo "$scen,$srv,$mode,$tag,$rate,$secs,$dos,$R_DONE,$R_LOSS,$R_SENTOK,$R_PASS,$R_CPU,$R_GEN,$R_AVG,$R_MAX,$R_HWM" >>"$OUT/steps.csv"
    printf '  %-7s %-6s %-2s %-6s rate %6d: sent %7d done %7d loss %6s%% sender-ok %d -> %s  cpu %ss perfdhcp cpu %ss\n' \
        "$scen" "$srv" "$mode" "$tag" "$rate" "$dos" "$R_DONE" "$R_LOSS" "$R_SENTOK" \
        "$([ "$R_PASS" = 1 ] && echo pass || echo FAIL)" "$R_CPU" "$R_GEN"
}

# search SERVER MODE SCEN SECS — doubling from 1000 up to MAX_RATE, then
# bisection (at most 5 steps, stops when the gap is under 5%). Sets S_MAX
# (0 when even 1000/s fails) and S_GEN (1 when the first failing rate failed
# only because perfdhcp could not send at the offered rate).
search() {
    local srv=$1 mode=$2 scen=$3 secs=$4 lo=0 hi=0 r=1000 i
    S_GEN=0
    while [ "$r" -le "$MAX_RATE" ]; do
        run_once "$srv" "$mode" "$scen" "$r" "$secs" search || return 1
        if [ "$R_PASS" = 1 ]; then lo=$r; r=$(( r * 2 )); else hi=$r; break; fi
    done
    if [ "$hi" = 0 ]; then S_MAX=$lo; return 0; fi
    S_GEN=$([ "$R_SENTOK" = 0 ] && awk -v l="$R_LOSS" -v m="$LOSS_MAX" 'BEGIN { print (l <= m) ? 1 : 0 }' || echo 0)
    for i in 1 2 3 4 5; do
        [ $(( (hi - lo) * 20 )) -le "$hi" ] && break
        r=$(( (lo + hi) / 2 / 100 * 100 ))
        [ "$r" -le "$lo" ] && break
        run_once "$srv" "$mode" "$scen" "$r" "$secs" search || return 1
        if [ "$R_PASS" = 1 ]; then lo=$r; else
            hi=$r
            S_GEN=$([ "$R_SENTOK" = 0 ] && awk -v l="$R_LOSS" -v m="$LOSS_MAX" 'BEGIN { print (l <= m) ? 1 : 0 }' || echo 0)
        fi
    done
    S_MAX=$lo
}

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r)"
    echo "kea-dhcp4: $(kea-dhcp4 -v 2>&1)   kea-dhcp6: $(kea-dhcp6 -v 2>&1)   perfdhcp: $(perfdhcp -v 2>&1 | awk '{print $2}')"
    echo "nestor: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null) ($NESTOR_BIN)"
    echo "pinning: server on core $SRV_CORE, perfdhcp on core $CLI_CORE (taskset)"
    echo "step: ${STEP_SECS}s (preload 2s), fixed-rate run ${CPU_SECS}s, loss limit ${LOSS_MAX}%"
} | tee "$OUT/machine.txt"
echo "scenario,server,mode,tag,rate,secs,discover_sent,done,loss_pct,sender_ok,pass,cpu_s,perfdhcp_cpu_s,avg_ms,max_ms,vmhwm_kb" >"$OUT/steps.csv"

if echo " $SCENARIOS " | grep -q " preload1m "; then
    # from 198.20.0.1 upward: outside the subnet and its pool (198.18.0.0/15
    # holds 131,070 addresses), which stays free for the new clients. The
    # rows are only data in the store: no packet is addressed to them.
    make_preload "$PRELOAD1M_N" "$TMP/preload1m.csv" $(( (198 << 24) + (20 << 16) + 1 ))
    [ "$(wc -l <"$TMP/preload1m.csv")" -gt "$PRELOAD1M_N" ] || { echo "preload1m file not written"; exit 1; }
    echo "preload1m file: $PRELOAD1M_N leases, $(wc -c <"$TMP/preload1m.csv") bytes"
fi
if echo " $SCENARIOS " | grep -q " preload "; then
    make_preload "$PRELOAD_N" "$TMP/preload.csv"
    [ "$(wc -l <"$TMP/preload.csv")" -gt "$PRELOAD_N" ] || { echo "preload file not written"; exit 1; }
    echo "preload file: $PRELOAD_N leases, $(wc -c <"$TMP/preload.csv") bytes"
fi

T_START=$(date +%s)
KEA_BEST=""
: >"$TMP/rows"
# preload1m SERVER MODE — start-once mode: one start on the 1M-lease file
# (Kea 2.2 takes minutes to load it), its start-up time and VmHWM, then a
# fixed-rate run at every rate of PRELOAD1M_RATES on that same server (no
# max-rate search). Bounded: stops before the pool (131,070 addresses)
# could run out.
preload1m() {
    local srv=$1 mode=$2 rate used=0 cpuus
    echo "== preload1m $srv ($mode): start with $PRELOAD1M_N leases"
    start_server "$srv" "$mode" preload1m || return 1
    echo "preload1m $srv($mode): started in ${START_TOOK}s (to port 67 bound), VmHWM $(vm_hwm "$SPID") kB" | tee -a "$OUT/machine.txt"
    KEEP_SERVER=1
    for rate in $PRELOAD1M_RATES; do
        used=$(( used + rate * CPU_SECS ))
        if [ "$used" -gt 120000 ]; then echo "   rate $rate/s skipped: the pool would run low"; break; fi
        echo "== preload1m $srv: $rate/s for ${CPU_SECS}s on the running server"
        run_once "$srv" "$mode" preload1m "$rate" "$CPU_SECS" once || { KEEP_SERVER=0; return 1; }
        cpuus=$(awk -v c="$R_CPU" -v d="$R_DONE" 'BEGIN { if (d == 0) print "n/a"; else printf "%.1f", 1e6 * c / d }')
        echo "p1m@$rate $srv($mode) - $rate $R_AVG $R_MAX $cpuus $R_HWM $R_LOSS" >>"$TMP/rows"
    done
    KEEP_SERVER=0
    stop_server
}

for scen in $SCENARIOS; do
    if [ "$scen" = preload1m ]; then
        preload1m kea "$PRELOAD1M_KEA" || exit 1
        preload1m nestor st || exit 1
        echo "elapsed: $(( $(date +%s) - T_START ))s"
        continue
    fi
    secs=$STEP_SECS
    [ "$scen" = preload ] && secs=2
    declare -A MAXR=() GEN=()
    # Kea's threading mode is chosen per scenario: every mode in KEA_MODES is
    # searched and the one with the highest max rate is kept.
    KEA_BEST=""
    modes=$KEA_MODES
    for mode in $modes; do
        echo "== $scen kea ($mode): search"
        search kea "$mode" "$scen" "$secs" || exit 1
        MAXR[kea-$mode]=$S_MAX GEN[kea-$mode]=$S_GEN
    done
    if [ -z "$KEA_BEST" ]; then
        best=""
        for mode in $modes; do
            if [ -z "$best" ] || [ "${MAXR[kea-$mode]}" -gt "${MAXR[kea-$best]}" ]; then best=$mode; fi
        done
        KEA_BEST=$best
        echo "Kea threading chosen on $scen: $KEA_BEST ($(for m in $modes; do printf '%s=%s ' "$m" "${MAXR[kea-$m]}"; done))" | tee -a "$OUT/machine.txt"
    fi
    echo "== $scen nestor: search"
    search nestor st "$scen" "$secs" || exit 1
    MAXR[nestor-st]=$S_MAX GEN[nestor-st]=$S_GEN
    # fixed rate both sustain: half the lower maximum, rounded to 100, >= 500
    lowmax=${MAXR[nestor-st]}
    [ "${MAXR[kea-$KEA_BEST]}" -lt "$lowmax" ] && lowmax=${MAXR[kea-$KEA_BEST]}
    fixed=$(( lowmax / 2 / 100 * 100 ))
    [ "$fixed" -lt 500 ] && fixed=500
    # FIXED_REPEATS runs per server, alternating servers; the row keeps the
    # run with the median CPU per exchange.
    : >"$TMP/fixed"
    for rep in $(seq "$FIXED_REPEATS"); do
        for sm in "kea $KEA_BEST" "nestor st"; do
            set -- $sm
            echo "== $scen $1: fixed rate $fixed/s for ${CPU_SECS}s (run $rep)"
            run_once "$1" "$2" "$scen" "$fixed" "$CPU_SECS" fixed$rep || exit 1
            cpuus=$(awk -v c="$R_CPU" -v d="$R_DONE" 'BEGIN { if (d == 0) print "n/a"; else printf "%.1f", 1e6 * c / d }')
            gen=""; [ "${GEN[$1-$2]}" = 1 ] && gen="*"
            echo "$scen $1($2) ${MAXR[$1-$2]}$gen $fixed $R_AVG $R_MAX $cpuus $R_HWM $R_LOSS" >>"$TMP/fixed"
        done
    done
    for s in "kea($KEA_BEST)" "nestor(st)"; do
        awk -v s="$s" '$2 == s' "$TMP/fixed" | sort -g -k7 | awk -v m=$(( (FIXED_REPEATS + 1) / 2 )) 'NR == m' >>"$TMP/rows"
        echo "   $s cpu us/exchange per run: $(awk -v s="$s" '$2 == s {printf "%s ", $7}' "$TMP/fixed")" | tee -a "$OUT/machine.txt"
    done
    unset MAXR GEN
    echo "elapsed: $(( $(date +%s) - T_START ))s"
done

# table
{
    echo "Nestor vs Kea 2.2, perfdhcp (DHCPv4 as a relay, DHCPv6 on the link); server pinned to core $SRV_CORE, perfdhcp to core $CLI_CORE."
    echo "max rate: highest offered exchanges/s with <= ${LOSS_MAX}% failed exchanges (* = the next step failed because perfdhcp"
    echo "could not send at the offered rate, i.e. the generator, not the server, was the limit)."
    echo "latency, CPU and RSS are measured at the fixed offered rate shown (half the lower of the two maxima), same for both servers."
    echo
    printf '%-8s %-12s %9s %7s %9s %9s %9s %9s %7s\n' scenario server "max/s" "fixed/s" "avg ms" "max ms" "cpu us/x" "RSS kB" "loss%"
    awk '{ printf "%-8s %-12s %9s %7s %9s %9s %9s %9s %7s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$TMP/rows"
    echo
    echo "Nestor/Kea ratios (lower is better except max/s):"
    printf '%-8s %9s %9s %9s %9s %9s\n' scenario "max/s" "avg ms" "max ms" "cpu us/x" "RSS kB"
    awk '{ s = $1; k = ($2 ~ /^kea/) ? "k" : "n"; for (i = 3; i <= 8; i++) { v = $i; sub(/\*$/, "", v); x[s, k, i] = v }; if (!(s in seen)) { seen[s] = 1; order[++n] = s } }
      function r(a, b) { return (b + 0 == 0 || a == "n/a" || b == "n/a") ? "n/a" : sprintf("%.2f", a / b) }
      END { for (j = 1; j <= n; j++) { s = order[j]
        printf "%-8s %9s %9s %9s %9s %9s\n", s, r(x[s, "n", 3], x[s, "k", 3]), r(x[s, "n", 5], x[s, "k", 5]), r(x[s, "n", 6], x[s, "k", 6]), r(x[s, "n", 7], x[s, "k", 7]), r(x[s, "n", 8], x[s, "k", 8]) } }' "$TMP/rows"
} | tee "$OUT/table.txt"
echo "results in $OUT (raw perfdhcp outputs in raw/, every step in steps.csv); total $(( $(date +%s) - T_START ))s"
