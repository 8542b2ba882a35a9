package hooks

import (
	"encoding/json"
	"slices"
)

// Control commands and hook libraries.
//
// JSON values cross the hooks API as json.RawMessage: the "command"
// argument of a handler is the whole command map as received, "response" is
// the answer map ({"result": ..., "text": ..., "arguments": ...}), and
// command_processed's "arguments" is the command's arguments. A library
// decodes what it needs into its own Go types (ParseCommand, then
// json.Unmarshal or Parameters-style strict decoding) and builds answers
// with CreateAnswer. RawMessage was chosen over map[string]any because it
// keeps numbers exact (64-bit counters, lifetimes) and key order, costs
// nothing when a callout does not look at it, and is one exact type for Get.

// HasCommand reports whether a library registered a handler for the command
// (Kea's commandHandlersPresent).
func (m *Manager) HasCommand(name string) bool {
	p, ok := LookupPoint(CommandToHookName(name))
	return ok && m.CalloutsPresent(p)
}

// CommandNames returns the commands that libraries currently handle, sorted,
// for list-commands (which merges them with the built-in ones).
func (m *Manager) CommandNames() []string {
	c := m.cur.Load()
	names := PointNames()
	var out []string
	for i, list := range c.callouts {
		if len(list) == 0 || i >= len(names) {
			continue
		}
		if cmd := HookToCommandName(names[i]); cmd != "" {
			out = append(out, cmd)
		}
	}
	slices.Sort(out)
	return out
}

// HandleCommand gives the command to the libraries' handlers, if any
// (Kea's HookedCommandMgr): handled is false when no library handles name,
// or when name is "list-commands" (which the server answers, adding
// CommandNames). Otherwise a fresh handle is made with "command" set to
// command (the whole command map) and "response" to nil, every handler runs
// in order, each free to replace the response, and the final "response" is
// returned. A hook handler thus takes precedence over a built-in command of
// the same name. The response is nil if no handler set one (or one set it
// with another type than json.RawMessage); the caller turns that into an
// error answer.
func (m *Manager) HandleCommand(name string, command json.RawMessage) (response json.RawMessage, handled bool) {
	if name == "list-commands" {
		return nil, false
	}
	p, ok := LookupPoint(CommandToHookName(name))
	if !ok || !m.CalloutsPresent(p) {
		return nil, false
	}
	h := m.AcquireHandle()
	defer h.Release()
	Set(h, "command", command)
	Set(h, "response", json.RawMessage(nil))
	m.Call(p, h)
	resp, err := Get[json.RawMessage](h, "response")
	if err != nil {
		m.log.Error("command handler left a response of the wrong type", "msgid", "HOOKS_CALLOUT_EXCEPTION", "command", name, "error", err)
		return nil, true
	}
	return resp, true
}

// CommandProcessed runs the command_processed callouts after a command was
// processed (built-in or hooked) and returns the response they leave, which
// is what the client gets. arguments is the command's "arguments" (nil if
// none). The status is ignored. With no callouts it returns response
// unchanged at the cost of CalloutsPresent.
func (m *Manager) CommandProcessed(name string, arguments, response json.RawMessage) json.RawMessage {
	if !m.CalloutsPresent(CommandProcessed) {
		return response
	}
	h := m.AcquireHandle()
	defer h.Release()
	Set(h, "name", name)
	Set(h, "arguments", arguments)
	Set(h, "response", response)
	m.Call(CommandProcessed, h)
	resp, err := Get[json.RawMessage](h, "response")
	if err != nil {
		m.log.Error("command_processed callout left a response of the wrong type", "msgid", "HOOKS_CALLOUT_EXCEPTION", "command", name, "error", err)
		return response
	}
	return resp
}

// SrvConfiguredError is the rejection of a configuration by a
// *_srv_configured callout; its text is the callouts' "error" argument.
type SrvConfiguredError struct{ Msg string }

func (e *SrvConfiguredError) Error() string { return e.Msg }

// CallSrvConfigured runs dhcp4_srv_configured, dhcp6_srv_configured or
// d2_srv_configured (p) on a fresh handle whose arguments setArgs sets
// (io_context, network_state, json_config, server_config). If a callout set
// Drop, the configuration is rejected: the result is a *SrvConfiguredError
// carrying the "error" argument (a string), or "unknown error" when it is
// unset, empty or not a string. The server answers it with code 1, or exits
// at startup.
func (m *Manager) CallSrvConfigured(p Point, setArgs func(h *CalloutHandle)) error {
	if !m.CalloutsPresent(p) {
		return nil
	}
	h := m.AcquireHandle()
	defer h.Release()
	if setArgs != nil {
		setArgs(h)
	}
	m.Call(p, h)
	if h.Status() != Drop {
		return nil
	}
	msg, err := Get[string](h, "error")
	if err != nil || msg == "" {
		msg = "unknown error"
	}
	return &SrvConfiguredError{Msg: msg}
}
