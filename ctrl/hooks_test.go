package ctrl_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
)

// The hooks framework's manager plugs into the command manager as is.
var _ ctrl.HookDispatcher = (*hooks.Manager)(nil)

type fakeHooks struct {
	handled   map[string]json.RawMessage
	seen      []string // name|command|arguments|response as processed
	rewriteTo json.RawMessage
}

func (f *fakeHooks) HandleCommand(name string, command json.RawMessage) (json.RawMessage, bool) {
	r, ok := f.handled[name]
	if ok {
		f.seen = append(f.seen, "handle "+name+" "+string(command))
	}
	return r, ok
}

func (f *fakeHooks) CommandNames() []string {
	var n []string
	for k := range f.handled {
		n = append(n, k)
	}
	return n
}

func (f *fakeHooks) CommandProcessed(name string, args, resp json.RawMessage) json.RawMessage {
	f.seen = append(f.seen, "processed "+name+" "+string(args)+" "+string(resp))
	if f.rewriteTo != nil && name == "version-get" {
		return f.rewriteTo
	}
	return resp
}

func TestHookDispatcher(t *testing.T) {
	m := ctrl.NewManager(quiet)
	m.Register("version-get", func(*ctrl.Command) ctrl.Answer { return ctrl.Success("2.2.0") })
	m.Register("lease4-get", func(*ctrl.Command) ctrl.Answer { return ctrl.Error("built-in") })
	f := &fakeHooks{handled: map[string]json.RawMessage{
		"lease4-get":   json.RawMessage(`{"result": 3, "text": "Lease not found.", "arguments": {"z": 1, "a": 12345678901234567890123}}`),
		"subnet4-list": nil, // a handler that set no response
	}}
	m.SetHookDispatcher(f)
	for _, tc := range []struct{ req, want string }{
		// The library's handler wins over the built-in one; its answer is
		// printed Kea's way (sorted keys, big integers kept).
		{`{"command": "lease4-get", "arguments": {"ip-address": "198.51.100.5"}}`,
			`{ "arguments": { "a": 12345678901234567890123, "z": 1 }, "result": 3, "text": "Lease not found." }`},
		{`{"command": "subnet4-list"}`, `{ "result": 1, "text": "internal server error: no response generated" }`},
		{`{"command": "list-commands"}`,
			`{ "arguments": [ "lease4-get", "list-commands", "subnet4-list", "version-get" ], "result": 0 }`},
		{`{"command": "version-get"}`, `{ "result": 0, "text": "2.2.0" }`},
	} {
		got, _ := m.Handle([]byte(tc.req))
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.req, got, tc.want)
		}
	}
	want := []string{
		`handle lease4-get {"arguments":{"ip-address":"198.51.100.5"},"command":"lease4-get"}`,
		`processed lease4-get {"ip-address":"198.51.100.5"} {"result": 3, "text": "Lease not found.", "arguments": {"z": 1, "a": 12345678901234567890123}}`,
		`handle subnet4-list {"command":"subnet4-list"}`,
		`processed subnet4-list  `,
		`processed list-commands  { "arguments": [ "lease4-get", "list-commands", "subnet4-list", "version-get" ], "result": 0 }`,
		`processed version-get  { "result": 0, "text": "2.2.0" }`,
	}
	if d := cmp.Diff(want, f.seen); d != "" {
		t.Errorf("dispatcher calls (-want +got):\n%s", d)
	}
	// command_processed may replace the answer.
	f.rewriteTo = json.RawMessage(`{"text": "changed", "result": 0}`)
	if got, _ := m.Handle([]byte(`{"command": "version-get"}`)); string(got) != `{ "result": 0, "text": "changed" }` {
		t.Errorf("command_processed rewrite: %s", got)
	}
	m.SetHookDispatcher(nil)
	if got, _ := m.Handle([]byte(`{"command": "lease4-get"}`)); string(got) != `{ "result": 1, "text": "built-in" }` {
		t.Errorf("without hooks: %s", got)
	}
}

// TestRegister covers Kea's registration rules.
func TestRegister(t *testing.T) {
	m := ctrl.NewManager(quiet)
	h := func(*ctrl.Command) ctrl.Answer { return ctrl.Success("") }
	if err := m.Register("x", h); err != nil {
		t.Fatal(err)
	}
	if err := m.Register("x", h); err == nil || err.Error() != "Handler for command 'x' is already installed." {
		t.Errorf("duplicate: %v", err)
	}
	if err := m.Deregister("list-commands"); err == nil {
		t.Error("list-commands deregistered")
	}
	if err := m.Deregister("x"); err != nil {
		t.Error(err)
	}
	if err := m.Deregister("x"); err == nil || err.Error() != "Handler for command 'x' not found." {
		t.Errorf("second deregister: %v", err)
	}
	m.Register("boom", func(*ctrl.Command) ctrl.Answer { panic("bad handler") })
	if got, _ := m.Handle([]byte(`{"command": "boom"}`)); string(got) != `{ "result": 1, "text": "Error during command processing: bad handler" }` {
		t.Errorf("panicking handler: %s", got)
	}
	m.Register("args", func(c *ctrl.Command) ctrl.Answer {
		return ctrl.SuccessArgs(map[string]any{"b": []int{1}, "a": "é", "n": nil, "f": 1.0})
	})
	if got, _ := m.Handle([]byte(`{"command": "args"}`)); string(got) != `{ "arguments": { "a": "\u00c3\u00a9", "b": [ 1 ], "f": 1, "n": null }, "result": 0 }` {
		t.Errorf("encoding/json arguments: %s", got)
	}
}
