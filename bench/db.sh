#!/bin/bash
# bench/db.sh — DHCPv4 throughput of Nestor and Kea 2.2 on the same SQL
# lease database (issue 8): PostgreSQL and MariaDB/MySQL, a database made
# by Kea's own kea-admin db-init for each run.
#
#   [ns nbdb-srv] ndb-srv 198.51.100.1/24   server (multi-threading, 4 threads
#          | veth pair                        = 4 database connections)
#   [ns nbdb-cli] ndb-cli 198.51.100.2/24   perfdhcp (a relay)
#
# Each run offers RATE new DORA exchanges/s for SECS seconds to a fresh
# server on a fresh database and reports the exchanges/s perfdhcp completed
# and how many leases the database holds afterwards.
#
# Usage: sudo bench/db.sh [pgsql] [mysql]
# Environment: NESTOR_BIN (default: built from this checkout), RATES (offered
# exchanges/s, default "500 1000 2000"), SECS (default 10), THREADS (default 4),
# OUT (results file, default bench/results/db-YYYY-MM-DD.txt).
#
# Every loop is bounded; only processes this script started are stopped (by
# PID); the namespaces and databases are removed on exit. Databases are
# reached through their unix sockets (the servers run in a namespace).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [ "$(id -u)" != 0 ]; then echo "bench/db.sh: needs root (network namespaces); skipping"; exit 0; fi
for t in kea-dhcp4 kea-admin perfdhcp ip ss psql mysql; do
    command -v "$t" >/dev/null || { echo "bench/db.sh: $t not installed; skipping"; exit 0; }
done

BACKENDS=${*:-"pgsql mysql"}
RATES=${RATES:-"500 1000 2000"}
SECS=${SECS:-10}
THREADS=${THREADS:-4}
OUT=${OUT:-$HERE/results/db-$(date +%Y-%m-%d).txt}
NS_SRV=nbdb-srv NS_CLI=nbdb-cli IF_SRV=ndb-srv IF_CLI=ndb-cli
SRV4=198.51.100.1 CLI4=198.51.100.2
DB=nestor_bench_db
TMP=$(mktemp -d /tmp/nbdb.XXXXXX)
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

drop_dbs() {
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    mysql -uroot -e "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
}

cleanup() {
    stop_server
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    drop_dbs
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$(dirname "$OUT")"
if [ -z "${NESTOR_BIN:-}" ]; then
    NESTOR_BIN=$TMP/nestor
    (cd "$REPO" && go build -o "$NESTOR_BIN" ./cmd/nestor) || { echo "build failed"; exit 1; }
fi

ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || exit 1
ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || exit 1
for ns in "$NS_SRV" "$NS_CLI"; do ip -n "$ns" link set lo up; done
ip -n "$NS_SRV" addr add "$SRV4/24" dev "$IF_SRV"
ip -n "$NS_CLI" addr add "$CLI4/24" dev "$IF_CLI"
ip -n "$NS_SRV" link set "$IF_SRV" up
ip -n "$NS_CLI" link set "$IF_CLI" up

# fresh_db BACKEND — an empty database initialised by kea-admin.
fresh_db() {
    drop_dbs
    case $1 in
        pgsql) psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null &&
                   kea-admin db-init pgsql -h 127.0.0.1 -u postgres -p "" -n "$DB" >/dev/null 2>&1 ;;
        mysql) mysql -uroot -e "CREATE DATABASE $DB" &&
                   kea-admin db-init mysql -h localhost -u root -p "" -n "$DB" >/dev/null 2>&1 ;;
    esac
}

count_leases() {
    case $1 in
        pgsql) psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT count(*) FROM lease4" ;;
        mysql) mysql -uroot -Nse "SELECT count(*) FROM $DB.lease4" ;;
    esac
}

write_config() {
    local ldb
    case $1 in
        pgsql) ldb="{\"type\": \"postgresql\", \"name\": \"$DB\", \"host\": \"/var/run/postgresql\", \"user\": \"postgres\"}" ;;
        mysql) ldb="{\"type\": \"mysql\", \"name\": \"$DB\", \"host\": \"localhost\", \"user\": \"root\"}" ;;
    esac
    cat <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["$IF_SRV"], "dhcp-socket-type": "udp"},
  "lease-database": $ldb,
  "multi-threading": {"enable-multi-threading": true, "thread-pool-size": $THREADS, "packet-queue-size": 64},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15",
    "pools": [{"pool": "198.18.0.1 - 198.19.255.254"}],
    "relay": {"ip-addresses": ["$CLI4"]},
    "option-data": [{"name": "routers", "data": "198.18.0.1"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
}}
EOF
}

start_server() {
    write_config "$2" >"$TMP/dhcp4.json"
    case $1 in
        kea) ip netns exec "$NS_SRV" kea-dhcp4 -c "$TMP/dhcp4.json" >"$TMP/server.log" 2>&1 & ;;
        nestor) ip netns exec "$NS_SRV" "$NESTOR_BIN" dhcp4 -c "$TMP/dhcp4.json" >"$TMP/server.log" 2>&1 & ;;
    esac
    SPID=$!
    local i
    for i in $(seq 300); do
        kill -0 "$SPID" 2>/dev/null || { echo "server $1 exited at start:"; cat "$TMP/server.log"; SPID=""; return 1; }
        ip netns exec "$NS_SRV" ss -Hulnp "sport = :67" 2>/dev/null | grep -q "pid=$SPID," && { sleep 0.5; return 0; }
        sleep 0.1
    done
    echo "server $1 did not bind port 67 in 30 s"; stop_server; return 1
}

{
    echo "bench/db.sh $(date -u +%FT%TZ): offered DORA rate for ${SECS}s, fresh server and database per run, $THREADS threads"
    echo "$(nproc) cores; $(psql -h 127.0.0.1 -U postgres -Atc 'SELECT version()' | cut -d' ' -f1-2) synchronous_commit=$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW synchronous_commit');" \
         "MariaDB $(mysql -uroot -Nse 'SELECT version()') innodb_flush_log_at_trx_commit=$(mysql -uroot -Nse 'SELECT @@innodb_flush_log_at_trx_commit')"
    printf '%-6s %-7s %7s %12s %12s %10s\n' backend server offered "done/s" "acks" "leases"
} | tee "$OUT"

for be in $BACKENDS; do
    for rate in $RATES; do
        for srv in kea nestor; do
            fresh_db "$be" || { echo "database setup failed"; exit 1; }
            start_server "$srv" "$be" || continue
            raw=$TMP/perf.txt
            ip netns exec "$NS_CLI" timeout $((SECS + 30)) perfdhcp -4 -l "$IF_CLI" -r "$rate" -p "$SECS" -R 1000000 -W 2000000 "$SRV4" >"$raw" 2>&1
            stop_server
            done_rate=$(awk '/^Rate:/ {print $2; exit}' "$raw")
            acks=$(awk '/^\*\*\*Statistics for: REQUEST-ACK/ {s = 1} s && /^received packets:/ {print $3; exit}' "$raw")
            printf '%-6s %-7s %7d %12s %12s %10s\n' "$be" "$srv" "$rate" "${done_rate:-?}" "${acks:-?}" "$(count_leases "$be")" | tee -a "$OUT"
        done
    done
done
