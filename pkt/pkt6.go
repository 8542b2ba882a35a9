package pkt

import (
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
)

// Pkt6 is a DHCPv6 query or response being processed (Kea's Pkt6).
type Pkt6 struct {
	dhcp6.Packet
	hooks.CalloutHandleAssociate

	// IfName and IfIndex name the interface the query arrived on (or the
	// response leaves by).
	IfName  string
	IfIndex int
	// Src and Dst are the IP addresses and UDP ports; Dst of a query is
	// ff02::1:2 for a multicast query, the server's address for a unicast.
	Src, Dst netip.AddrPort
	// Len is the length of the received message.
	Len int
	// Raw is the wire form: for a query, the bytes received (what
	// buffer6_receive callouts see); for a response, the packed bytes about
	// to be sent (buffer6_send).
	Raw []byte
	// Classes are the client classes the query belongs to, in the order
	// they were assigned.
	Classes Classes
}

// Reset clears the packet for reuse, keeping allocated buffers.
func (p *Pkt6) Reset() {
	p.ResetCalloutHandle()
	p.IfName, p.IfIndex = "", 0
	p.Src, p.Dst = netip.AddrPort{}, netip.AddrPort{}
	p.Len = 0
	p.Raw = nil
	p.Classes = p.Classes[:0]
	p.Relays = p.Relays[:0]
	p.Options = p.Options[:0]
	p.Msg = nil
	p.MsgType, p.TransactionID = 0, 0
}

// Multicast reports whether the query was sent to a multicast address.
func (p *Pkt6) Multicast() bool { return p.Dst.Addr().IsMulticast() }
