package hooks

// Argument types in the hook-point documentation.
//
// Each hook point below lists its arguments as "name (Kea type, direction)".
// The Kea type names the object; its Go type is the one the calling server
// package defines for that object (its packet, subnet, lease, lease
// collection, host and configuration types), always passed as a pointer so
// that a change a callout makes through it is seen by the server, as with
// Kea's shared pointers. Get must name that exact Go type. Strings, booleans
// and integers are Go's string, bool and uint32. JSON elements
// (Kea's ConstElementPtr) are json.RawMessage.
//
// Directions: "in" — the server passes a value and ignores what the callout
// does to the argument; "out" — the callout is expected to set it; "in/out" —
// the server passes a value and reads it back after the callouts.
//
// Statuses not listed for a hook point are not supported there and are
// treated as Continue by the server.

// Hook points shared by every daemon that has a control channel.
var (
	// CommandProcessed ("command_processed") is called after every
	// control command the daemon's command manager processed, built-in or
	// handled by a library.
	//
	// Arguments:
	//   - name (string, in): the command name.
	//   - arguments (json.RawMessage, in): the command's "arguments", nil if
	//     there were none.
	//   - response (json.RawMessage, in/out): the answer; whatever the
	//     callouts leave here is returned to the client.
	//
	// Status: ignored. Use Manager.CommandProcessed to call it.
	CommandProcessed = Register("command_processed")

	// HTTPAuth ("http_auth") is called by an HTTP/HTTPS control socket
	// before a command is processed (used by RBAC).
	//
	// Arguments:
	//   - request (*ctrl.HTTPRequest, in/out): the request, after basic
	//     authentication accepted it.
	//   - response (*ctrl.HTTPResponse, in/out): nil; if a callout sets
	//     it (ctrl.StatusResponse(403), ...), it is sent at once and the
	//     command does not run.
	//
	// Status: anything other than Continue resets the request's handle
	// (http_response then starts with a fresh context). See
	// HTTPHookPoints, which calls it.
	HTTPAuth = Register("http_auth")

	// HTTPResponse ("http_response") is called by an HTTP/HTTPS control
	// socket before the answer is sent.
	//
	// Arguments: request (*ctrl.HTTPRequest, in), response
	// (*ctrl.HTTPResponse, in/out): the answer to send, which callouts may
	// replace. Status: ignored.
	HTTPResponse = Register("http_response")
)
