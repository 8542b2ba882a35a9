#!/bin/bash
# Replays cases/*.http against Kea 2.2's kea-ctrl-agent and stores each raw
# HTTP response in answers/NAME.http. Three agents run in a network
# namespace of their own ("nagt-cap", loopback only) in front of a
# kea-dhcp4 with a unix control socket (no DHCP interface, memfile not
# persisted):
#   plain  - no authentication; dhcp4 = kea-dhcp4, dhcp6 = a socket that
#            does not exist, no d2.
#   auth   - basic authentication (admin/1234 and hidden/secret from files).
#   fake   - dhcp4 = fakeserver.py, which records what the agent forwards
#            in forwarded/NAME.txt.
# It also records kea-ctrl-agent -t on configs/*.json (check/NAME.out).
#   usage: capture.sh     (as root; needs kea-dhcp4, kea-ctrl-agent, python3, ip)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d /tmp/nagt-cap.XXXXXX)
NS=nagt-cap
export KEA_PIDFILE_DIR=$RUN KEA_LOCKFILE_DIR=$RUN
mkdir -p "$HERE/answers" "$HERE/forwarded" "$RUN/creds"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    ip netns del $NS 2>/dev/null
    rm -rf "$RUN"
}
trap cleanup EXIT
ip netns del $NS 2>/dev/null
ip netns add $NS && ip netns exec $NS ip link set lo up || exit 1

cat > "$RUN/kea4.json" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "lease-database": {"type": "memfile", "persist": false},
  "control-socket": {"socket-type": "unix", "socket-name": "$RUN/kea4.sock"},
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
               "output_options": [{"output": "$RUN/kea4.log"}]}]
}}
JSON
printf 'hidden' > "$RUN/creds/user"
printf 'secret' > "$RUN/creds/password"
agent() { # name port sockets auth
    cat > "$RUN/$1.json" <<JSON
{"Control-agent": {
  "http-host": "127.0.0.1", "http-port": $2,
  "control-sockets": $3,
  $4
  "loggers": [{"name": "kea-ctrl-agent", "severity": "DEBUG", "debuglevel": 99,
               "output_options": [{"output": "$RUN/$1.log"}]}]
}}
JSON
}
agent plain 18101 "{\"dhcp4\": {\"socket-type\": \"unix\", \"socket-name\": \"$RUN/kea4.sock\"},
                    \"dhcp6\": {\"socket-name\": \"$RUN/kea6.sock\"}}" ""
agent auth 18102 "{\"dhcp4\": {\"socket-name\": \"$RUN/kea4.sock\"}}" \
  "\"authentication\": {\"type\": \"basic\", \"realm\": \"nagt-realm\", \"directory\": \"$RUN/creds\",
     \"clients\": [{\"user\": \"admin\", \"password\": \"1234\"},
                   {\"user-file\": \"user\", \"password-file\": \"password\"}]},"
agent fake 18103 "{\"dhcp4\": {\"socket-name\": \"$RUN/fake.sock\"}}" ""

ip netns exec $NS kea-dhcp4 -c "$RUN/kea4.json" >"$RUN/kea4.out" 2>&1 & PIDS+=($!)
ip netns exec $NS python3 "$HERE/fakeserver.py" "$RUN/fake.sock" "$HERE/forwarded" & PIDS+=($!)
for a in plain auth fake; do
    (cd "$RUN" && exec ip netns exec $NS kea-ctrl-agent -c "$RUN/$a.json" >"$RUN/$a.out" 2>&1) & PIDS+=($!)
done
for _ in $(seq 50); do [ -S "$RUN/kea4.sock" ] && [ -S "$RUN/fake.sock" ] && break; sleep 0.1; done
sleep 1

send() { ip netns exec $NS python3 "$HERE/rawhttp.py" "$1"; }
for req in "$HERE"/cases/*.http; do
    name=$(basename "$req" .http)
    case $name in
    auth-*) port=18102 ;;
    fake-*) port=18103 ;;
    *) port=18101 ;;
    esac
    send $port < "$req" > "$HERE/answers/$name.http"
done
cp "$RUN/nagt-written.json" "$HERE/answers/local-config-write-relative.file" 2>/dev/null
# kea-shell against the agents: shell/NAME.out holds the exit status,
# stdout and stderr (the agent's port replaced by PORT).
mkdir -p "$HERE/shell"
kshell() { # name stdin args...
    local name=$1 in=$2; shift 2
    printf '%s' "$in" | ip netns exec $NS kea-shell "$@" >"$RUN/so" 2>"$RUN/se"
    { echo "exit $?"; sed 's/^/stdout: /' "$RUN/so"; sed 's/^/stderr: /' "$RUN/se"; } |
        sed 's/1810[1-4]/PORT/g; s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:.]*/TIME/g' > "$HERE/shell/$name.out"
}
kshell list-commands '' --port 18101
kshell default-command '' --port 18101 --host 127.0.0.1
kshell service '' --port 18101 --service dhcp4 server-tag-get
kshell services '' --port 18101 --service dhcp4 --service d2 server-tag-get
kshell service-empty '' --port 18101 --service '' list-commands
kshell args '"name": "pkt4-received"' --port 18101 --service dhcp4 statistic-get
kshell args-newline $'"name": "pkt4-received"\n' --port 18101 --service dhcp4 statistic-get
kshell args-one-char 'x' --port 18101 list-commands
kshell bad-args '"name": ' --port 18101 --service dhcp4 statistic-get
kshell unknown '' --port 18101 foo
kshell path '' --port 18101 --path kea/x list-commands
kshell auth-missing '' --port 18102 list-commands
kshell auth-good '' --port 18102 --auth-user admin --auth-password 1234 list-commands
kshell auth-wrong '' --port 18102 --auth-user admin --auth-password 12345 list-commands
kshell auth-user-only '' --port 18102 --auth-user admin list-commands
kshell refused '' --port 18104 list-commands
kshell version '' -v
kshell cert-no-key '' --port 18101 --cert /x/cert.pem list-commands
kshell key-no-cert '' --port 18101 --key /x/key.pem list-commands
kshell cert-no-ca '' --port 18101 --cert /x/cert.pem --key /x/key.pem list-commands
kshell bad-port '' --port x list-commands
kshell bad-timeout '' --timeout x list-commands
kshell unknown-option '' --foo list-commands
kshell two-commands '' --port 18101 list-commands version-get
kshell help '' -h
kshell ca-missing '' --port 18101 --ca /nonexistent/ca.pem list-commands
kshell https-to-http "" --port 18101 --ca /etc/ssl/certs list-commands
kshell timeout '' --port 18103 --timeout 1 --service dhcp4 fake-slow

# shutdown last: the agent answers, then exits.
python3 - "$RUN/shutdown.http" <<'PY'
import sys
b = '{"command": "shutdown"}'
open(sys.argv[1], "w").write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
PY
send 18101 < "$RUN/shutdown.http" > "$HERE/answers/local-shutdown.http"
sleep 1
grep -h -o 'CTRL_AGENT_[A-Z_]*\|DCTL_[A-Z_]*\|HTTP_[A-Z_]*' "$RUN/plain.log" | sort | uniq -c > "$HERE/answers/plain-log-ids.txt"

# kea-ctrl-agent -t on broken configurations.
mkdir -p "$HERE/check"
for cfg in "$HERE"/configs/*.json; do
    [ -e "$cfg" ] || continue
    name=$(basename "$cfg" .json)
    (cd "$HERE/configs" && kea-ctrl-agent -t "$name.json" >"$RUN/o" 2>"$RUN/e"; echo "exit $?" > "$HERE/check/$name.out")
    sed 's/^[0-9-]* [0-9:.]* //; s/\[kea-ctrl-agent\.\([a-z-]*\)\/[0-9.]*\]/[kea-ctrl-agent.\1]/' "$RUN/o" | sed 's/^/stdout: /' >> "$HERE/check/$name.out"
    sed 's/^/stderr: /' "$RUN/e" >> "$HERE/check/$name.out"
done
