package dhcp6

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	testServerDUID = []byte{0, 2, 0, 0, 0x09, 0xbf, 'n', 'e', 's', 't', 'o', 'r'}
	testClientDUID = []byte{0, 1, 0, 1, 0x2a, 0x3b, 0x4c, 0x5d, 0x02, 0, 0x5e, 0x10, 0, 2}
)

// relayedRequest is a REQUEST with IA_NA and IA_PD wrapped by two relays,
// the inner one adding interface-id and remote-id.
func relayedRequest() []byte {
	req := msg(MsgRequest, 0x0a0b0c,
		opt(OptClientID, testClientDUID),
		opt(OptServerID, testServerDUID),
		opt(OptORO, u16(23), u16(24)),
		opt(OptElapsedTime, u16(0)),
		opt(OptIANA, ianaPayload(7, 0, 0, opt(OptIAAddr, iaaddrPayload("2001:db8:1::100", 0, 0)))),
		opt(OptIAPD, ianaPayload(8, 0, 0, opt(OptIAPrefix, iaprefixPayload(0, 0, 56, "2001:db8:8000::")))),
	)
	inner := relayMsg(MsgRelayForw, 0, "2001:db8:1::1", "fe80::2",
		opt(OptInterfaceID, []byte("ge-0/0/1.100")),
		opt(OptRemoteID, u32(4491), []byte{0xaa, 0xbb}),
		opt(OptRelayMsg, req))
	return relayMsg(MsgRelayForw, 1, "2001:db8:2::1", "2001:db8:1::1",
		opt(OptSubscriberID, []byte("sub-1")),
		opt(OptRelayMsg, inner),
		opt(OptRelaySourcePort, u16(1547)))
}

// buildReply answers a decoded request the way server6 will: RELAY-REPL
// levels echoing interface-id, then a REPLY with IA_NA and IA_PD.
func buildReply(b *Builder, req *Packet, buf []byte) ([]byte, error) {
	b.Reset(buf)
	for i := range req.Relays {
		b.OpenRelayReply(&req.Relays[i], OptInterfaceID)
	}
	b.Header(MsgReply, req.TransactionID)
	cid, _ := req.ClientID()
	b.Add(OptClientID, cid)
	b.Add(OptServerID, testServerDUID)
	b.OpenIA(OptIANA, 7, 1000, 2000)
	b.OpenIAAddr(netip.MustParseAddr("2001:db8:1::100"), 3000, 4000)
	b.Close()
	b.Close()
	b.OpenIA(OptIAPD, 8, 1000, 2000)
	b.OpenIAPrefix(3000, 4000, netip.MustParsePrefix("2001:db8:8000::/56"))
	b.Add(OptPDExclude, []byte{64, 0x01})
	b.Close()
	b.AddStatus(StatusSuccess, "all good")
	b.Close()
	b.AddAddrs(OptNameServers, netip.MustParseAddr("2001:db8:1::53"))
	b.AddUint8(OptPreference, 255)
	b.AddEmpty(OptRapidCommit)
	return b.Finish()
}

func TestBuilderRelayedReply(t *testing.T) {
	var req Packet
	if err := req.Decode(relayedRequest()); err != nil {
		t.Fatal(err)
	}
	var b Builder
	out, err := buildReply(&b, &req, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rep Packet
	if err := rep.Decode(out); err != nil {
		t.Fatalf("decoding our reply: %v", err)
	}
	got, err := summarize(&rep)
	if err != nil {
		t.Fatal(err)
	}
	want := pktSum{
		Relays: []relaySum{
			{Type: "RELAY_REPLY", Hop: 1, Link: "2001:db8:2::1", Peer: "2001:db8:1::1", Codes: []OptionCode{OptRelayMsg}},
			{Type: "RELAY_REPLY", Hop: 0, Link: "2001:db8:1::1", Peer: "fe80::2", Codes: []OptionCode{OptInterfaceID, OptRelayMsg}, IfaceID: "ge-0/0/1.100"},
		},
		Type: "REPLY", XID: 0x0a0b0c,
		ClientID: DUID(testClientDUID).String(), DUIDType: DUIDLLT,
		ServerID: DUID(testServerDUID).String(),
		IAs: []iaSum{
			{Code: OptIANA, IAID: 7, T1: 1000, T2: 2000, Addrs: []string{"2001:db8:1::100 3000 4000"}},
			{Code: OptIAPD, IAID: 8, T1: 1000, T2: 2000, Prefixes: []string{"2001:db8:8000::/56 3000 4000"}, Status: `Success "all good"`},
		},
		Codes: []OptionCode{OptClientID, OptServerID, OptIANA, OptIAPD, OptNameServers, OptPreference, OptRapidCommit},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	// PD_EXCLUDE inside the IAPREFIX comes back as 2001:db8:8000:1::/64.
	o, _ := rep.Options.Get(OptIAPD)
	ia, _ := ParseIA(o.Data)
	po, _, _ := ia.Options.Get(OptIAPrefix)
	pfx, _ := ParseIAPrefix(po.Data)
	xo, ok, err := pfx.Options.Get(OptPDExclude)
	if !ok || err != nil {
		t.Fatalf("PD_EXCLUDE: %v %v", ok, err)
	}
	x, _ := ParsePDExclude(xo.Data)
	ex, err := x.Excluded(pfx.Prefix)
	if err != nil || ex != netip.MustParsePrefix("2001:db8:8000:1::/64") {
		t.Errorf("excluded prefix %v, %v", ex, err)
	}
	// Re-encoding the decoded reply gives the same bytes.
	again, err := rep.AppendTo(nil)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("re-encode differs: %v", err)
	}
}

func TestRelayAccessors(t *testing.T) {
	var p Packet
	if err := p.Decode(relayedRequest()); err != nil {
		t.Fatal(err)
	}
	outer, inner := &p.Relays[0], &p.Relays[1]
	if id, ok := outer.SubscriberID(); !ok || string(id) != "sub-1" {
		t.Errorf("subscriber-id %q %v", id, ok)
	}
	if port, ok, err := outer.SourcePort(); !ok || err != nil || port != 1547 {
		t.Errorf("relay-source-port %d %v %v", port, ok, err)
	}
	rid, ok, err := inner.RemoteID()
	if !ok || err != nil || rid.Enterprise != 4491 || !bytes.Equal(rid.ID, []byte{0xaa, 0xbb}) {
		t.Errorf("remote-id %+v %v %v", rid, ok, err)
	}
	if _, i, ok := p.RelayOption(OptInterfaceID, true); !ok || i != 1 {
		t.Errorf("RelayOption(interface-id) at %d, %v", i, ok)
	}
	if _, i, ok := p.RelayOption(OptSubscriberID, false); !ok || i != 0 {
		t.Errorf("RelayOption(subscriber-id) at %d, %v", i, ok)
	}
	if _, _, ok := p.RelayOption(OptERO, true); ok {
		t.Error("found an ERO that is not there")
	}
	if !bytes.Equal(inner.RelayMsg(), p.Msg) {
		t.Error("innermost RelayMsg is not the message")
	}
	out, err := p.AppendTo(nil)
	if err != nil || !bytes.Equal(out, relayedRequest()) {
		t.Errorf("re-encode differs: %v", err)
	}
}

func TestBuilderErrors(t *testing.T) {
	big := make([]byte, 0x10000)
	tests := []struct {
		name string
		f    func(b *Builder)
	}{
		{"close with nothing open", func(b *Builder) { b.Close() }},
		{"option over 65535", func(b *Builder) { b.Add(OptClientID, big) }},
		{"string over 65535", func(b *Builder) { b.AddString(OptClientFQDN, string(big)) }},
		{"container over 65535", func(b *Builder) {
			b.Open(OptIANA)
			b.Raw(big)
			b.Close()
		}},
		{"too many open", func(b *Builder) {
			for i := 0; i <= maxOpen; i++ {
				b.Open(OptRelayMsg)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b Builder
			b.Reset(nil)
			b.Header(MsgReply, 1)
			tc.f(&b)
			n := len(b.Bytes())
			b.Add(OptServerID, testServerDUID) // no-op after an error
			if _, err := b.Finish(); !errors.Is(err, ErrEncode) {
				t.Fatalf("Finish error %v", err)
			}
			if len(b.Bytes()) != n {
				t.Error("Builder kept writing after an error")
			}
		})
	}
}

// A packet put together by hand (no RELAY_MSG option in the relay) encodes
// with the message appended in a new RELAY_MSG.
func TestAppendToAddsRelayMsg(t *testing.T) {
	p := Packet{
		Relays: []Relay{{MsgType: MsgRelayRepl, HopCount: 2,
			LinkAddr: netip.MustParseAddr("2001:db8::1"), PeerAddr: netip.MustParseAddr("fe80::1"),
			Options: Options{{Code: OptInterfaceID, Data: []byte("x")}}}},
		MsgType: MsgAdvertise, TransactionID: 0x1234567, // top byte dropped
		Options: Options{{Code: OptServerID, Data: testServerDUID}},
	}
	out, err := p.AppendTo(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := relayMsg(MsgRelayRepl, 2, "2001:db8::1", "fe80::1", opt(OptInterfaceID, []byte("x")),
		opt(OptRelayMsg, msg(MsgAdvertise, 0x234567, opt(OptServerID, testServerDUID))))
	if !bytes.Equal(out, want) {
		t.Errorf("got  %x\nwant %x", out, want)
	}
}

func TestZeroAllocs(t *testing.T) {
	in := relayedRequest()
	var p Packet
	if err := p.Decode(in); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = p.Decode(in) }); n != 0 {
		t.Errorf("Decode: %v allocs/op", n)
	}
	bad := in[:len(in)-3]
	if n := testing.AllocsPerRun(100, func() { _ = p.Decode(bad) }); n != 0 {
		t.Errorf("Decode of a malformed packet: %v allocs/op", n)
	}
	_ = p.Decode(in)
	var b Builder
	buf := make([]byte, 0, 1500)
	if n := testing.AllocsPerRun(100, func() { _, _ = buildReply(&b, &p, buf[:0]) }); n != 0 {
		t.Errorf("Builder: %v allocs/op", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = p.AppendTo(buf[:0]) }); n != 0 {
		t.Errorf("AppendTo: %v allocs/op", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = walkPacket(&p) }); n != 0 {
		t.Errorf("walking views: %v allocs/op", n)
	}
}
