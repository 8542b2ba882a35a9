// Package agent is Nestor's kea-ctrl-agent: an HTTP(S) server taking Kea's
// JSON commands, which it forwards to the DHCP and DDNS daemons' unix
// control sockets or answers itself, with Kea 2.2's answers, texts and
// HTTP behaviour.
//
// # Requests
//
// A command is POSTed (any path) with Content-Type application/json; the
// body must be exactly one JSON value, without comments. Anything else is
// answered 400 {"result": 400, "text": "Bad Request"} before
// authentication is looked at. With "authentication" clients configured,
// a request without matching basic credentials gets 401 with
// WWW-Authenticate: Basic realm="..." and nothing runs. The answer to a
// command is always a list:
//
//   - "service" absent or []: the agent's own commands (build-report,
//     config-get, config-reload, config-set, config-test, config-write,
//     list-commands, shutdown, status-get, version-get), or a hook
//     library's; an unsupported command gets Kea's hint about "service".
//   - "service": ["dhcp4", "d2", ...]: the command, with "remote-address"
//     added, is sent to each service's unix socket in turn and the answers
//     are listed in request order; a service without a socket, a daemon
//     that is not there, closes early or answers something that is not
//     JSON gives Kea's error answer in its place.
//
// # Differences from Kea 2.2
//
//   - Several requests are served at once (Kea serves them one at a time).
//   - A body larger than 64 MiB is refused with 400; a forwarded command
//     waits at most a minute (Options.ForwardTimeout) for its answer.
//   - A malformed HTTP request line or header is answered by Go's HTTP
//     server (400 with a text body), not with Kea's JSON body.
//   - config-set and config-test arguments are decoded from the request
//     body; the summary Kea logs is not logged.
//   - Hook libraries are Nestor's built-in Go libraries (see package
//     hooks); the http_auth and http_response hook points are not called.
//
// testdata/kea22 holds Kea 2.2's recorded exchanges (capture.sh) that the
// tests replay against this package byte for byte.
package agent
