package dhcp4

import "testing"

func benchDecode(b *testing.B, name string) {
	in := readGolden(b, name)
	var p Packet
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := p.Decode(in); err != nil {
			b.Fatal(err)
		}
		if p.MessageType() == DHCP_NOTYPE {
			b.Fatal("no message type")
		}
		if rai, ok := p.RelayAgentInfo(); ok {
			if _, ok := rai.CircuitID(); !ok {
				b.Fatal("no circuit-id")
			}
		}
	}
}

// BenchmarkDecodeDiscover decodes dhcpcd's DISCOVER (300 bytes, 6 options).
func BenchmarkDecodeDiscover(b *testing.B) { benchDecode(b, "dhcpcd-1-discover.bin") }

// BenchmarkDecodeRequestRelayed decodes a relayed REQUEST from perfdhcp
// with option 82, and reads its circuit-id.
func BenchmarkDecodeRequestRelayed(b *testing.B) { benchDecode(b, "perfdhcp-3-request.bin") }

// buildReply does what a server does per reply: reset a reused Packet,
// fill the header from the query and set the reply options.
func buildReply(p, q *Packet, t MessageType) {
	p.Reset()
	p.Op = BootReply
	p.HType, p.HLen, p.CHAddr = q.HType, q.HLen, q.CHAddr
	p.Xid, p.Flags, p.GIAddr, p.Hops = q.Xid, q.Flags, q.GIAddr, q.Hops
	p.YIAddr = IPv4{198, 51, 100, 103}
	p.SetMessageType(t)
	p.SetIPv4(OptionSubnetMask, IPv4{255, 255, 255, 0})
	p.SetIPv4(OptionRouters, IPv4{198, 51, 100, 1})
	p.SetIPv4(OptionDomainNameServers, IPv4{198, 51, 100, 1})
	p.Set(OptionDomainName, []byte("example.org"))
	p.SetUint32(OptionLeaseTime, 4000)
	p.SetIPv4(OptionServerIdentifier, IPv4{198, 51, 100, 1})
	p.SetUint32(OptionRenewalTime, 1000)
	p.SetUint32(OptionRebindingTime, 2000)
	p.Set(OptionClasslessStaticRoute, []byte{24, 203, 0, 113, 198, 51, 100, 1})
	if cid := q.ClientID(); cid != nil {
		p.Set(OptionClientIdentifier, cid)
	}
	if rai, ok := q.Get(OptionRelayAgentInformation); ok {
		p.Set(OptionRelayAgentInformation, rai)
	}
	p.SortKea()
}

func benchEncode(b *testing.B, query string, t MessageType) {
	var q, p Packet
	if err := q.Decode(readGolden(b, query)); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 1500)
	b.ReportAllocs()
	for b.Loop() {
		buildReply(&p, &q, t)
		out, err := p.AppendTo(buf[:0])
		if err != nil || len(out) < OptionsOffset {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeOffer builds and encodes an OFFER (10 options) for
// dhcpcd's DISCOVER into a preallocated buffer.
func BenchmarkEncodeOffer(b *testing.B) { benchEncode(b, "dhcpcd-1-discover.bin", DHCPOFFER) }

// BenchmarkEncodeAck builds and encodes a relayed ACK (with option 82
// echoed) for perfdhcp's REQUEST into a preallocated buffer.
func BenchmarkEncodeAck(b *testing.B) { benchEncode(b, "perfdhcp-3-request.bin", DHCPACK) }

// BenchmarkReencodeGolden measures AppendTo alone on a decoded packet.
func BenchmarkReencodeGolden(b *testing.B) {
	var p Packet
	if err := p.Decode(readGolden(b, "dhcpcd-2-offer.bin")); err != nil {
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
