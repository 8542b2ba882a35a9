#!/bin/bash
# Capture golden DHCPv6 packets from real clients talking to Kea 2.2.
#
#   [ns n6cap-srv] n6cap-s 2001:db8:1::1/64  kea-dhcp6 + tcpdump
#        | veth pair (nothing else attached)
#   [ns n6cap-cli] n6cap-c link-local only (2001:db8:1::2/64 for perfdhcp)
#
# Sessions: dhclient -6 -N -P (solicit/request, renew, release -r),
# dhcpcd -6 (IA_NA + IA_PD, release), perfdhcp -6 direct and relayed (-A 1),
# address-only and address-and-prefix. Each session is captured to its own
# pcap; extract.go turns every DHCPv6 UDP payload into
# golden/<client>-<n>-<msgtype>.bin.
#
# Run as root from anywhere: bash dhcp6/testdata/capture.sh
# Re-running replaces the golden files; transaction ids and DUIDs change, so
# the expectation table in golden_test.go must be updated to match.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/golden
RUN=${RUN:-/tmp/n6cap-run}
NS_SRV=n6cap-srv
NS_CLI=n6cap-cli
IF_SRV=n6cap-s
IF_CLI=n6cap-c
SRV6=2001:db8:1::1
CLI6=2001:db8:1::2
export KEA_PIDFILE_DIR=$RUN KEA_LOCKFILE_DIR=$RUN

[ "$(id -u)" = 0 ] || { echo "capture.sh: needs root (network namespaces)" >&2; exit 1; }
for t in kea-dhcp6 tcpdump dhclient dhcpcd perfdhcp ip go; do
    command -v "$t" >/dev/null || { echo "capture.sh: $t not installed" >&2; exit 1; }
done

PIDS=()
cleanup() {
    local p i
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        for i in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    # dhclient/dhcpcd daemonize; their pid files name them.
    for f in "$RUN"/dhclient.pid "$RUN"/dhcpcd.pid; do
        [ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
    done
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
}
trap cleanup EXIT INT TERM

# bg NS CMD... : start CMD in namespace NS in the background, remember its pid.
bg() {
    local ns=$1; shift
    setsid ip netns exec "$ns" "$@" </dev/null &
    PIDS+=($!)
    LAST=$!
}
stop() { # stop PID: TERM, wait up to 3 s, KILL
    local i
    kill -TERM "$1" 2>/dev/null
    for i in $(seq 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null
}
sysctl_ns() { ip netns exec "$1" sysctl -qw "$2" >/dev/null; }

ns_up() {
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || return 1
    ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || return 1
    local ns
    for ns in "$NS_SRV" "$NS_CLI"; do
        ip -n "$ns" link set lo up
        for k in all default; do
            sysctl_ns "$ns" net.ipv6.conf.$k.disable_ipv6=0
            sysctl_ns "$ns" net.ipv6.conf.$k.accept_dad=0
            sysctl_ns "$ns" net.ipv6.conf.$k.accept_ra=0
        done
    done
    sysctl_ns "$NS_SRV" net.ipv6.conf.$IF_SRV.accept_dad=0
    sysctl_ns "$NS_CLI" net.ipv6.conf.$IF_CLI.accept_dad=0
    sysctl_ns "$NS_SRV" net.ipv6.conf.$IF_SRV.accept_ra=0
    sysctl_ns "$NS_CLI" net.ipv6.conf.$IF_CLI.accept_ra=0
    ip -n "$NS_SRV" addr add "$SRV6/64" dev "$IF_SRV" nodad
    ip -n "$NS_SRV" link set "$IF_SRV" up
    ip -n "$NS_CLI" link set "$IF_CLI" up
    local i
    for i in $(seq 30); do
        ip -n "$NS_SRV" -6 addr show dev "$IF_SRV" scope link | grep -q inet6 &&
            ip -n "$NS_CLI" -6 addr show dev "$IF_CLI" scope link | grep -q inet6 && return 0
        sleep 0.1
    done
    echo "capture.sh: link-local addresses did not appear" >&2
    return 1
}

write_kea_conf() {
    cat >"$RUN/kea-dhcp6.json" <<EOF
{
"Dhcp6": {
    "interfaces-config": { "interfaces": [ "$IF_SRV" ] },
    "lease-database": { "type": "memfile", "persist": false },
    "server-id": { "type": "EN", "enterprise-id": 2495,
                   "identifier": "6e36636170", "persist": false },
    "renew-timer": 5, "rebind-timer": 8,
    "preferred-lifetime": 10, "valid-lifetime": 15,
    "subnet6": [ {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "$IF_SRV",
        "relay": { "ip-addresses": [ "$CLI6" ] },
        "pools": [ { "pool": "2001:db8:1::100-2001:db8:1::1ff" } ],
        "pd-pools": [ { "prefix": "2001:db8:8000::", "prefix-len": 33,
                        "delegated-len": 56 } ],
        "option-data": [
            { "name": "dns-servers", "data": "2001:db8:1::53" },
            { "name": "domain-search", "data": "example.org, lab.example.org" }
        ]
    } ],
    "loggers": [ {
        "name": "kea-dhcp6",
        "output_options": [ { "output": "$RUN/kea-dhcp6.log" } ],
        "severity": "DEBUG", "debuglevel": 40
    } ]
}
}
EOF
}

# session NAME : start tcpdump for a session; endsession extracts it.
session() {
    SESSION=$1
    rm -f "$RUN/$SESSION.pcap"
    bg "$NS_SRV" tcpdump -i "$IF_SRV" -n -U -Z root -w "$RUN/$SESSION.pcap" 'udp port 546 or udp port 547'
    TCPDUMP=$LAST
    sleep 1
}
endsession() {
    sleep 1.5
    stop "$TCPDUMP"
    tcpdump -n -vv -r "$RUN/$SESSION.pcap" 2>/dev/null | sed "s/ \[bad udp cksum[^]]*\]//" >"$OUT/$SESSION.tcpdump.txt"
    "$RUN/extract" -client "$SESSION" -out "$OUT" "$RUN/$SESSION.pcap" ||
        echo "capture.sh: extraction failed for $SESSION" >&2
}

mkdir -p "$RUN" "$OUT"
rm -f "$OUT"/*.bin "$RUN"/*.pcap "$RUN"/*.leases "$RUN"/*.log
(cd "$HERE" && go build -o "$RUN/extract" extract.go) || exit 1
ns_up || exit 1
write_kea_conf
ip netns exec "$NS_SRV" kea-dhcp6 -t "$RUN/kea-dhcp6.json" >"$RUN/kea-check.log" 2>&1 ||
    { cat "$RUN/kea-check.log" >&2; exit 1; }
bg "$NS_SRV" kea-dhcp6 -c "$RUN/kea-dhcp6.json"
KEA=$LAST
for i in $(seq 50); do
    grep -q DHCP6_STARTED "$RUN/kea-dhcp6.log" 2>/dev/null && break
    sleep 0.1
done
sleep 0.5

# --- dhclient: IA_NA + IA_PD, then a renew at T1 = 5 s, then release.
cat >"$RUN/dhclient6.conf" <<EOF
request dhcp6.name-servers, dhcp6.domain-search;
EOF
session dhclient
ip netns exec "$NS_CLI" timeout 20 dhclient -6 -N -P -1 -v -cf "$RUN/dhclient6.conf" \
    -lf "$RUN/dhclient6.leases" -pf "$RUN/dhclient.pid" -sf /bin/true "$IF_CLI" \
    >"$RUN/dhclient.log" 2>&1
sleep 7 # past T1: dhclient renews
ip netns exec "$NS_CLI" timeout 10 dhclient -6 -N -P -r -v -cf "$RUN/dhclient6.conf" \
    -lf "$RUN/dhclient6.leases" -pf "$RUN/dhclient.pid" -sf /bin/true "$IF_CLI" \
    >>"$RUN/dhclient.log" 2>&1
endsession

# --- dhcpcd: IA_NA 1 + IA_PD 2, DUID-LL, then release.
cat /work/shared/tools/dhcpcd6.conf >"$RUN/dhcpcd6.conf" 2>/dev/null || cat >"$RUN/dhcpcd6.conf" <<EOF
noipv6rs
nohook resolv.conf, timesyncd, ntp, hostname
duid ll
option dhcp6_name_servers, dhcp6_domain_search
ia_na 1
ia_pd 2 -
EOF
session dhcpcd
bg "$NS_CLI" timeout 25 dhcpcd -6 -B -f "$RUN/dhcpcd6.conf" -c /bin/true "$IF_CLI"
DHCPCD=$LAST
for i in $(seq 150); do
    tcpdump -n -r "$RUN/dhcpcd.pcap" 2>/dev/null | grep -q 'dhcp6 reply' && break
    sleep 0.1
done
sleep 1
ip netns exec "$NS_CLI" timeout 10 dhcpcd -6 -k "$IF_CLI" >/dev/null 2>&1
sleep 1
stop "$DHCPCD"
endsession

# --- perfdhcp: direct and relayed, address-only and address-and-prefix.
ip -n "$NS_CLI" addr add "$CLI6/64" dev "$IF_CLI" nodad
for mode in direct relay; do
    for lt in na napd; do
        args=(-6 -l "$IF_CLI" -R 10 -n 4 -r 10 -W 200000)
        [ "$mode" = relay ] && args+=(-A 1)
        [ "$lt" = napd ] && args+=(-e address-and-prefix)
        session "perfdhcp-$mode-$lt"
        ip netns exec "$NS_CLI" timeout 20 perfdhcp "${args[@]}" >"$RUN/perfdhcp-$mode-$lt.log" 2>&1
        endsession
    done
done

# --- perfdhcp: renews and releases of the leases it got (-f, -F), direct.
session perfdhcp-direct-renew
ip netns exec "$NS_CLI" timeout 20 perfdhcp -6 -l "$IF_CLI" -R 3 -r 2 -f 1 -F 1 -p 3 \
    -e address-and-prefix -W 200000 >"$RUN/perfdhcp-direct-renew.log" 2>&1
endsession

stop "$KEA"
ls "$OUT" | wc -l | xargs echo "capture.sh: golden files:"
