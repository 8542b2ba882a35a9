package netio

import (
	"fmt"
	"net/netip"
	"sync"
)

// MAC is an Ethernet (IEEE 802.3) hardware address. The zero MAC means
// "unknown" (UDP sockets do not see link-layer addresses).
type MAC [6]byte

// BroadcastMAC is ff:ff:ff:ff:ff:ff.
var BroadcastMAC = MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// IsZero reports whether m is the zero (unknown) address.
func (m MAC) IsZero() bool { return m == MAC{} }

func (m MAC) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// MACFrom converts a 6-byte hardware address (for example a DHCPv4 chaddr
// with hlen 6); it reports false for any other length.
func MACFrom(b []byte) (MAC, bool) {
	var m MAC
	if len(b) != 6 {
		return m, false
	}
	copy(m[:], b)
	return m, true
}

const (
	// Headroom is the space kept in front of the payload of a packet being
	// sent so that raw sockets can write Ethernet, IPv4 and UDP headers
	// without copying the payload.
	Headroom = 64
	// BufSize is the size of each packet buffer: Headroom plus the largest
	// datagram or frame received (larger ones are dropped as truncated).
	BufSize = 4096
	// MaxPayload is the largest payload a Packet can carry.
	MaxPayload = BufSize - Headroom
)

// Packet is one received datagram, or one to send, with its metadata.
// Received packets come from a Pool; the Dispatcher gives each back to the
// pool when its handler returns, so a handler must not keep a Packet (or
// Data) after returning.
type Packet struct {
	// Data is the DHCP message (UDP payload).
	Data []byte
	// IfIndex and IfName name the interface it arrived on, or the one to
	// send it out of. IfIndex 0 on send means "let the kernel route it"
	// (outbound-interface use-routing).
	IfIndex int
	IfName  string
	// Src and Dst are the IP addresses and UDP ports. On receive, Dst is the
	// address the packet was sent to (255.255.255.255 for a broadcast,
	// ff02::1:2 for a multicast). On send, an invalid or unspecified Src
	// address means the socket's own address.
	Src, Dst netip.AddrPort
	// SrcMAC and DstMAC are the Ethernet addresses (raw sockets only). On
	// send through a raw socket, DstMAC is the layer-2 destination: the
	// client's chaddr for a unicast to yiaddr, or the query's SrcMAC; zero
	// means broadcast for 255.255.255.255 and kernel ARP otherwise.
	SrcMAC, DstMAC MAC
	// Conn is the socket the packet arrived on; a reply sent through a Set
	// goes out of the same socket when it is set.
	Conn Conn

	buf  []byte
	pool *Pool
}

// Payload returns the writable area for a payload to send: write the
// message there and call SetPayload with its length.
func (p *Packet) Payload() []byte { return p.buf[Headroom:] }

// SetPayload makes Data the first n bytes of Payload().
func (p *Packet) SetPayload(n int) error {
	if n < 0 || n > MaxPayload {
		return fmt.Errorf("netio: payload of %d bytes does not fit (max %d)", n, MaxPayload)
	}
	p.Data = p.buf[Headroom : Headroom+n]
	return nil
}

// Release gives the packet back to its pool. It is a no-op for packets not
// taken from a pool.
func (p *Packet) Release() {
	if p.pool != nil {
		p.pool.put(p)
	}
}

func (p *Packet) reset() {
	*p = Packet{buf: p.buf, pool: p.pool}
}

// payloadInPlace reports whether Data already sits at the start of the
// payload area (so headers can be written in front of it).
func (p *Packet) payloadInPlace() bool {
	return len(p.Data) > 0 && len(p.buf) > Headroom && &p.Data[0] == &p.buf[Headroom]
}

// Pool hands out packets with BufSize buffers and takes them back, so the
// receive path does not allocate per packet.
type Pool struct {
	p sync.Pool
}

// NewPool returns an empty pool; buffers are allocated on first use and
// reused afterwards.
func NewPool() *Pool {
	pl := &Pool{}
	pl.p.New = func() any { return &Packet{buf: make([]byte, BufSize), pool: pl} }
	return pl
}

// Get returns a packet with all metadata cleared and Data nil.
func (pl *Pool) Get() *Packet {
	return pl.p.Get().(*Packet)
}

func (pl *Pool) put(p *Packet) {
	p.reset()
	pl.p.Put(p)
}

// NewPacket returns a packet outside any pool (for tests and one-off sends).
func NewPacket() *Packet { return &Packet{buf: make([]byte, BufSize)} }
