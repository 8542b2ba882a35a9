// Package ctrl is Kea's control channel: the command manager that answers
// JSON commands with Kea's exact texts and layout, and the control sockets
// (unix, http, https) that carry them.
//
// # Commands and answers
//
// A command is {"command": name, "service": [...], "arguments": {...}}; an
// answer is {"arguments": ..., "result": code, "text": ...} with the result
// codes 0 (success), 1 (error), 2 (unsupported), 3 (empty) and 4 (conflict).
// Answers are printed as Kea prints them (Element::str()): "{ "a": 1 }",
// keys sorted, "text" only when not empty, "arguments" only when set, and
// strings escaped byte by byte ("é" is "\u00c3\u00a9").
//
// A server registers its commands on a Manager:
//
//	m := ctrl.NewManager(logger)
//	m.Register("version-get", func(c *ctrl.Command) ctrl.Answer {
//		return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "2.2.0", Args: map[string]string{"extended": "..."}}
//	})
//
// A handler reads c.Args, an *Element parsed as Kea's Element::fromWire
// (positions "<wire>:line:col" as Kea counts them, so that its accessors
// fail with Kea's TypeError texts; wrap those in ProcessingError), or
// c.ArgsJSON() for encoding/json. Answer.Args takes an *Element, a
// json.RawMessage, a RawKea (pre-formatted) or any encoding/json value.
//
// list-commands is built from what is registered plus what hook libraries
// handle. Hook libraries plug in through HookDispatcher (implemented by
// *hooks.Manager): it is asked first for every command but list-commands,
// and its command_processed step sees every answer.
//
// # Framing
//
// On a unix socket there is no length prefix: Feed follows Kea's JSONFeed,
// which collects text until the braces of the first map (or list) close,
// dropping comments; the command is then parsed (ParseWire), processed, the
// answer written and the connection closed. Errors of framing and parsing
// are answered with Kea's texts ("invalid first character a", "Bad null
// value: nul in <wire>:0:12").
//
// # Sockets
//
// ListenUnix serves a "control-socket" (unix): lock file path+".lock",
// stale socket file removed, one command per connection, 10 s timeout
// answered with Kea's "Connection over control channel timed out[,
// discarded partial command of N bytes]", no answer when the client closes
// before a complete command. ListenHTTP serves a "control-sockets" entry of
// type http or https (ParseHTTPConfig decodes it): POST "/" with a JSON
// body, the answer wrapped in a list as the control agent does, basic
// authentication (401 with WWW-Authenticate before any command runs), TLS
// with a trust anchor and, by default, a required client certificate, and
// http-headers added to every response.
//
// # Differences from Kea 2.2
//
//   - Commands run concurrently, one goroutine per connection; Kea runs
//     them one at a time on its main thread. Handlers must be safe for
//     concurrent use (or serialize themselves).
//   - A command larger than DefaultMaxCommandSize (64 MiB) is answered
//     "command too large"; Kea reads without a limit. Nesting deeper than
//     1000 levels is a parse error; Kea would overflow its stack.
//   - Map keys in answers are escaped like strings; Kea prints them raw.
//   - Arguments given as encoding/json values lose the difference between
//     1.0 and 1 (both print 1); use *Element or RawKea to print reals as
//     Kea does.
//   - HTTP bodies are parsed as Kea's fromJSON(string) ("<string>:1:1"
//     positions); comments are accepted there as on the unix socket.
//
// testdata/kea22 holds Kea 2.2's recorded answers (capture.sh) that the
// tests compare with byte for byte.
package ctrl
