package server6

import (
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// lenientDiffConfig6 is diffConfig6 with compatibility.lenient-option-parsing
// and a class on the second vendor-class item.
var lenientDiffConfig6 = strings.Replace(diffConfig6, `"client-classes": [`,
	`"compatibility": {"lenient-option-parsing": true},
  "client-classes": [{"name": "modem", "test": "vendor-class[2495].data[1] == 'modem'",
    "option-data": [{"name": "nisp-domain-name", "data": "modem.example.org"}]},`, 1)

// lenientScript6 are queries with VENDOR_CLASS items running past the
// option, answered in lenient mode (the item is the rest of the option),
// and ones with a lone octet where an item length is expected, dropped
// in any mode.
var lenientScript6 = []step6{
	{"solicit vendor-class item past the end", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 1, oro: []uint16{uint16(dhcp6.OptNISPDomainName)}, ias: []ia6{na(1)},
			extra: []dhcp6.Option{vendorClassPastEnd}}
	}},
	{"information-request vendor-class item past the end", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgInformationRequest, client: 2, oro: []uint16{uint16(dhcp6.OptNISPDomainName)},
			extra: []dhcp6.Option{vendorClassPastEnd}}
	}},
	{"solicit vendor-class length only", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 3, ias: []ia6{na(1)},
			extra: []dhcp6.Option{{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 0x09, 0xbf, 0, 3}}}}
	}},
	{"solicit vendor-class item past the end in the relay level", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 4, ias: []ia6{na(1)}, relayOpts: []dhcp6.Option{vendorClassPastEnd}}
	}},
	{"solicit vendor-class lone octet", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 5, ias: []ia6{na(1)},
			extra: []dhcp6.Option{{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 0x09, 0xbf, 0, 1, 'a', 7}}}}
	}},
	{"solicit vendor-class enterprise cut", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 6, ias: []ia6{na(1)},
			extra: []dhcp6.Option{{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 0x09}}}}
	}},
}

// TestLenientDifferentialKea22 compares kea-dhcp6 2.2 and nestor with
// lenient-option-parsing on (Kea 2.2 has the tuple leniency the Kea 2.6
// ARM describes).
func TestLenientDifferentialKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	kea := startDiffServer6With(t, lenientDiffConfig6, "kea-dhcp6", "s6lk", func(cfg string) []string { return []string{"kea-dhcp6", "-c", cfg} })
	nes := startDiffServer6With(t, lenientDiffConfig6, "nestor", "s6ln", func(cfg string) []string { return []string{bin, "dhcp6", "-c", cfg} })
	runDiffScript6(t, kea, nes, lenientScript6)
	compareLeaseFiles(t, kea, nes)
}
