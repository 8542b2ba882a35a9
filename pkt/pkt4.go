// Package pkt holds the servers' packet types: a decoded wire packet with
// the metadata of its arrival, its client classes and its hooks callout
// handle. These are the values the hook points hand to libraries as
// "query4"/"response4" and "query6"/"response6", and what the allocation
// engine and the servers pass around.
package pkt

import (
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
)

// Pkt4 is a DHCPv4 query or response being processed (Kea's Pkt4).
type Pkt4 struct {
	dhcp4.Packet
	hooks.CalloutHandleAssociate

	// IfName and IfIndex name the interface the query arrived on (or the
	// response leaves by).
	IfName  string
	IfIndex int
	// Src and Dst are the IP addresses and UDP ports; LocalAddr/RemoteAddr
	// in Kea's terms are Dst/Src of a query.
	Src, Dst netip.AddrPort
	// SrcMAC and DstMAC are the Ethernet addresses when known (raw sockets).
	SrcMAC, DstMAC [6]byte
	// Len is the length of the received message.
	Len int
	// Raw is the wire form: for a query, the bytes received (what
	// buffer4_receive callouts see and may change before decoding); for a
	// response, the packed bytes about to be sent (buffer4_send). It
	// belongs to the server; a callout replacing it sets a new slice.
	Raw []byte
	// Classes are the client classes the query belongs to, in the order
	// they were assigned.
	Classes Classes
}

// Reset clears the packet for reuse, keeping allocated buffers.
func (p *Pkt4) Reset() {
	p.ResetCalloutHandle()
	p.Packet.Reset()
	p.IfName, p.IfIndex = "", 0
	p.Src, p.Dst = netip.AddrPort{}, netip.AddrPort{}
	p.SrcMAC, p.DstMAC = [6]byte{}, [6]byte{}
	p.Len = 0
	p.Raw = nil
	p.Classes = p.Classes[:0]
}

// Classes is an ordered set of client-class names. Sets are small (a few
// classes), so a slice beats a map and allocates nothing once grown.
type Classes []string

// Has reports whether the set holds name.
func (c Classes) Has(name string) bool {
	for _, n := range c {
		if n == name {
			return true
		}
	}
	return false
}

// Add appends name unless the set already holds it.
func (c *Classes) Add(name string) {
	if !c.Has(name) {
		*c = append(*c, name)
	}
}
