package server6

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
)

// TestLenientVendorClass: a VENDOR_CLASS (16) whose data item runs past the
// option makes the query a parse failure (Kea's OptionVendorClass throws),
// in the client message or in a relay level; with
// compatibility.lenient-option-parsing the item is the rest of the option
// and the query is served, classes seeing the item so read. A lone octet
// where an item length is expected is a parse failure either way.
func TestLenientVendorClass(t *testing.T) {
	long := dhcp6.Option{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 9, 0xbf, 0, 1, 'a', 0, 40, 'm', 'o', 'd', 'e', 'm'}}
	lone := dhcp6.Option{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 9, 0xbf, 0, 1, 'a', 7}}
	relayed := func(o dhcp6.Option) *dhcp6.Relay {
		return &dhcp6.Relay{LinkAddr: netip.MustParseAddr("2001:db8:3::1"), PeerAddr: netip.MustParseAddr("fe80::5"),
			Options: dhcp6.Options{o}}
	}
	lenientCfg := strings.Replace(testConfig, `"preferred-lifetime"`, `"compatibility": {"lenient-option-parsing": true},
  "client-classes": [{"name": "modems", "test": "vendor-class[2495].data[1] == 'modem'",
    "option-data": [{"name": "sntp-servers", "data": "2001:db8::123"}]}],
  "preferred-lifetime"`, 1)
	for _, lenient := range []bool{false, true} {
		cfg := testConfig
		if lenient {
			cfg = lenientCfg
		}
		h := newHarnessWith(t, cfg)
		cases := []struct {
			name   string
			c      client
			answer bool
		}{
			{"item past the end", client{duid: duid(1), na: []uint32{1}, extra: []dhcp6.Option{long}}, lenient},
			{"in a relay level", client{duid: duid(2), na: []uint32{1}, relay: relayed(long)}, lenient},
			{"lone octet", client{duid: duid(3), na: []uint32{1}, extra: []dhcp6.Option{lone}}, false},
			{"lone octet in a relay level", client{duid: duid(4), na: []uint32{1}, relay: relayed(lone)}, false},
		}
		failed := h.stat("pkt6-parse-failed")
		for _, tc := range cases {
			rep := h.query(dhcp6.MsgSolicit, tc.c)
			if (rep != nil) != tc.answer {
				t.Errorf("lenient %v, %s: answered %v, want %v", lenient, tc.name, rep != nil, tc.answer)
				continue
			}
			if !tc.answer {
				if got := h.stat("pkt6-parse-failed"); got != failed+1 {
					t.Errorf("lenient %v, %s: pkt6-parse-failed %d, want %d", lenient, tc.name, got, failed+1)
				}
				failed++
			}
		}
		if lenient {
			// The class reads the second item as the rest of the option.
			rep := h.query(dhcp6.MsgSolicit, client{duid: duid(5), na: []uint32{1},
				oro: []dhcp6.OptionCode{dhcp6.OptSNTPServers}, extra: []dhcp6.Option{long}})
			if rep == nil || !rep.Options.Has(dhcp6.OptSNTPServers) {
				t.Errorf("lenient: the class on the lenient item did not match: %+v", rep)
			}
		}
	}
}
