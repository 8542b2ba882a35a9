#!/bin/bash
# configget.sh CONFIG OUT — run Kea 2.2's kea-dhcp4 on CONFIG inside a fresh
# network namespace (ncfg<pid>), ask it config-get and config-hash-get over a
# unix control socket, write the answers to OUT.get.json / OUT.hash.json and
# stop it. CONFIG must have an empty "interfaces" list and no control-socket:
# the script adds its own socket. Needs root, kea-dhcp4, socat, python3.
set -u
cfg=$1; out=$2
ns=ncfg$$
dir=$(mktemp -d /tmp/ncfg.XXXXXX)
export KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir
python3 - "$cfg" "$dir" >"$dir/kea.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["Dhcp4"]["control-socket"] = {"socket-type": "unix", "socket-name": sys.argv[2] + "/ctl.sock"}
c["Dhcp4"].setdefault("lease-database", {"type": "memfile", "persist": False})
print(json.dumps(c))
PY
ip netns add "$ns" || exit 1
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" kea-dhcp4 -c "$dir/kea.json" >"$dir/kea.log" 2>&1 &
pid=$!
for i in $(seq 1 50); do [ -S "$dir/ctl.sock" ] && break; sleep 0.1; done
[ -S "$dir/ctl.sock" ] || { echo "kea-dhcp4 did not open its control socket:" >&2; grep -E 'ERROR|FATAL' "$dir/kea.log" | head -5 >&2; }
echo '{"command":"config-get"}' | socat -t 5 - UNIX-CONNECT:"$dir/ctl.sock" >"$out.get.json"
echo '{"command":"config-hash-get"}' | socat -t 5 - UNIX-CONNECT:"$dir/ctl.sock" >"$out.hash.json"
kill "$pid"; wait "$pid" 2>/dev/null
ip netns del "$ns"
rm -rf "$dir"
