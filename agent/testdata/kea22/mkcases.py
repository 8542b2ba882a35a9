#!/usr/bin/python3
# Writes cases/NAME.http: raw HTTP requests replayed against Kea 2.2's
# kea-ctrl-agent (capture.sh) and against Nestor's agent (agent tests).
# Names starting with "auth-" go to the agent with basic authentication,
# "fake-" to one whose dhcp4 socket is fakeserver.py.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
os.makedirs(CASES, exist_ok=True)

def post(body, ctype="application/json", auth=None, path="/", method="POST", extra=""):
    h = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
    if ctype is not None:
        h += "Content-Type: %s\r\n" % ctype
    if auth is not None:
        h += "Authorization: %s\r\n" % auth
    h += extra
    h += "Content-Length: %d\r\n\r\n" % len(body.encode("latin-1"))
    return h + body

cases = {
    # Agent-local commands.
    "local-list-commands": post('{"command": "list-commands"}'),
    "local-list-commands-empty-service": post('{"command": "list-commands", "service": []}'),
    "local-list-commands-args": post('{"command": "list-commands", "arguments": {"a": 1}}'),
    "local-version-get": post('{"command": "version-get"}'),
    "local-build-report": post('{"command": "build-report"}'),
    "local-config-get": post('{"command": "config-get"}'),
    "local-status-get": post('{"command": "status-get"}'),
    "local-config-hash-get": post('{"command": "config-hash-get"}'),
    "local-unknown": post('{"command": "foo"}'),
    "local-unknown-empty-service": post('{"command": "foo", "service": []}'),
    "local-config-test-ok": post('{"command": "config-test", "arguments": {"Control-agent": {"http-port": 8001}}}'),
    "local-config-test-no-args": post('{"command": "config-test"}'),
    "local-config-test-not-map": post('{"command": "config-test", "arguments": 1}'),
    "local-config-test-no-ca": post('{"command": "config-test", "arguments": {"Dhcp4": {}}}'),
    "local-config-test-port-type": post('{"command": "config-test", "arguments": {"Control-agent": {"http-port": "x"}}}'),
    "local-config-test-port-range": post('{"command": "config-test", "arguments": {"Control-agent": {"http-port": 70000}}}'),
    "local-config-test-unknown-key": post('{"command": "config-test", "arguments": {"Control-agent": {"foo": 1}}}'),
    "local-config-test-tls-partial": post('{"command": "config-test", "arguments": {"Control-agent": {"cert-file": "/x"}}}'),
    "local-config-test-bad-socket": post('{"command": "config-test", "arguments": {"Control-agent": {"control-sockets": {"dhcp5": {"socket-name": "/x"}}}}}'),
    "local-config-write-unwritable": post('{"command": "config-write", "arguments": {"filename": "@RUN@/written.json"}}'),
    "local-config-write-relative": post('{"command": "config-write", "arguments": {"filename": "nagt-written.json"}}'),
    "local-config-write-bad-filename": post('{"command": "config-write", "arguments": {"filename": 1}}'),
    "local-config-reload": post('{"command": "config-reload"}'),
    "local-config-set-bad": post('{"command": "config-set", "arguments": {"Control-agent": {"http-port": -1}}}'),
    "local-comments": post('{"command": /* c */ "list-commands" # x\n}'),
    # The envelope.
    "env-not-map": post('[1]'),
    "env-string": post('"x"'),
    "env-no-command": post('{"service": ["dhcp4"]}'),
    "env-command-not-string": post('{"command": 1}'),
    "env-extra-key": post('{"command": "list-commands", "foo": 1}'),
    "env-service-not-list": post('{"command": "foo", "service": "dhcp4"}'),
    "env-service-not-string": post('{"command": "foo", "service": [1]}'),
    "env-service-not-string-later": post('{"command": "list-commands", "service": ["dhcp4", 2]}'),
    "env-service-unknown": post('{"command": "list-commands", "service": ["dhcp5"]}'),
    "env-service-empty-name": post('{"command": "list-commands", "service": [""]}'),
    # Forwarding: dhcp4 runs, dhcp6 is configured but absent, d2 is not
    # configured.
    "fwd-dhcp4-list-commands": post('{"command": "list-commands", "service": ["dhcp4"]}'),
    "fwd-dhcp4-unknown": post('{"command": "foo", "service": ["dhcp4"]}'),
    "fwd-dhcp4-args": post('{"command": "statistic-get", "service": ["dhcp4"], "arguments": {"name": "pkt4-received"}}'),
    "fwd-dhcp4-twice": post('{"command": "server-tag-get", "service": ["dhcp4", "dhcp4"]}'),
    "fwd-dhcp6-offline": post('{"command": "list-commands", "service": ["dhcp6"]}'),
    "fwd-d2-unconfigured": post('{"command": "list-commands", "service": ["d2"]}'),
    "fwd-several": post('{"command": "server-tag-get", "service": ["dhcp6", "d2", "dhcp4"]}'),
    # HTTP layer.
    "http-get": post('', ctype=None, method="GET"),
    "http-put": post('{"command": "list-commands"}', method="PUT"),
    "http-no-ctype": post('{"command": "list-commands"}', ctype=None),
    "http-text-ctype": post('{"command": "list-commands"}', ctype="text/plain"),
    "http-ctype-charset": post('{"command": "list-commands"}', ctype="application/json; charset=utf-8"),
    "http-empty-body": post(''),
    "http-bad-json": post('{"command": "list-commands"'),
    "http-garbage": post('foo'),
    "http-trailing": post('{"command": "list-commands"} x'),
    "http-path": post('{"command": "list-commands"}', path="/foo/bar"),
    "http-http10": post('{"command": "list-commands"}').replace("HTTP/1.1", "HTTP/1.0", 1),
    # Basic authentication (agent configured with clients).
    "auth-none": post('{"command": "list-commands"}'),
    "auth-good": post('{"command": "list-commands"}', auth="Basic YWRtaW46MTIzNA=="),
    "auth-good-file": post('{"command": "list-commands"}', auth="Basic aGlkZGVuOnNlY3JldA=="),
    "auth-wrong-password": post('{"command": "list-commands"}', auth="Basic YWRtaW46MTIzNQ=="),
    "auth-not-basic": post('{"command": "list-commands"}', auth="Bearer YWRtaW46MTIzNA=="),
    "auth-lower-basic": post('{"command": "list-commands"}', auth="basic YWRtaW46MTIzNA=="),
    "auth-bad-base64": post('{"command": "list-commands"}', auth="Basic !!!"),
    "auth-none-forward": post('{"command": "list-commands", "service": ["dhcp4"]}'),
    "auth-none-bad-json": post('{"command"'),
    "auth-none-get": post('', ctype=None, method="GET"),
    # A fake daemon on the dhcp4 socket (agent "fake"): what is forwarded,
    # and answers that are not what a daemon should send.
    "fake-plain": post('{"command": "fake-plain", "service": ["dhcp4"], "arguments": {"x": [1, 2.50, "\\u00e9"]}}'),
    "fake-garbage": post('{"command": "fake-garbage", "service": ["dhcp4"]}'),
    "fake-partial": post('{"command": "fake-partial", "service": ["dhcp4"]}'),
    "fake-close": post('{"command": "fake-close", "service": ["dhcp4"]}'),
    "fake-list": post('{"command": "fake-list", "service": ["dhcp4"]}'),
    "fake-big-int": post('{"command": "fake-big-int", "service": ["dhcp4"]}'),
    "fake-trailing": post('{"command": "fake-trailing", "service": ["dhcp4"]}'),
    "fake-map-unsorted": post('{"command": "fake-map-unsorted", "service": ["dhcp4"]}'),
    "fake-comments": post('{"command": "fake-comments", /* c */ "service": ["dhcp4"]}'),
    "fake-slow": post('{"command": "fake-slow", "service": ["dhcp4"]}'),
}
for name, req in cases.items():
    with open(os.path.join(CASES, name + ".http"), "wb") as f:
        f.write(req.encode("latin-1"))
