#!/bin/bash
# Replays cases/*.req against Kea 2.2's kea-dhcp4 control socket and stores
# each answer, byte for byte, in answers/NAME.out (an empty file: no answer).
# kea-dhcp4 runs in a network namespace of its own ("nctl-cap", loopback
# only, no DHCP interface) with a memfile database that is not persisted.
#   usage: capture.sh            (as root; needs kea-dhcp4, socat, ip)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d /tmp/nctl-cap.XXXXXX)
NS=nctl-cap
SOCK=$RUN/kea4.sock
export KEA_PIDFILE_DIR=$RUN KEA_LOCKFILE_DIR=$RUN
mkdir -p "$HERE/answers"
cat > "$RUN/kea4.json" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "lease-database": {"type": "memfile", "persist": false},
  "control-socket": {"socket-type": "unix", "socket-name": "$SOCK"},
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99,
               "output_options": [{"output": "$RUN/kea4.log"}]}]
}}
JSON
KEAPID=
start() {
    ip netns exec $NS kea-dhcp4 -c "$RUN/kea4.json" >"$RUN/stdout" 2>&1 &
    KEAPID=$!
    for _ in $(seq 50); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
    echo "kea-dhcp4 did not start" >&2; exit 1
}
stop() {
    [ -n "$KEAPID" ] && kill "$KEAPID" 2>/dev/null && wait "$KEAPID" 2>/dev/null
    KEAPID=
}
cleanup() { stop; ip netns del $NS 2>/dev/null; rm -rf "$RUN"; }
trap cleanup EXIT
ip netns del $NS 2>/dev/null
ip netns add $NS && ip netns exec $NS ip link set lo up || exit 1
start
send() { socat -t 5 - UNIX-CONNECT:"$SOCK" 2>/dev/null; }

for req in "$HERE"/cases/*.req; do
    name=$(basename "$req" .req)
    send < "$req" > "$HERE/answers/$name.out"
    if ! kill -0 "$KEAPID" 2>/dev/null; then
        echo "kea-dhcp4 died on $name" >&2
        printf 'CRASH %s\n' "$(tail -1 "$RUN/stdout")" > "$HERE/answers/$name.out"
        wait "$KEAPID"; KEAPID=; rm -f "$SOCK"; start
    fi
done

# Transport behaviour (fresh server for each).
stop; start
# Partial command, then the client closes its side: no answer.
printf '{"command": "list-comm' | send > "$HERE/answers/transport-partial-eof.out"
# Partial command, client waits: the 10 s timeout answers.
( printf '{"command": "list-comm'; sleep 13 ) | socat -t 15 - UNIX-CONNECT:"$SOCK" \
    > "$HERE/answers/transport-partial-timeout.out" 2>/dev/null &
P1=$!
# Connection without any data.
( sleep 13 ) | socat -t 15 - UNIX-CONNECT:"$SOCK" > "$HERE/answers/transport-idle-timeout.out" 2>/dev/null &
P2=$!
# Whitespace only, then wait: processed text is empty.
( printf '   \n  '; sleep 13 ) | socat -t 15 - UNIX-CONNECT:"$SOCK" \
    > "$HERE/answers/transport-ws-timeout.out" 2>/dev/null &
P3=$!
# A large command (1 MiB of arguments) arriving in many reads.
python3 - "$RUN/big.req" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"command": "list-commands", "arguments": {"pad": "' + "x" * (1 << 20) + '"}}')
PY
send < "$RUN/big.req" > "$HERE/answers/transport-big.out"
# The command split across two writes 1 s apart.
( printf '{"command": '; sleep 1; printf '"list-commands"}' ) | send > "$HERE/answers/transport-split.out"
wait $P1 $P2 $P3
ls -l "$RUN" > "$HERE/answers/transport-files.txt"
stat -c '%A %n' "$SOCK" "$SOCK.lock" | sed "s|$RUN/||" > "$HERE/answers/transport-modes.txt"
stop
ls "$RUN" | sed "s|^|after-stop: |" >> "$HERE/answers/transport-modes.txt"

# Zero sample limits on a fresh server: count 0 empties the statistic.
rm -f "$SOCK"; start
i=0
for r in '{"command": "statistic-sample-count-set", "arguments": {"name": "pkt4-received", "max-samples": 0}}' \
         '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' \
         '{"command": "statistic-reset", "arguments": {"name": "pkt4-received"}}' \
         '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' \
         '{"command": "statistic-sample-count-set", "arguments": {"name": "pkt4-sent", "max-samples": 0}}' \
         '{"command": "statistic-get-all"}'; do
    i=$((i+1))
    printf '%s' "$r" > "$HERE/answers/zero-$i.req"
    printf '%s' "$r" | send > "$HERE/answers/zero-$i.out"
    if ! kill -0 "$KEAPID" 2>/dev/null; then
        printf 'CRASH %s\n' "$(tail -1 "$RUN/stdout")" >> "$HERE/answers/zero-$i.out"
        wait "$KEAPID"; KEAPID=; rm -f "$SOCK"; start
    fi
done
stop

# Negative durations crash Kea 2.2 (free(): invalid pointer); record it.
for d in age-set age-set-all; do
    rm -f "$SOCK"; start
    if [ $d = age-set ]; then
        printf '{"command": "statistic-sample-age-set", "arguments": {"name": "pkt4-received", "duration": -5}}'
    else
        printf '{"command": "statistic-sample-age-set-all", "arguments": {"duration": -5}}'
    fi | send > "$HERE/answers/crash-$d-negative.out"
    sleep 0.5
    if ! kill -0 "$KEAPID" 2>/dev/null; then
        printf 'CRASH %s\n' "$(tail -1 "$RUN/stdout")" >> "$HERE/answers/crash-$d-negative.out"
        wait "$KEAPID"; KEAPID=
    else
        stop
    fi
done
echo done
