package netio

import (
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// UDPConn4 is a DHCPv4 UDP socket (Kea's PktFilterInet, dhcp-socket-type
// udp): bound to the interface address and server port, with IP_PKTINFO so
// each datagram carries its arrival interface and destination address. It
// sees unicast (relayed) traffic only.
type UDPConn4 struct {
	spec     SocketSpec
	s        *sock
	counters connCounters
}

var _ Conn = (*UDPConn4)(nil)

// OpenUDP4 opens a UDP DHCPv4 socket. With broadcast set it binds to
// 0.0.0.0 and SO_BINDTODEVICE instead, to also receive broadcasts on that
// interface (Kea's receive_bcast case, used where raw sockets are missing).
// SO_BROADCAST is always set so that a reply to 255.255.255.255 can be sent.
func OpenUDP4(spec SocketSpec, opt Options, broadcast bool) (*UDPConn4, error) {
	if !spec.Addr.Is4() {
		return nil, fmt.Errorf("UDP4 socket needs an IPv4 address, not %s", spec.Addr)
	}
	fd, err := socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return nil, fmt.Errorf("Failed to create UDP4 socket: %w", err)
	}
	fail := func(e error) (*UDPConn4, error) {
		unix.Close(fd)
		return nil, e
	}
	bindAddr := spec.Addr.As4()
	if broadcast {
		bindAddr = [4]byte{}
		if err := unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, spec.Iface.Name); err != nil {
			return fail(fmt.Errorf("Failed to set SO_BINDTODEVICE option on socket %d: %w", fd, err))
		}
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); err != nil {
		return fail(fmt.Errorf("Failed to set SO_BROADCAST option on socket %d: %w", fd, err))
	}
	setBuffers(fd, opt)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: bindAddr, Port: int(spec.Port)}); err != nil {
		return fail(fmt.Errorf("Failed to bind socket %d to %s/port=%d: %w", fd, spec.Addr, spec.Port, err))
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_PKTINFO, 1); err != nil {
		return fail(fmt.Errorf("setsockopt: IP_PKTINFO: failed: %w", err))
	}
	s, err := newSock(fd, "udp4:"+spec.Iface.Name, oobSize)
	if err != nil {
		return nil, err
	}
	return &UDPConn4{spec: spec, s: s}, nil
}

// Spec returns what the socket was opened for.
func (c *UDPConn4) Spec() SocketSpec { return c.spec }

// Stats returns the socket's counters.
func (c *UDPConn4) Stats() ConnStats { return c.counters.stats() }

// Close closes the socket.
func (c *UDPConn4) Close() error { return c.s.close() }

// ReadBatch receives datagrams into the packets' payload areas.
func (c *UDPConn4) ReadBatch(pkts []*Packet) (int, error) {
	b := c.s.rb
	for {
		m := min(len(pkts), len(b.hdrs))
		for i := 0; i < m; i++ {
			b.setBuf(i, pkts[i].buf[Headroom:])
		}
		n, err := c.s.recv(m)
		if err != nil {
			return 0, err
		}
		out := 0
		for i := 0; i < n; i++ {
			p := pkts[i]
			if b.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 {
				c.counters.malformed.Add(1)
				continue
			}
			sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&b.names[i]))
			p.Data = p.buf[Headroom : Headroom+int(b.hdrs[i].Len)]
			p.Src = netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), sockaddrPort(&sa.Port))
			p.IfIndex, p.IfName = c.spec.Iface.Index, c.spec.Iface.Name
			dst := c.spec.Addr
			if pi := findCmsg(b.control(i), unix.IPPROTO_IP, unix.IP_PKTINFO); len(pi) >= unix.SizeofInet4Pktinfo {
				info := (*unix.Inet4Pktinfo)(unsafe.Pointer(&pi[0]))
				dst = netip.AddrFrom4(info.Addr)
				if info.Ifindex != 0 {
					p.IfIndex = int(info.Ifindex)
				}
			}
			p.Dst = netip.AddrPortFrom(dst, c.spec.Port)
			p.SrcMAC, p.DstMAC = MAC{}, MAC{}
			p.Conn = c
			pkts[out], pkts[i] = pkts[i], pkts[out]
			out++
		}
		if out > 0 {
			c.counters.received.Add(uint64(out))
			return out, nil
		}
	}
}

// WriteBatch sends each packet to Dst. With IfIndex set, IP_PKTINFO forces
// the outgoing interface and Src (when set and not broadcast) the source
// address (same-as-inbound); with IfIndex 0 the kernel's routing decides
// (use-routing).
func (c *UDPConn4) WriteBatch(pkts []*Packet) (int, error) {
	c.s.wmu.Lock()
	defer c.s.wmu.Unlock()
	b := c.s.wb
	sent := 0
	for sent < len(pkts) {
		n := 0
		var stop error
		for sent+n < len(pkts) && n < len(b.hdrs) {
			p := pkts[sent+n]
			if !p.Dst.Addr().Is4() || p.Dst.Port() == 0 || len(p.Data) == 0 {
				stop = fmt.Errorf("netio: bad UDP4 send to %s with %d bytes", p.Dst, len(p.Data))
				break
			}
			b.setBuf(n, p.Data)
			sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: p.Dst.Addr().As4()}
			setSockaddrPort(&sa.Port, p.Dst.Port())
			b.setName(n, unsafe.Pointer(&sa), unix.SizeofSockaddrInet4)
			if p.IfIndex != 0 || (p.Src.Addr().Is4() && !p.Src.Addr().IsUnspecified()) {
				b.setControl(n, putPktinfo4(b.controlBuf(n), p.IfIndex, p.Src.Addr()))
			} else {
				b.setControl(n, 0)
			}
			n++
		}
		if n > 0 {
			k, err := c.s.send(n)
			sent += k
			c.counters.sent.Add(uint64(k))
			if err != nil {
				c.counters.sendErrors.Add(1)
				return sent, fmt.Errorf("pkt4 send failed: sendmsg() returned with an error: %w", err)
			}
		}
		if stop != nil {
			c.counters.sendErrors.Add(1)
			return sent, stop
		}
	}
	return sent, nil
}
