package hooks

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLibrariesConfig(t *testing.T) {
	tests := []struct {
		name, in string
		want     []LibraryConfig
		err      string
	}{
		{"absent", ``, nil, ""},
		{"empty", `[]`, []LibraryConfig{}, ""},
		{"two in order", `[{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"},
			{"library": "libdhcp_run_script.so", "parameters": {"name": "/x.sh", "sync": false}}]`,
			[]LibraryConfig{
				{Library: "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"},
				{Library: "libdhcp_run_script.so", Parameters: json.RawMessage(`{"name": "/x.sh", "sync": false}`)},
			}, ""},
		{"empty parameters kept", `[{"library": "a.so", "parameters": {}}]`, []LibraryConfig{{Library: "a.so", Parameters: json.RawMessage(`{}`)}}, ""},
		{"quotes and blanks removed", `[{"library": " \"a.so\" "}]`, []LibraryConfig{{Library: "a.so"}}, ""},
		{"not a list", `{"library": "a.so"}`, nil, "hooks library configuration error: hooks-libraries is not a list"},
		{"entry not a map", `["a.so"]`, nil, "hooks library configuration error: one or more entries in the hooks-libraries list is not a map"},
		{"library not a string", `[{"library": 1}]`, nil, "hooks library configuration error: value of 'library' element is not a string giving the path to a hooks library"},
		{"library blank", `[{"library": "  "}]`, nil, "hooks library configuration error: value of 'library' element must not be blank"},
		{"library missing", `[{"parameters": {}}]`, nil, "hooks library configuration error: one or more hooks-libraries elements are missing the name of the library"},
		{"unknown key", `[{"library": "a.so", "param": {}}]`, nil, "unknown hooks library parameter: param"},
		{"parameters not a map", `[{"library": "a.so", "parameters": [1]}]`, nil, "hooks library configuration error: value of 'parameters' element is not a map"},
		{"parameters null", `[{"library": "a.so", "parameters": null}]`, nil, "hooks library configuration error: value of 'parameters' element is not a map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLibrariesConfig(json.RawMessage(tt.in))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Written back, "parameters" appears only when it was set.
	out, _ := json.Marshal([]LibraryConfig{{Library: "a.so"}, {Library: "b.so", Parameters: json.RawMessage(`{}`)}})
	if string(out) != `[{"library":"a.so"},{"library":"b.so","parameters":{}}]` {
		t.Errorf("marshal: %s", out)
	}
}

type scriptParams struct {
	Name    string   `json:"name"`
	Sync    bool     `json:"sync"`
	Timeout uint32   `json:"timeout"`
	Servers []string `json:"servers"`
	Nested  struct {
		Port int `json:"port"`
	} `json:"nested"`
}

func TestParametersDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     scriptParams
		err      string
	}{
		{"not set keeps defaults", ``, scriptParams{Timeout: 5}, ""},
		{"all", `{"name": "s.sh", "sync": true, "timeout": 10, "servers": ["a"], "nested": {"port": 8}}`,
			scriptParams{Name: "s.sh", Sync: true, Timeout: 10, Servers: []string{"a"}, Nested: struct {
				Port int `json:"port"`
			}{8}}, ""},
		{"unknown key", `{"name": "s.sh", "nmae": "x"}`, scriptParams{}, "unknown parameter 'nmae'"},
		{"case differs", `{"Name": "s.sh"}`, scriptParams{}, "unknown parameter 'Name'"},
		{"nested unknown", `{"nested": {"prot": 1}}`, scriptParams{}, "unknown parameter 'prot'"},
		{"wrong type", `{"sync": "yes"}`, scriptParams{}, "parameter 'sync' must be a boolean, not a string"},
		{"negative", `{"timeout": -1}`, scriptParams{}, "parameter 'timeout' must be a non-negative integer, not the number -1"},
		{"fraction", `{"timeout": 1.5}`, scriptParams{}, "parameter 'timeout' must be a non-negative integer, not the number 1.5"},
		{"list expected", `{"servers": "a"}`, scriptParams{}, "parameter 'servers' must be a list, not a string"},
		{"nested type", `{"nested": {"port": "x"}}`, scriptParams{}, "parameter 'nested.port' must be an integer, not a string"},
		{"not a map", `[1]`, scriptParams{}, "parameters must be a map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseParameters(json.RawMessage(tt.in))
			got := scriptParams{Timeout: 5}
			if err == nil {
				err = p.Decode(&got)
			}
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	p, _ := ParseParameters(json.RawMessage(`{"b": 1, "a": {"x": [1]}}`))
	if !p.IsSet() || cmp.Diff([]string{"a", "b"}, p.Names()) != "" {
		t.Errorf("IsSet/Names: %v %v", p.IsSet(), p.Names())
	}
	if v, ok := p.Get("a"); !ok || string(v) != `{"x": [1]}` {
		t.Errorf("Get a = %s %v", v, ok)
	}
	if _, ok := p.Get("c"); ok {
		t.Error("Get of a missing parameter")
	}
	var empty Parameters
	if empty.IsSet() || len(empty.Names()) != 0 || empty.Raw() != nil {
		t.Error("zero Parameters")
	}
}
