package pkt

import (
	"net/netip"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
)

func TestPkt6Reset(t *testing.T) {
	var b dhcp6.Builder
	b.Reset(nil)
	b.Header(dhcp6.MsgSolicit, 0x123456)
	b.Add(dhcp6.OptClientID, []byte{0, 3, 0, 1, 1, 2, 3, 4, 5, 6})
	raw, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var p Pkt6
	if err := p.Decode(raw); err != nil {
		t.Fatal(err)
	}
	p.Dst = netip.MustParseAddrPort("[ff02::1:2]:547")
	p.IfName = "eth0"
	p.Classes.Add("ALL")
	if !p.Multicast() || p.MsgType != dhcp6.MsgSolicit || p.TransactionID != 0x123456 {
		t.Fatalf("decoded %v %x multicast=%v", p.MsgType, p.TransactionID, p.Multicast())
	}
	p.Reset()
	if p.IfName != "" || len(p.Classes) != 0 || len(p.Options) != 0 || p.Multicast() {
		t.Fatalf("Reset left %q %v %v", p.IfName, p.Classes, p.Options)
	}
	if err := p.Decode(raw); err != nil || !p.Options.Has(dhcp6.OptClientID) {
		t.Fatalf("decode after reset: %v", err)
	}
}
