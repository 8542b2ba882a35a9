#!/bin/bash
# Captures real DHCPv4 traffic between Kea 2.2 and real clients, for the
# golden tests of package dhcp4.
#
#   [ns n4cap-srv]  n4cap-s 198.51.100.1/24   kea-dhcp4 + tcpdump
#        |  veth pair (nothing else attached; traffic never leaves it)
#   [ns n4cap-cli]  n4cap-c                   dhclient, udhcpc, dhcpcd, perfdhcp
#
# For each client: obtain, renew, release; perfdhcp acts as a relay (giaddr
# 198.51.100.2, static address) and adds option 82. One pcap per client is
# written to testdata/pcap/, then extract/main.go writes every DHCP payload
# to testdata/golden/<client>-<n>-<msgtype>.bin.
#
# The golden table in golden_test.go matches the committed captures; a new
# capture changes xids and addresses, and the table must follow.
#
# Needs root, iproute2, kea-dhcp4, tcpdump, dhclient, udhcpc, dhcpcd,
# perfdhcp. Run from anywhere: bash dhcp4/testdata/capture.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# OUT: where pcap/ and golden/ go (default: beside this script). Set it to
# try the script without replacing the committed goldens.
OUT=${OUT:-$HERE}
NS_SRV=n4cap-srv
NS_CLI=n4cap-cli
IF_SRV=n4cap-s
IF_CLI=n4cap-c
WORK=$(mktemp -d /tmp/n4cap.XXXXXX)
export KEA_PIDFILE_DIR=$WORK KEA_LOCKFILE_DIR=$WORK KEA_LOG_FILE_DIR=$WORK
PIDS=()

log() { echo "capture: $*" >&2; }

cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    sleep 0.5
    for p in "${PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    # Client daemons that forked themselves: stop them by their pid files.
    for f in "$WORK"/*.pidfile; do
        [ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
    done
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "capture: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

# bg NS CMD... : start CMD in NS in the background, remember its pid.
bg() {
    local ns=$1; shift
    setsid ip netns exec "$ns" "$@" </dev/null >>"$WORK/bg.log" 2>&1 &
    PIDS+=("$!")
    LAST=$!
}

stop() { # stop PID: TERM, wait up to 3 s, KILL
    local p=$1 i
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 30); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
}

wait_for() { # wait_for FILE REGEX SECONDS
    local i
    for i in $(seq $(($3 * 10))); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    log "timeout waiting for '$2' in $1"
    return 1
}

for t in kea-dhcp4 tcpdump dhclient udhcpc dhcpcd perfdhcp ip; do
    command -v "$t" >/dev/null || { log "missing $t"; exit 1; }
done
[ "$(id -u)" = 0 ] || { log "needs root"; exit 1; }

ip netns del "$NS_CLI" 2>/dev/null
ip netns del "$NS_SRV" 2>/dev/null
ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || exit 1
ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || exit 1
# Fixed MAC on the client side so the goldens are stable across runs.
ip -n "$NS_CLI" link set "$IF_CLI" address 02:00:5e:10:00:02
ip -n "$NS_SRV" link set "$IF_SRV" address 02:00:5e:10:00:01
for ns in "$NS_SRV" "$NS_CLI"; do ip -n "$ns" link set lo up; done
ip -n "$NS_SRV" addr add 198.51.100.1/24 dev "$IF_SRV"
ip -n "$NS_SRV" link set "$IF_SRV" up
ip -n "$NS_CLI" link set "$IF_CLI" up

# Hook for dhclient (-sf), udhcpc (-s) and dhcpcd (-c): logs the event and,
# for dhclient and udhcpc, puts the address on the interface so that renew
# and release go unicast. Touches nothing outside the client namespace.
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
echo "event=$1 reason=${reason:-} ip=${ip:-}${new_ip_address:-}" >>@HOOK_LOG@
[ -n "${protocol:-}" ] && exit 0
case "$1" in
  bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/24" dev "$interface"; exit 0 ;;
  deconfig) ip -4 addr flush dev "$interface"; exit 0 ;;
esac
case "${reason:-}" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    ip -4 addr flush dev "$interface"; ip addr add "$new_ip_address/24" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" ;;
esac
exit 0
HOOK
HOOK_LOG=$WORK/hook.log
sed -i "s#@HOOK_LOG@#$HOOK_LOG#" "$WORK/hook.sh"
chmod +x "$WORK/hook.sh"

cat >"$WORK/kea.json" <<KEA
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$IF_SRV" ], "dhcp-socket-type": "raw" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/leases4.csv", "lfc-interval": 0 },
    "valid-lifetime": 60,
    "renew-timer": 4,
    "rebind-timer": 40,
    "subnet4": [
      {
        "id": 1,
        "subnet": "198.51.100.0/24",
        "pools": [ { "pool": "198.51.100.100 - 198.51.100.199" } ],
        "option-data": [
          { "name": "routers", "data": "198.51.100.1" },
          { "name": "domain-name-servers", "data": "198.51.100.1" },
          { "name": "domain-name", "data": "example.org" },
          { "code": 121, "csv-format": false, "data": "18CB0071C6336401" }
        ]
      }
    ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                   "output_options": [ { "output": "$WORK/kea.log" } ] } ]
  }
}
KEA
ip netns exec "$NS_SRV" kea-dhcp4 -t "$WORK/kea.json" >/dev/null || { log "kea config rejected"; exit 1; }
bg "$NS_SRV" kea-dhcp4 -c "$WORK/kea.json"
KEA_PID=$LAST
wait_for "$WORK/kea.log" "DHCP4_STARTED|DHCPSRV_CFGMGR_NEW_SUBNET" 10 || exit 1
sleep 1

mkdir -p "$OUT/pcap" "$OUT/golden"
start_capture() { # start_capture NAME
    bg "$NS_SRV" tcpdump -i "$IF_SRV" -n -U -s 0 -w "$OUT/pcap/$1.pcap" 'udp and (port 67 or port 68)'
    TCPDUMP_PID=$LAST
    sleep 1
}
stop_capture() { sleep 0.5; stop "$TCPDUMP_PID"; }

# --- dhclient: obtain (DORA), renew (T1 = 4 s, unicast), release.
log dhclient
: >"$HOOK_LOG"
start_capture dhclient
ip netns exec "$NS_CLI" timeout 20 dhclient -4 -v -1 -sf "$WORK/hook.sh" \
    -pf "$WORK/dhclient.pidfile" -lf "$WORK/dhclient.leases" "$IF_CLI" >>"$WORK/bg.log" 2>&1
wait_for "$HOOK_LOG" "reason=BOUND" 10
wait_for "$HOOK_LOG" "reason=RENEW" 10
ip netns exec "$NS_CLI" timeout 10 dhclient -4 -v -r -sf "$WORK/hook.sh" \
    -pf "$WORK/dhclient.pidfile" -lf "$WORK/dhclient.leases" "$IF_CLI" >>"$WORK/bg.log" 2>&1
sleep 1
stop_capture
ip -n "$NS_CLI" -4 addr flush dev "$IF_CLI"

# --- udhcpc: obtain, renew (SIGUSR1), release (SIGUSR2).
log udhcpc
: >"$HOOK_LOG"
start_capture udhcpc
bg "$NS_CLI" timeout 30 udhcpc -f -i "$IF_CLI" -s "$WORK/hook.sh" -t 5 -T 2 -A 1
UDHCPC_PID=$LAST
wait_for "$HOOK_LOG" "event=bound" 10
sleep 1
# $LAST is setsid's pid, which became timeout's; udhcpc is its child.
UPID=$(pgrep -P "$UDHCPC_PID" -x udhcpc || echo "$UDHCPC_PID")
kill -USR1 "$UPID"
wait_for "$HOOK_LOG" "event=renew" 10
kill -USR2 "$UPID"
sleep 1
stop "$UDHCPC_PID"
stop_capture
ip -n "$NS_CLI" -4 addr flush dev "$IF_CLI"

# --- dhcpcd: obtain, renew (-n), release (-k). No ARP probe, no IPv4LL,
# our hook script instead of dhcpcd-run-hooks (no resolv.conf changes).
log dhcpcd
: >"$HOOK_LOG"
start_capture dhcpcd
bg "$NS_CLI" timeout 40 dhcpcd -4 -B -A -L -c "$WORK/hook.sh" -t 10 "$IF_CLI"
DHCPCD_PID=$LAST
wait_for "$WORK/bg.log" "leased 198.51.100" 15
sleep 1
ip netns exec "$NS_CLI" timeout 10 dhcpcd -4 -n "$IF_CLI" >>"$WORK/bg.log" 2>&1
sleep 3
ip netns exec "$NS_CLI" timeout 10 dhcpcd -4 -k "$IF_CLI" >>"$WORK/bg.log" 2>&1
sleep 1
stop "$DHCPCD_PID"
stop_capture
ip -n "$NS_CLI" -4 addr flush dev "$IF_CLI"

# --- perfdhcp as a relay from 198.51.100.2, 10 exchanges among 10 clients,
# with option 82 (circuit-id "eth0/1", remote-id 02:00:5e:10:00:99).
log perfdhcp
ip -n "$NS_CLI" addr add 198.51.100.2/24 dev "$IF_CLI"
start_capture perfdhcp
ip netns exec "$NS_CLI" timeout 20 perfdhcp -4 -l "$IF_CLI" -R 10 -n 10 -r 10 -W 200000 \
    -o 82,0106657468302f31020602005e100099 198.51.100.1 >>"$WORK/bg.log" 2>&1
stop_capture

stop "$KEA_PID"
log "extracting"
rm -f "$OUT"/golden/*.bin
cd "$HERE/../.." && go run dhcp4/testdata/extract/main.go -out "$OUT/golden" "$OUT"/pcap/*.pcap
log done
