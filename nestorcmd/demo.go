package nestorcmd

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/option"
)

// demoOptions is the option-data a small Kea configuration would carry.
var demoOptions = []option.DataSpec{
	{Name: "routers", Data: "198.51.100.1"},
	{Name: "domain-name-servers", Data: "198.51.100.53, 198.51.100.54"},
	{Name: "domain-name", Data: "example.org"},
	{Name: "classless-static-route", Data: "203.0.113.0/24 - 198.51.100.1"},
}

// runDemo plays a DHCPv4 exchange (DISCOVER, OFFER, REQUEST, ACK) through
// the wire codec and the option system: each packet is built as a client or
// server would build it, encoded, decoded again and printed. It sends
// nothing on any network.
func runDemo(prog string, _ []string, stdout, stderr io.Writer) int {
	if err := demo(stdout); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return 0
}

func demo(w io.Writer) error {
	std := option.StandardV4()
	type resolved struct {
		def     *option.Definition
		payload []byte
	}
	var opts []resolved
	for _, spec := range demoOptions {
		def, payload, err := option.Resolve(std, spec)
		if err != nil {
			return fmt.Errorf("option-data %q: %w", spec.Name, err)
		}
		opts = append(opts, resolved{def, payload})
	}

	mac := []byte{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}
	server := dhcp4.IPv4(netip.MustParseAddr("198.51.100.1").As4())
	offered := dhcp4.IPv4(netip.MustParseAddr("198.51.100.100").As4())
	prl := []byte{1, 3, 6, 15, 51, 54, 121}

	client := func(mt dhcp4.MessageType) *dhcp4.Packet {
		p := &dhcp4.Packet{Op: dhcp4.BootRequest, HType: dhcp4.HTypeEthernet, HLen: 6, Xid: 0x2a5e1d07}
		copy(p.CHAddr[:], mac)
		p.Add(dhcp4.OptionMessageType, []byte{byte(mt)})
		p.Add(dhcp4.OptionClientIdentifier, append([]byte{1}, mac...))
		p.Add(dhcp4.OptionParameterRequestList, prl)
		return p
	}
	reply := func(q *dhcp4.Packet, mt dhcp4.MessageType) *dhcp4.Packet {
		p := &dhcp4.Packet{Op: dhcp4.BootReply, HType: q.HType, HLen: q.HLen, Xid: q.Xid, YIAddr: offered}
		p.CHAddr = q.CHAddr
		p.Add(dhcp4.OptionMessageType, []byte{byte(mt)})
		p.Add(dhcp4.OptionServerIdentifier, server[:])
		p.Add(dhcp4.OptionSubnetMask, []byte{255, 255, 255, 0})
		p.Add(dhcp4.OptionLeaseTime, []byte{0, 0, 0x0e, 0x10})
		for _, o := range opts {
			p.Add(uint8(o.def.Code), o.payload)
		}
		return p
	}

	discover := client(dhcp4.DHCPDISCOVER)
	offer := reply(discover, dhcp4.DHCPOFFER)
	request := client(dhcp4.DHCPREQUEST)
	request.Add(dhcp4.OptionRequestedAddress, offered[:])
	request.Add(dhcp4.OptionServerIdentifier, server[:])
	ack := reply(request, dhcp4.DHCPACK)

	var decoded dhcp4.Packet
	buf := make([]byte, 0, 1500)
	for _, p := range []*dhcp4.Packet{discover, offer, request, ack} {
		wire, err := p.AppendTo(buf[:0])
		if err != nil {
			return err
		}
		if err := decoded.Decode(wire); err != nil {
			return fmt.Errorf("decoding our own %v: %w", p.MessageType(), err)
		}
		printPacket(w, std, &decoded, len(wire))
	}
	fmt.Fprintf(w, "lease: %s granted to %02x for 3600 s\n", netip.AddrFrom4(ack.YIAddr), mac)
	return nil
}

func printPacket(w io.Writer, std *option.DefSet, p *dhcp4.Packet, n int) {
	fmt.Fprintf(w, "%s (%d bytes) xid=0x%08x chaddr=%02x yiaddr=%s\n",
		p.MessageType(), n, p.Xid, p.HWAddr(), netip.AddrFrom4(p.YIAddr))
	for _, o := range p.Options() {
		name, text := fmt.Sprintf("option-%d", o.Code), fmt.Sprintf("%x", o.Data)
		if def := std.Lookup("dhcp4", uint16(o.Code)); def != nil {
			name = def.Name
			if s, err := def.FormatData(o.Data); err == nil {
				text = s
			}
		}
		fmt.Fprintf(w, "    %3d %-24s %s\n", o.Code, name, strings.TrimSpace(text))
	}
}
