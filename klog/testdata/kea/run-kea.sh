#!/bin/bash
# Runs Kea 2.2's kea-dhcp4 for a few seconds inside a private network
# namespace (nlog-kea, loopback only, no interfaces configured) to record
# its real log output. Usage: run-kea.sh CONFIG SECONDS [extra kea args]
# Environment (KEA_LOGGER_DESTINATION, ...) is passed through.
set -u
cfg=$1; secs=${2:-2}; shift 2
NS=nlog-kea
RUN=${RUN:-/tmp/klog-kea-run}
mkdir -p "$RUN"
export KEA_PIDFILE_DIR=$RUN KEA_LOCKFILE_DIR=${KEA_LOCKFILE_DIR:-$RUN}
ip netns add "$NS" 2>/dev/null
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" kea-dhcp4 -c "$cfg" "$@" &
pid=$!
sleep "$secs"
kill -TERM "$pid" 2>/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
ip netns del "$NS"
