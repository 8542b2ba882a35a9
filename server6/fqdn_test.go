package server6

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/dhcp6"
)

func TestDecodeName6(t *testing.T) {
	tests := []struct {
		in          string
		name        string
		full, valid bool
	}{
		{"\x04host\x07example\x03org\x00", "host.example.org", true, true},
		{"\x06MyHost", "MyHost", false, true},
		{"", "", false, true},
		{"\x00", "", true, true},
		{"\x05ab", "", false, false},          // label runs past the end
		{"\x02ab\x00\x01c", "", false, false}, // bytes after the root label
	}
	for _, tt := range tests {
		name, full, valid := decodeName6([]byte(tt.in))
		if name != tt.name || full != tt.full || valid != tt.valid {
			t.Errorf("decodeName6(%q) = %q %v %v, want %q %v %v", tt.in, name, full, valid, tt.name, tt.full, tt.valid)
		}
	}
}

func TestEncodeQualifyName6(t *testing.T) {
	tests := []struct {
		partial, suffix string
		qualified       string
		wire            string
	}{
		{"host", "", "host.", "\x04host\x00"},
		{"host", "example.org", "host.example.org.", "\x04host\x07example\x03org\x00"},
		{"host.", "example.org.", "host.example.org.", "\x04host\x07example\x03org\x00"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		q := qualifyName6(tt.partial, tt.suffix)
		got := []string{q, string(encodeName6(nil, q))}
		if d := cmp.Diff([]string{tt.qualified, tt.wire}, got); d != "" {
			t.Errorf("%q + %q (-want +got):\n%s", tt.partial, tt.suffix, d)
		}
	}
	if got := scrub6("my_host", "[^A-Za-z0-9.-]", ""); got != "myhost" {
		t.Errorf("scrub6 = %q", got)
	}
}

func TestBadClientFQDN(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		bad  bool
	}{
		{"full name", []byte("\x01\x04host\x00"), false},
		{"partial name", []byte("\x00\x04host"), false},
		{"flags only", []byte{1}, false},
		{"reserved flag bits", []byte("\xf1\x01a\x00"), false},
		{"empty", nil, true},
		{"N and S", []byte("\x05\x01a\x00"), true},
		{"label past the end", []byte{1, 9, 'a', 'b'}, true},
	}
	for _, tt := range tests {
		opts := dhcp6.Options{{Code: dhcp6.OptClientFQDN, Data: tt.data}}
		if got := badClientFQDN(opts); got != tt.bad {
			t.Errorf("%s: bad %v, want %v", tt.name, got, tt.bad)
		}
	}
	if badClientFQDN(nil) {
		t.Error("no option reported bad")
	}
}
