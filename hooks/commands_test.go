package hooks

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// handler answers with a fixed text, recording what it saw.
func handler(text string) Callout {
	return func(h *CalloutHandle) error {
		cmd := MustGet[json.RawMessage](h, "command")
		prev := MustGet[json.RawMessage](h, "response")
		name, args, err := ParseCommand(cmd)
		if err != nil {
			Set(h, "response", CreateAnswer(ResultError, err.Error(), nil))
			return nil
		}
		record("%s %s args=%s prev=%s", text, name, args, prev)
		Set(h, "response", CreateAnswer(ResultSuccess, text, nil))
		return nil
	}
}

func TestCommandHandlers(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return errors.Join(h.RegisterCommand("lease4-get", handler("a")), h.RegisterCommand("status-get", handler("a-status")))
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error {
			return errors.Join(h.RegisterCommand("lease4-get", handler("b")), h.RegisterCommand("stat-lease4-get", handler("b")),
				h.RegisterCommand("broken", func(*CalloutHandle) error { return errors.New("no response possible") }))
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	takeEvents()

	if p, ok := LookupPoint("$lease4_get"); !ok || !m.CalloutsPresent(p) {
		t.Error("$lease4_get hook not created")
	}
	for _, c := range []string{"lease4-get", "status-get", "stat-lease4-get"} {
		if !m.HasCommand(c) {
			t.Errorf("HasCommand(%q) = false", c)
		}
	}
	if m.HasCommand("lease6-get") || m.HasCommand("list-commands") {
		t.Error("HasCommand true for an unhandled command")
	}
	if diff := cmp.Diff([]string{"broken", "lease4-get", "stat-lease4-get", "status-get"}, m.CommandNames()); diff != "" {
		t.Errorf("CommandNames (-want +got):\n%s", diff)
	}

	// Both handlers run in library order; the last response wins.
	resp, handled := m.HandleCommand("lease4-get", json.RawMessage(`{"command": "lease4-get", "arguments": {"ip-address": "198.51.100.7"}}`))
	if !handled || string(resp) != `{"result":0,"text":"b"}` {
		t.Errorf("lease4-get = %s, %v", resp, handled)
	}
	eventsEqual(t, takeEvents(), []string{
		`a lease4-get args={"ip-address": "198.51.100.7"} prev=`,
		`b lease4-get args={"ip-address": "198.51.100.7"} prev={"result":0,"text":"a"}`,
	})
	// A hook handler takes precedence over a built-in of the same name: the
	// server asks HandleCommand first.
	if resp, handled := m.HandleCommand("status-get", json.RawMessage(`{"command": "status-get"}`)); !handled || !strings.Contains(string(resp), "a-status") {
		t.Errorf("status-get = %s, %v", resp, handled)
	}
	if _, handled := m.HandleCommand("list-commands", json.RawMessage(`{"command": "list-commands"}`)); handled {
		t.Error("list-commands was handed to the libraries")
	}
	if _, handled := m.HandleCommand("config-get", json.RawMessage(`{"command": "config-get"}`)); handled {
		t.Error("config-get handled with no handler")
	}
	if resp, handled := m.HandleCommand("broken", json.RawMessage(`{"command": "broken"}`)); !handled || resp != nil {
		t.Errorf("broken = %s, %v", resp, handled)
	}

	mustLoad(t, m, libs("libtest_c.so"))
	if m.HasCommand("lease4-get") || len(m.CommandNames()) != 0 {
		t.Error("commands survive the unload of their library")
	}
}

func TestCommandProcessed(t *testing.T) {
	m := quietManager(t)
	in := CreateAnswer(ResultSuccess, "ok", map[string]any{"pid": 1})
	if got := m.CommandProcessed("status-get", nil, in); string(got) != string(in) {
		t.Errorf("no callouts changed the response: %s", got)
	}
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("command_processed", func(h *CalloutHandle) error {
				name := MustGet[string](h, "name")
				args := MustGet[json.RawMessage](h, "arguments")
				record("%s %s", name, args)
				if name != "status-get" {
					return nil
				}
				_, text, a, err := ParseAnswer(MustGet[json.RawMessage](h, "response"))
				if err != nil {
					return err
				}
				var m map[string]any
				if err := json.Unmarshal(a, &m); err != nil {
					return err
				}
				m["high-availability"] = []any{}
				Set(h, "response", CreateAnswer(ResultSuccess, text, m))
				h.SetStatus(Drop) // ignored
				return nil
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so"))
	takeEvents()
	got := m.CommandProcessed("status-get", nil, in)
	if want := `{"arguments":{"high-availability":[],"pid":1},"result":0,"text":"ok"}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := m.CommandProcessed("lease4-del", json.RawMessage(`{"ip-address":"198.51.100.9"}`), in); string(got) != string(in) {
		t.Errorf("lease4-del response changed: %s", got)
	}
	eventsEqual(t, takeEvents(), []string{"status-get ", `lease4-del {"ip-address":"198.51.100.9"}`})
}

func TestCallSrvConfigured(t *testing.T) {
	tests := []struct {
		name     string
		callout  Callout
		wantErr  string
		wantSeen string
	}{
		{"accepts", func(h *CalloutHandle) error { return nil }, "", "{}"},
		{"rejects with error", func(h *CalloutHandle) error {
			Set(h, "error", "ha: peer name missing")
			h.SetStatus(Drop)
			return nil
		}, "ha: peer name missing", "{}"},
		{"rejects without error", func(h *CalloutHandle) error { h.SetStatus(Drop); return nil }, "unknown error", "{}"},
		{"callout fails", func(h *CalloutHandle) error { return errors.New("x") }, "unknown error", "{}"},
		{"skip is ignored", func(h *CalloutHandle) error { h.SetStatus(Skip); return nil }, "", "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := quietManager(t)
			var seen json.RawMessage
			if err := m.CallSrvConfigured(Dhcp4SrvConfigured, nil); err != nil {
				t.Fatalf("no callouts: %v", err)
			}
			setScripts(t, map[string]script{
				"libtest_a.so": {load: func(h *LibraryHandle) error {
					return h.RegisterCallout("dhcp4_srv_configured", func(h *CalloutHandle) error {
						seen = MustGet[json.RawMessage](h, "json_config")
						return tt.callout(h)
					})
				}},
			})
			mustLoad(t, m, libs("libtest_a.so"))
			err := m.CallSrvConfigured(Dhcp4SrvConfigured, func(h *CalloutHandle) {
				Set(h, "json_config", json.RawMessage(`{}`))
			})
			if string(seen) != tt.wantSeen {
				t.Errorf("json_config seen %s", seen)
			}
			var se *SrvConfiguredError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != "" && (!errors.As(err, &se) || err.Error() != tt.wantErr):
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in, name, args, err string
	}{
		{`{"command": "lease4-get", "arguments": {"ip-address": "198.51.100.1"}}`, "lease4-get", `{"ip-address": "198.51.100.1"}`, ""},
		{`{"command": "list-commands", "service": ["dhcp4"]}`, "list-commands", "", ""},
		{`{"command": "x", "arguments": null}`, "x", "", ""},
		{``, "", "", "No command specified"},
		{`[1]`, "", "", "Invalid command Element specified, expected map"},
		{`{"arguments": {}}`, "", "", "Invalid answer specified, does not contain mandatory 'command'"},
		{`{"command": 1}`, "", "", "'command' element in command message is not a string"},
		{`{"command": "x", "extra_arg": {}}`, "", "", "Received command contains unsupported parameter 'extra_arg'"},
	}
	for _, tt := range tests {
		name, args, err := ParseCommand(json.RawMessage(tt.in))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || name != tt.name || string(args) != tt.args {
			t.Errorf("%s: %q %s %v", tt.in, name, args, err)
		}
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		code int
		text string
		args any
		want string
	}{
		{0, "Lease added.", nil, `{"result":0,"text":"Lease added."}`},
		{3, "", map[string]int{"count": 0}, `{"arguments":{"count":0},"result":3}`},
		{0, "x", json.RawMessage(`{"a":[1,2]}`), `{"arguments":{"a":[1,2]},"result":0,"text":"x"}`},
		{0, "bad", func() {}, `{"result":1,"text":"unable to encode the answer: json: unsupported type: func()"}`},
	}
	for _, tt := range tests {
		got := CreateAnswer(tt.code, tt.text, tt.args)
		if string(got) != tt.want {
			t.Errorf("CreateAnswer = %s, want %s", got, tt.want)
		}
	}
	code, text, args, err := ParseAnswer(json.RawMessage(`{"result": 3, "text": "0 IPv4 lease(s) found.", "arguments": {"leases": []}}`))
	if err != nil || code != 3 || text != "0 IPv4 lease(s) found." || string(args) != `{"leases": []}` {
		t.Errorf("ParseAnswer: %d %q %s %v", code, text, args, err)
	}
	if _, _, _, err := ParseAnswer(json.RawMessage(`{"text": "x"}`)); err == nil {
		t.Error("ParseAnswer accepted an answer without result")
	}
}
