package hooks

import (
	"encoding/json"
	"testing"
)

func FuzzParseLibrariesConfig(f *testing.F) {
	for _, s := range []string{
		`[{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}]`,
		`[{"library": "a.so", "parameters": {"x": [1, {"y": null}]}}]`,
		`[{"parameters": {}}]`, `["a"]`, `{}`, `[{"library": 1}]`, `null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfgs, err := ParseLibrariesConfig(json.RawMessage(s))
		if err != nil {
			return
		}
		for _, c := range cfgs {
			if c.Library == "" {
				t.Fatalf("accepted an empty library name from %q", s)
			}
			p, err := ParseParameters(c.Parameters)
			if err != nil {
				t.Fatalf("accepted parameters that are not a map: %s", c.Parameters)
			}
			var v struct {
				Name string `json:"name"`
			}
			_ = p.Decode(&v)
			_, _ = ResolveLibrary(c.Library, DefaultHooksPath, true)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		`{"command": "lease4-get", "arguments": {"ip-address": "198.51.100.1"}}`,
		`{"command": "x", "service": ["dhcp4"]}`, `{"command": 1}`, `[]`, ``, `{"command": "x", "z": 1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, _, err := ParseCommand(json.RawMessage(s))
		if err == nil && !json.Valid([]byte(s)) {
			t.Fatalf("accepted invalid JSON %q as command %q", s, name)
		}
		_, _, _, _ = ParseAnswer(json.RawMessage(s))
	})
}
