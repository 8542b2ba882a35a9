#!/bin/bash
# bench/dbcount.sh — statements (round trips) and CPU per DORA exchange of
# Nestor and Kea 2.2 on the same SQL lease database (issue 8). Unlike
# bench/db.sh's rates, these counts do not depend on the machine's load.
#
#   [ns nsqc-srv] nsqc-s 198.51.100.1/24   server (multi-threading, THREADS threads)
#          | veth pair
#   [ns nsqc-cli] nsqc-c 198.51.100.2/24   perfdhcp (a relay), N new clients
#
# For each backend and server: a fresh database made by kea-admin db-init,
# the server started, perfdhcp offering N DORA exchanges at RATE/s, then
#   - PostgreSQL: every statement the server sent, from the server log
#     (log_statement = all set on the bench database only): "execute"
#     lines are prepared or extended-protocol executions, "statement" lines
#     simple-protocol ones (BEGIN, COMMIT...);
#   - MariaDB: the general query log (switched on for the run only),
#     restricted to the connections to the bench database: Query, Prepare,
#     Execute and Close stmt commands;
#   - the server's CPU time (utime+stime from /proc) per acknowledged
#     exchange, minus its CPU time idling before the run.
# With PROFILE=1 Nestor runs as bench/nestorprof and its CPU profile is
# summarised (go tool pprof -top) next to the counts.
#
# Usage: sudo bench/dbcount.sh [pgsql] [mysql]
# Environment: N (exchanges, default 500), RATE (default 100), RENEW
# (renewals/s offered besides, perfdhcp -f; default none), THREADS
# (default 4), SERVERS (default "kea nestor"), PROFILE (0), NESTOR_BIN (a
# prebuilt nestor), OUT (directory, default bench/results/dbcount-YYYY-MM-DD).
# With RENEW, "per exchange" is per acknowledged REQUEST (new and renewal).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [ "$(id -u)" != 0 ]; then echo "bench/dbcount.sh: needs root (network namespaces); skipping"; exit 0; fi
for t in kea-dhcp4 kea-admin perfdhcp ip ss psql mysql; do
    command -v "$t" >/dev/null || { echo "bench/dbcount.sh: $t not installed; skipping"; exit 0; }
done

BACKENDS=${*:-"pgsql mysql"}
N=${N:-500}
RATE=${RATE:-100}
RENEW=${RENEW:-}
THREADS=${THREADS:-4}
SERVERS=${SERVERS:-"kea nestor"}
PROFILE=${PROFILE:-0}
OUT=${OUT:-$HERE/results/dbcount-$(date +%Y-%m-%d)}
NS_SRV=nsqc-srv NS_CLI=nsqc-cli IF_SRV=nsqc-s IF_CLI=nsqc-c
SRV4=198.51.100.1 CLI4=198.51.100.2
DB=nestor_sql_cnt
PGLOG=${PGLOG:-/var/log/postgresql/postgresql-15-main.log}
TMP=$(mktemp -d /tmp/nsqc.XXXXXX); chmod 755 "$TMP"
export KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP
SPID=""
MYLOG_ON=0

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

MYLOG_FILE=$(mysql -uroot -Nse "SELECT @@general_log_file" 2>/dev/null)

# mylog_off switches the general log off and gives it back its file.
mylog_off() {
    if [ "$MYLOG_ON" = 1 ]; then
        mysql -uroot -e "SET GLOBAL general_log = 0" 2>/dev/null
        [ -n "$MYLOG_FILE" ] && mysql -uroot -e "SET GLOBAL general_log_file = '$MYLOG_FILE'" 2>/dev/null
    fi
    MYLOG_ON=0
}

cleanup() {
    stop_server
    mylog_off
    ip netns del "$NS_CLI" 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    drop_dbs
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT"
if [ -z "${NESTOR_BIN:-}" ]; then
    NESTOR_BIN=$TMP/nestor
    if [ "$PROFILE" = 1 ]; then
        (cd "$REPO" && go build -o "$NESTOR_BIN" ./bench/nestorprof) || { echo "build failed"; exit 1; }
    else
        (cd "$REPO" && go build -o "$NESTOR_BIN" ./cmd/nestor) || { echo "build failed"; exit 1; }
    fi
fi

ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || exit 1
ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI" || exit 1
for ns in "$NS_SRV" "$NS_CLI"; do ip -n "$ns" link set lo up; done
ip -n "$NS_SRV" addr add "$SRV4/24" dev "$IF_SRV"
ip -n "$NS_CLI" addr add "$CLI4/24" dev "$IF_CLI"
ip -n "$NS_SRV" link set "$IF_SRV" up
ip -n "$NS_CLI" link set "$IF_CLI" up

fresh_db() {
    drop_dbs
    case $1 in
        pgsql) psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null &&
                   kea-admin db-init pgsql -h 127.0.0.1 -u postgres -p "" -n "$DB" >/dev/null 2>&1 &&
                   psql -h 127.0.0.1 -U postgres -qc "ALTER DATABASE $DB SET log_statement = 'all'" >/dev/null ;;
        mysql) mysql -uroot -e "CREATE DATABASE $DB" &&
                   kea-admin db-init mysql -h localhost -u root -p "" -n "$DB" >/dev/null 2>&1 ;;
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
        nestor)
            if [ "$PROFILE" = 1 ]; then
                NESTOR_CPUPROFILE=$TMP/cpu.prof ip netns exec "$NS_SRV" "$NESTOR_BIN" dhcp4 -c "$TMP/dhcp4.json" >"$TMP/server.log" 2>&1 &
            else
                ip netns exec "$NS_SRV" "$NESTOR_BIN" dhcp4 -c "$TMP/dhcp4.json" >"$TMP/server.log" 2>&1 &
            fi ;;
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

# cpu_ticks PID — utime+stime of the process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# count_pg FROM_LINE — statements of the bench database logged after line FROM_LINE.
count_pg() {
    tail -n +"$1" "$PGLOG" | grep "@$DB " | grep -E 'LOG:  (statement|execute)' |
        sed -E 's/.*LOG:  (statement|execute [^:]*): */\1: /; s/execute [^:]*:/execute:/' |
        sed -E 's/^(statement|execute): *(INSERT INTO [a-z0-9_]+|UPDATE [a-z0-9_]+|DELETE FROM [a-z0-9_]+|SELECT .* FROM [a-z0-9_]+|[A-Za-z]+).*/\1 \2/; s/SELECT .* FROM/SELECT FROM/' |
        sort | uniq -c | sort -rn
}

# count_my — statements of the connections to the bench database in the
# general log (mysql's file), by command and statement kind.
count_my() {
    awk -v db="$DB" '
        { line = $0 }
        # "TIME\tID Command\tArgument" or "\t\tID Command\tArgument"
        match(line, /[0-9]+ (Connect|Query|Prepare|Execute|Close stmt|Quit|Init DB|Ping|Reset stmt)/) {
            s = substr(line, RSTART, RLENGTH); split(s, f, " "); id = f[1]; cmd = substr(s, length(id) + 2)
            arg = substr(line, RSTART + RLENGTH); sub(/^\t/, "", arg)
            if (cmd == "Connect") { if (arg ~ (" on " db)) mine[id] = 1; next }
            if (!(id in mine)) next
            kind = arg
            if (kind ~ /^(INSERT INTO|UPDATE|DELETE FROM) /) { split(kind, w, " "); kind = (w[1] == "UPDATE") ? w[1] " " w[2] : w[1] " " w[2] " " w[3] }
            else if (kind ~ /^SELECT/) { if (match(kind, / FROM [a-z0-9_]+/)) kind = "SELECT" substr(kind, RSTART, RLENGTH); else kind = "SELECT" }
            else { split(kind, w, " "); kind = w[1] }
            n[cmd ": " kind]++
        }
        END { for (k in n) printf "%7d %s\n", n[k], k }' "$1" | sort -rn
}

for be in $BACKENDS; do
    for srv in $SERVERS; do
        tag=$be-$srv
        fresh_db "$be" || { echo "database setup failed"; exit 1; }
        pgfrom=$(($(wc -l <"$PGLOG") + 1))
        if [ "$be" = mysql ]; then
            mylogf=$TMP/general.log
            : >"$mylogf"; chown mysql: "$mylogf" 2>/dev/null
            mysql -uroot -e "SET GLOBAL general_log_file = '$mylogf'; SET GLOBAL general_log = 1" && MYLOG_ON=1
        fi
        start_server "$srv" "$be" || continue
        t0=$(cpu_ticks "$SPID")
        raw=$TMP/perf.txt
        renew=()
        [ -n "$RENEW" ] && renew=(-f "$RENEW")
        ip netns exec "$NS_CLI" timeout $((N / RATE + 60)) perfdhcp -4 -l "$IF_CLI" -r "$RATE" "${renew[@]}" -n "$N" -R 1000000 -W 2000000 "$SRV4" >"$raw" 2>&1
        t1=$(cpu_ticks "$SPID")
        if [ "$srv" = nestor ] && [ "$PROFILE" = 1 ]; then
            kill -USR1 "$SPID"
            for i in $(seq 100); do [ -e "$TMP/cpu.prof.done" ] && break; sleep 0.1; done
        fi
        stop_server
        mylog_off
        cp "$raw" "$OUT/$tag.perfdhcp.txt"
        acks=$(awk '/^\*\*\*Statistics for: REQUEST-ACK/ {s = 1} s && /^received packets:/ {print $3; exit}' "$raw")
        racks=""
        if [ -n "$RENEW" ]; then
            racks=$(awk '/^\*\*\*Statistics for: REQUEST-ACK \(renewal\)/ {s = 1} s && /^received packets:/ {print $3; exit}' "$raw")
            acks=$((${acks:-0} + ${racks:-0}))
        fi
        hz=$(getconf CLK_TCK)
        {
            echo "== $tag: $N DORA offered at $RATE/s${RENEW:+, renewals at $RENEW/s}, $THREADS threads: ${acks:-?} acks${racks:+ ($racks renewals)}"
            [ -n "$acks" ] && [ "$acks" -gt 0 ] && awk -v t=$((t1 - t0)) -v hz="$hz" -v a="$acks" 'BEGIN { printf "CPU per exchange: %.0f us (%d ticks)\n", t * 1e6 / hz / a, t }'
            case $be in
                pgsql) count_pg "$pgfrom" >"$TMP/counts" ;;
                mysql) count_my "$mylogf" >"$TMP/counts" ;;
            esac
            total=$(awk '{s += $1} END {print s + 0}' "$TMP/counts")
            [ -n "$acks" ] && [ "$acks" -gt 0 ] && awk -v s="$total" -v a="$acks" 'BEGIN { printf "statements per exchange: %.2f (%d)\n", s / a, s }'
            cat "$TMP/counts"
            if [ "$srv" = nestor ] && [ "$PROFILE" = 1 ] && [ -s "$TMP/cpu.prof" ]; then
                echo "-- CPU profile (top 25, cumulative):"
                (cd "$REPO" && go tool pprof -top -cum -nodecount 25 "$NESTOR_BIN" "$TMP/cpu.prof" 2>/dev/null)
                cp "$TMP/cpu.prof" "$OUT/$tag.prof"
            fi
        } | tee "$OUT/$tag.txt"
    done
done
