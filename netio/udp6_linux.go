package netio

import (
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// UDPConn6 is a DHCPv6 socket (Kea's PktFilterInet6): UDP bound to a
// link-local, multicast (ff02::1:2) or global unicast address of one
// interface, with IPV6_RECVPKTINFO, SO_REUSEADDR and SO_REUSEPORT.
type UDPConn6 struct {
	spec     SocketSpec
	s        *sock
	counters connCounters
}

var _ Conn = (*UDPConn6)(nil)

// OpenUDP6 opens a DHCPv6 socket; with spec.Join it joins ff02::1:2 on the
// interface.
func OpenUDP6(spec SocketSpec, opt Options) (*UDPConn6, error) {
	if !spec.Addr.Is6() || spec.Addr.Is4In6() {
		return nil, fmt.Errorf("UDP6 socket needs an IPv6 address, not %s", spec.Addr)
	}
	fd, err := socket(unix.AF_INET6, unix.SOCK_DGRAM, 0)
	if err != nil {
		return nil, fmt.Errorf("Failed to create UDP6 socket: %w", err)
	}
	fail := func(e error) (*UDPConn6, error) {
		unix.Close(fd)
		return nil, e
	}
	for _, o := range []struct {
		level, opt int
		name       string
	}{
		{unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, "IPV6_V6ONLY"},
		{unix.SOL_SOCKET, unix.SO_REUSEADDR, "SO_REUSEADDR"},
		{unix.SOL_SOCKET, unix.SO_REUSEPORT, "SO_REUSEPORT"},
	} {
		if err := unix.SetsockoptInt(fd, o.level, o.opt, 1); err != nil {
			return fail(fmt.Errorf("Can't set %s option on IPv6 socket: %w", o.name, err))
		}
	}
	setBuffers(fd, opt)
	sa := &unix.SockaddrInet6{Addr: spec.Addr.As16(), Port: int(spec.Port)}
	if spec.Addr.IsLinkLocalUnicast() || spec.Addr.IsMulticast() {
		sa.ZoneId = uint32(spec.Iface.Index)
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail(fmt.Errorf("Failed to bind socket %d to %s/port=%d: %w", fd, spec.Addr, spec.Port, err))
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1); err != nil {
		return fail(fmt.Errorf("setsockopt: IPV6_RECVPKTINFO failed: %w", err))
	}
	if spec.Join {
		mreq := &unix.IPv6Mreq{Multiaddr: AllDHCPRelayAgentsAndServers.As16(), Interface: uint32(spec.Iface.Index)}
		if err := unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq); err != nil {
			return fail(fmt.Errorf("Failed to join %s multicast group: %w", AllDHCPRelayAgentsAndServers, err))
		}
	}
	s, err := newSock(fd, "udp6:"+spec.Iface.Name, oobSize)
	if err != nil {
		return nil, err
	}
	return &UDPConn6{spec: spec, s: s}, nil
}

// Spec returns what the socket was opened for.
func (c *UDPConn6) Spec() SocketSpec { return c.spec }

// Stats returns the socket's counters.
func (c *UDPConn6) Stats() ConnStats { return c.counters.stats() }

// Close closes the socket.
func (c *UDPConn6) Close() error { return c.s.close() }

// ReadBatch receives datagrams into the packets' payload areas; Dst is the
// address the datagram was sent to (from IPV6_PKTINFO) and IfIndex the
// interface it arrived on.
func (c *UDPConn6) ReadBatch(pkts []*Packet) (int, error) {
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
			pi := findCmsg(b.control(i), unix.IPPROTO_IPV6, unix.IPV6_PKTINFO)
			// Kea drops a datagram without packet info ("unable to find
			// pktinfo").
			if b.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 || len(pi) < unix.SizeofInet6Pktinfo {
				c.counters.malformed.Add(1)
				continue
			}
			info := (*unix.Inet6Pktinfo)(unsafe.Pointer(&pi[0]))
			sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&b.names[i]))
			p.Data = p.buf[Headroom : Headroom+int(b.hdrs[i].Len)]
			p.Src = netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), sockaddrPort(&sa.Port))
			p.Dst = netip.AddrPortFrom(netip.AddrFrom16(info.Addr), c.spec.Port)
			p.IfIndex, p.IfName = int(info.Ifindex), c.spec.Iface.Name
			if p.IfIndex != c.spec.Iface.Index {
				// Can only happen for an unbound-device global socket;
				// the name is then unknown here.
				p.IfName = ""
			}
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

// WriteBatch sends each packet to Dst (a client's link-local address on
// port 546, or a relay on 547) out of IfIndex (or the socket's interface
// when IfIndex is 0).
func (c *UDPConn6) WriteBatch(pkts []*Packet) (int, error) {
	c.s.wmu.Lock()
	defer c.s.wmu.Unlock()
	b := c.s.wb
	sent := 0
	for sent < len(pkts) {
		n := 0
		var stop error
		for sent+n < len(pkts) && n < len(b.hdrs) {
			p := pkts[sent+n]
			d := p.Dst.Addr()
			if !d.Is6() || d.Is4In6() || p.Dst.Port() == 0 || len(p.Data) == 0 {
				stop = fmt.Errorf("netio: bad UDP6 send to %s with %d bytes", p.Dst, len(p.Data))
				break
			}
			ifindex := p.IfIndex
			if ifindex == 0 {
				ifindex = c.spec.Iface.Index
			}
			b.setBuf(n, p.Data)
			sa := unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: d.As16()}
			setSockaddrPort(&sa.Port, p.Dst.Port())
			if d.IsLinkLocalUnicast() || d.IsMulticast() {
				sa.Scope_id = uint32(ifindex)
			}
			b.setName(n, unsafe.Pointer(&sa), unix.SizeofSockaddrInet6)
			b.setControl(n, putPktinfo6(b.controlBuf(n), ifindex))
			n++
		}
		if n > 0 {
			k, err := c.s.send(n)
			sent += k
			c.counters.sent.Add(uint64(k))
			if err != nil {
				c.counters.sendErrors.Add(1)
				return sent, fmt.Errorf("pkt6 send failed: sendmsg() returned with an error: %w", err)
			}
		}
		if stop != nil {
			c.counters.sendErrors.Add(1)
			return sent, stop
		}
	}
	return sent, nil
}
