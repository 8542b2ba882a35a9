package dhcp6

import (
	"net/netip"
	"testing"
)

// singleRelayRequest is a RELAY-FORW with interface-id around a REQUEST
// with IA_NA and IA_PD, the common shape behind one relay agent.
func singleRelayRequest() []byte {
	req := msg(MsgRequest, 0x0a0b0c,
		opt(OptClientID, testClientDUID),
		opt(OptServerID, testServerDUID),
		opt(OptORO, u16(23), u16(24)),
		opt(OptElapsedTime, u16(0)),
		opt(OptIANA, ianaPayload(7, 0, 0, opt(OptIAAddr, iaaddrPayload("2001:db8:1::100", 0, 0)))),
		opt(OptIAPD, ianaPayload(8, 0, 0, opt(OptIAPrefix, iaprefixPayload(0, 0, 56, "2001:db8:8000::")))),
	)
	return relayMsg(MsgRelayForw, 0, "2001:db8:1::1", "fe80::2",
		opt(OptInterfaceID, []byte("ge-0/0/1.100")),
		opt(OptRelayMsg, req))
}

func benchDecode(b *testing.B, in []byte) {
	var p Packet
	if err := p.Decode(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := p.Decode(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSolicit decodes dhclient's SOLICIT (IA_NA + IA_PD).
func BenchmarkDecodeSolicit(b *testing.B) {
	benchDecode(b, readGolden(b, "dhclient-01-solicit.bin"))
}

func BenchmarkDecodeRequestRelayed(b *testing.B) {
	benchDecode(b, singleRelayRequest())
}

func BenchmarkDecodeRequestRelayed2(b *testing.B) {
	benchDecode(b, relayedRequest())
}

var (
	benchAddr   = netip.MustParseAddr("2001:db8:1::100")
	benchPrefix = netip.MustParsePrefix("2001:db8:8000::/56")
	benchDNS    = netip.MustParseAddr("2001:db8:1::53")
	// domain-search "example.org" in DNS wire format
	benchSearch = []byte("\x07example\x03org\x00")
)

// encodeAnswer builds what Kea sends to dhclient: ADVERTISE or REPLY with
// IA_NA, IA_PD, dns-servers and domain-search, inside RELAY-REPL levels
// answering req's relays.
func encodeAnswer(bl *Builder, buf []byte, t MessageType, req *Packet) ([]byte, error) {
	bl.Reset(buf)
	for i := range req.Relays {
		bl.OpenRelayReply(&req.Relays[i], OptInterfaceID)
	}
	bl.Header(t, req.TransactionID)
	cid, _ := req.ClientID()
	bl.Add(OptClientID, cid)
	bl.Add(OptServerID, testServerDUID)
	bl.OpenIA(OptIANA, 7, 1000, 2000)
	bl.OpenIAAddr(benchAddr, 3000, 4000)
	bl.Close()
	bl.Close()
	bl.AddAddrs(OptNameServers, benchDNS)
	bl.Add(OptDomainSearch, benchSearch)
	bl.OpenIA(OptIAPD, 8, 1000, 2000)
	bl.OpenIAPrefix(3000, 4000, benchPrefix)
	bl.Close()
	bl.Close()
	return bl.Finish()
}

func benchEncode(b *testing.B, t MessageType, in []byte) {
	var req Packet
	if err := req.Decode(in); err != nil {
		b.Fatal(err)
	}
	var bl Builder
	buf := make([]byte, 0, 1500)
	out, err := encodeAnswer(&bl, buf, t, &req)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := encodeAnswer(&bl, buf[:0], t, &req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeAdvertise(b *testing.B) {
	benchEncode(b, MsgAdvertise, readGolden(b, "dhclient-01-solicit.bin"))
}

func BenchmarkEncodeReply(b *testing.B) {
	benchEncode(b, MsgReply, readGolden(b, "dhclient-03-request.bin"))
}

// BenchmarkEncodeReplyRelayed wraps the REPLY in a RELAY-REPL echoing
// interface-id.
func BenchmarkEncodeReplyRelayed(b *testing.B) {
	benchEncode(b, MsgReply, singleRelayRequest())
}

// BenchmarkAppendTo re-encodes a decoded relayed request.
func BenchmarkAppendTo(b *testing.B) {
	var p Packet
	if err := p.Decode(singleRelayRequest()); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 1500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.AppendTo(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
