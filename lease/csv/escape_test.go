package csv

import (
	"encoding/json"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, out string }{
		{"", ""},
		{"plain.example.org", "plain.example.org"},
		{"a,b", "a&#x2cb"},
		{"a&b", "a&#x26b"},
		{"line\nbreak", "line&#x0abreak"},
		{"&#x2c", "&#x26#x2c"},
	}
	for _, tc := range tests {
		if got := Escape(tc.in); got != tc.out {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.out)
		}
		if got := Unescape(tc.out); got != tc.in {
			t.Errorf("Unescape(%q) = %q, want %q", tc.out, got, tc.in)
		}
	}
}

func TestUnescapeKeepsInvalid(t *testing.T) {
	tests := []struct{ in, out string }{
		{"a&#xzzb", "a&#xzzb"},
		{"end&#x2", "end&#x2"},
		{"&#x2C", ","}, // upper-case digits are accepted
		{"a&b", "a&b"}, // an unescaped '&' from an old file stays
	}
	for _, tc := range tests {
		if got := Unescape(tc.in); got != tc.out {
			t.Errorf("Unescape(%q) = %q, want %q", tc.in, got, tc.out)
		}
	}
}

func TestKeaJSON(t *testing.T) {
	tests := []struct{ in, out string }{
		{`{}`, `{  }`},
		{`{"b":[1,2],"a":{"z":true,"y":null}}`, `{ "a": { "y": null, "z": true }, "b": [ 1, 2 ] }`},
		{`{"s":"q\"\\\n\u0001é"}`, `{ "s": "q\"\\\n\u0001é" }`},
		{`{"n":1.50,"big":123456789012345678901234567890,"e":[]}`, `{ "big": 123456789012345678901234567890, "e": [  ], "n": 1.50 }`},
	}
	for _, tc := range tests {
		got, err := appendKeaJSON(nil, json.RawMessage(tc.in))
		if err != nil || string(got) != tc.out {
			t.Errorf("appendKeaJSON(%s) = %s, %v; want %s", tc.in, got, err, tc.out)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `{`, `{} {}`} {
		if _, err := appendKeaJSON(nil, json.RawMessage(bad)); err == nil {
			t.Errorf("appendKeaJSON(%s) succeeded, want an error", bad)
		}
	}
}
