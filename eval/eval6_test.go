package eval

import (
	"net/netip"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/option"
)

// testPacket6 is a SOLICIT relayed twice.
func testPacket6(t testing.TB) *dhcp6.Packet {
	var b dhcp6.Builder
	b.Reset(nil)
	b.RelayHeader(dhcp6.MsgRelayForw, 1, netip.MustParseAddr("2001:db8:1::1"), netip.MustParseAddr("2001:db8:2::2"))
	b.AddString(dhcp6.OptInterfaceID, "eth0")
	b.Add(dhcp6.OptRemoteID, []byte{0, 0, 0x11, 0x8b, 'r', 'i'})
	b.Open(dhcp6.OptRelayMsg)
	b.RelayHeader(dhcp6.MsgRelayForw, 0, netip.IPv6Unspecified(), netip.MustParseAddr("fe80::1"))
	b.AddString(dhcp6.OptInterfaceID, "port1")
	b.Open(dhcp6.OptRelayMsg)
	b.Header(dhcp6.MsgSolicit, 0xabcdef)
	b.Add(dhcp6.OptClientID, []byte{0, 2, 0, 0, 0x11, 0x8b, 'f', 'o', 'o'})
	b.Add(dhcp6.OptVendorClass, []byte{0, 0, 0x11, 0x8b, 0, 9, 'd', 'o', 'c', 's', 'i', 's', '3', '.', '0', 0, 1, 'x'})
	b.OpenVendorOpts(4491)
	b.AddString(1, "abc")
	b.Close()
	b.OpenIA(dhcp6.OptIANA, 7, 100, 200)
	b.OpenIAAddr(netip.MustParseAddr("2001:db8::5"), 300, 400)
	b.Close()
	b.Close()
	b.AddString(dhcp6.OptionCode(65000), "hi")
	raw, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	p := &dhcp6.Packet{}
	if err := p.Decode(raw); err != nil {
		t.Fatal(err)
	}
	return p
}

func ctx6(t testing.TB) *Context6 {
	return &Context6{
		Pkt:    testPacket6(t),
		Iface:  "eth0",
		Src:    netip.MustParseAddr("2001:db8:1::1"),
		Dst:    netip.MustParseAddr("ff02::1:2"),
		Member: func(c string) bool { return c == "KNOWN" },
	}
}

func TestTokens6(t *testing.T) {
	c := ctx6(t)
	runStrCases(t, option.V6, c, []strCase{
		{"pkt6.msgtype", "\x00\x00\x00\x01"},
		{"pkt6.transid", "\x00\xab\xcd\xef"},
		{"pkt6.msgtype == 1", "true"},
		{"pkt.iface", "eth0"},
		{"pkt.src", string(netip.MustParseAddr("2001:db8:1::1").AsSlice())},
		{"pkt.len", string([]byte{0, 0, 0, byte(len(c.Pkt.Raw))})},
		{"option[1].hex", "\x00\x02\x00\x00\x11\x8bfoo"},
		{"option[clientid].exists", "true"},
		{"option[2].exists", "false"},
		{"option[65000].text", "type=65000, len=00002: 68:69"},
		{"option[3].option[5].exists", "true"},
		{"substring(option[3].option[5].hex, 0, 16) == 2001:db8::5", "true"},
		{"option[3].option[13].exists", "false"},
		{"option[17].option[1].hex", "abc"},
		{"relay6[0].option[18].hex", "eth0"},
		{"relay6[1].option[18].hex", "port1"},
		{"relay6[-1].option[18].hex", "port1"},
		{"relay6[-2].option[18].hex", "eth0"},
		{"relay6[-3].option[18].exists", "false"},
		{"relay6[2].option[18].exists", "false"},
		{"relay6[0].option[37].exists", "true"},
		{"relay6[1].option[37].exists", "false"},
		{"relay6[0].peeraddr", string(netip.MustParseAddr("2001:db8:2::2").AsSlice())},
		{"relay6[0].linkaddr == 2001:db8:1::1", "true"},
		{"relay6[1].linkaddr == ::", "true"},
		{"relay6[-1].peeraddr == fe80::1", "true"},
		{"relay6[5].peeraddr", ""},
		{"relay6[-5].linkaddr", ""},
		{"vendor.enterprise == 4491", "true"},
		{"vendor[4491].exists", "true"},
		{"vendor[4491].option[1].hex", "abc"},
		{"vendor[4491].option[2].exists", "false"},
		{"vendor[9].option[1].exists", "false"},
		{"vendor-class[4491].exists", "true"},
		{"vendor-class.enterprise == 4491", "true"},
		{"vendor-class[4491].data", "docsis3.0"},
		{"vendor-class[4491].data[1]", "x"},
		{"vendor-class[4491].data[2]", ""},
		{"known", "true"},
		{"unknown", "false"},
		{"member('KNOWN')", "true"},
	})
}

func TestEmptyRelays6(t *testing.T) {
	var b dhcp6.Builder
	b.Reset(nil)
	b.Header(dhcp6.MsgRequest, 5)
	raw, _ := b.Finish()
	p := &dhcp6.Packet{}
	if err := p.Decode(raw); err != nil {
		t.Fatal(err)
	}
	runStrCases(t, option.V6, &Context6{Pkt: p}, []strCase{
		{"relay6[0].peeraddr", ""},
		{"relay6[-1].option[18].exists", "false"},
		{"pkt.src", string(make([]byte, 16))},
		{"pkt6.msgtype", "\x00\x00\x00\x03"},
		{"vendor.enterprise", ""},
		{"vendor[*].exists", "false"},
		{"vendor-class.enterprise", ""},
		{"vendor-class[*].data", ""},
	})
}

// TestVendorClassLenient6: a DHCPv6 vendor-class item whose length runs past
// the option (a query the server accepts only with lenient-option-parsing)
// is read as the rest of the option, as Kea's lenient tuple parsing does.
func TestVendorClassLenient6(t *testing.T) {
	var b dhcp6.Builder
	b.Reset(nil)
	b.Header(dhcp6.MsgSolicit, 1)
	b.Add(dhcp6.OptVendorClass, []byte{0, 0, 0x11, 0x8b, 0, 1, 'a', 0, 40, 'r', 'e', 's', 't'})
	raw, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	p := &dhcp6.Packet{}
	if err := p.Decode(raw); err != nil {
		t.Fatal(err)
	}
	runStrCases(t, option.V6, &Context6{Pkt: p}, []strCase{
		{"vendor-class[4491].data[0]", "a"},
		{"vendor-class[4491].data[1]", "rest"},
		{"vendor-class[4491].data[2]", ""},
	})
}
