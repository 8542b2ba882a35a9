package dhcp4o6

import (
	"errors"
	"net"
	"net/netip"
	"sync"
)

// Side says which server an Endpoint belongs to.
type Side int

const (
	// V6 is the DHCPv6 server's end: bound to port P, sending to P+1.
	V6 Side = iota
	// V4 is the DHCPv4 server's end: bound to port P+1, sending to P.
	V4
)

// ErrClosed is returned by Send when the link is not open (Kea: "unable
// to send DHCP4o6 message because IPC socket is closed").
var ErrClosed = errors.New("unable to send DHCP4o6 message because IPC socket is closed")

// Handler receives each datagram read from the link (err set when the
// read failed, for example after the other end was not listening).
type Handler func(b []byte, err error)

// Endpoint is one server's end of the link. Open, Close and Send may be
// called from any goroutine; the handler runs on the endpoint's reading
// goroutine, one datagram at a time.
type Endpoint struct {
	side    Side
	handler Handler

	mu   sync.Mutex
	conn *net.UDPConn
	port uint16
}

// NewEndpoint returns a closed endpoint.
func NewEndpoint(side Side, h Handler) *Endpoint {
	return &Endpoint{side: side, handler: h}
}

// Addrs returns the local and remote addresses of the side's socket for
// dhcp4o6-port p.
func Addrs(side Side, p uint16) (local, remote netip.AddrPort) {
	lp, rp := p, p+1
	if side == V4 {
		lp, rp = p+1, p
	}
	return netip.AddrPortFrom(netip.IPv6Loopback(), lp), netip.AddrPortFrom(netip.IPv6Loopback(), rp)
}

// Open (re)opens the link for dhcp4o6-port p, as Kea's open: nothing
// changes when the port is the one already open; 0 closes the link.
func (e *Endpoint) Open(p uint16) error {
	if p == 0 {
		e.Close()
		return nil
	}
	if p == 65535 {
		return errors.New("DHCP4o6 port 65535")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil && e.port == p {
		return nil
	}
	l, r := Addrs(e.side, p)
	c, err := net.DialUDP("udp6", net.UDPAddrFromAddrPort(l), net.UDPAddrFromAddrPort(r))
	if err != nil {
		return errors.New("Failed to bind DHCP4o6 socket.")
	}
	if e.conn != nil {
		_ = e.conn.Close()
	}
	e.conn, e.port = c, p
	go e.read(c)
	return nil
}

// Port is the dhcp4o6-port open (0: closed).
func (e *Endpoint) Port() uint16 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.port
}

// Close closes the link. It does not wait for a datagram being handled.
func (e *Endpoint) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		_ = e.conn.Close()
		e.conn, e.port = nil, 0
	}
}

// Send writes one datagram to the other server.
func (e *Endpoint) Send(b []byte) error {
	e.mu.Lock()
	c := e.conn
	e.mu.Unlock()
	if c == nil {
		return ErrClosed
	}
	_, err := c.Write(b)
	return err
}

func (e *Endpoint) read(c *net.UDPConn) {
	buf := make([]byte, 65536)
	for {
		n, err := c.Read(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if e.handler != nil {
				e.handler(nil, errors.New("Failed to receive on DHCP4o6 socket."))
			}
			continue
		}
		if e.handler != nil {
			e.handler(append([]byte(nil), buf[:n]...), nil)
		}
	}
}
