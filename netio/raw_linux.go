package netio

import (
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// RawConn4 is a DHCPv4 raw socket (Kea's PktFilterLPF): an AF_PACKET socket
// bound to one interface with the DHCP4Filter program, plus the fallback UDP
// socket bound to the interface address and server port. The fallback keeps
// the port reserved (a second server fails to start, as with Kea, and the
// kernel sends no ICMP port-unreachable for unicast queries); Kea drains it
// on every receive, we attach a drop-everything filter so it never queues.
// The fallback is also used to send a unicast for which no destination MAC
// is known, letting the kernel resolve it with ARP.
type RawConn4 struct {
	spec     SocketSpec
	s        *sock
	fallback int
	counters connCounters
}

var _ Conn = (*RawConn4)(nil)

// OpenRaw4 opens a raw DHCPv4 socket as described by spec (Kind KindRaw4).
func OpenRaw4(spec SocketSpec, opt Options) (*RawConn4, error) {
	if !spec.Addr.Is4() {
		return nil, fmt.Errorf("raw socket needs an IPv4 address, not %s", spec.Addr)
	}
	prog, err := DHCP4Filter(spec.Addr, spec.Port)
	if err != nil {
		return nil, err
	}
	fb, err := openFallback(spec.Addr, spec.Port)
	if err != nil {
		return nil, err
	}
	fd, err := socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
	if err != nil {
		unix.Close(fb)
		return nil, fmt.Errorf("Failed to create raw LPF socket: %w", err)
	}
	fail := func(e error) (*RawConn4, error) {
		unix.Close(fd)
		unix.Close(fb)
		return nil, e
	}
	if err := attachFilter(fd, prog); err != nil {
		return fail(fmt.Errorf("Failed to install packet filtering program on the socket %d: %w", fd, err))
	}
	setBuffers(fd, opt)
	// Protocol 0 at creation, ETH_P_IP at bind: nothing is queued before
	// the filter is in place. ETH_P_IP (not Kea's ETH_P_ALL) also keeps the
	// host's outgoing frames away from the socket.
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: spec.Iface.Index}); err != nil {
		return fail(fmt.Errorf("Failed to bind LPF socket '%d' to interface '%s': %w", fd, spec.Iface.Name, err))
	}
	s, err := newSock(fd, "raw4:"+spec.Iface.Name, 0)
	if err != nil {
		unix.Close(fb)
		return nil, err
	}
	return &RawConn4{spec: spec, s: s, fallback: fb}, nil
}

func openFallback(addr netip.Addr, port uint16) (int, error) {
	fd, err := socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return -1, fmt.Errorf("failed to create fallback socket for address %s, port %d, reason: %w", addr, port, err)
	}
	if err := attachFilter(fd, dropAllFilter()); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("failed to filter fallback socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: addr.As4(), Port: int(port)}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("failed to bind fallback socket to address %s, port %d, reason: %v - is another DHCP server running?", addr, port, err)
	}
	return fd, nil
}

func attachFilter(fd int, prog []bpf.RawInstruction) error {
	f := make([]unix.SockFilter, len(prog))
	for i, ins := range prog {
		f[i] = unix.SockFilter{Code: ins.Op, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
	}
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]})
}

func setBuffers(fd int, opt Options) {
	if opt.RecvBuffer > 0 {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, opt.RecvBuffer) != nil {
			_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, opt.RecvBuffer)
		}
	}
	if opt.SendBuffer > 0 {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, opt.SendBuffer) != nil {
			_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, opt.SendBuffer)
		}
	}
}

// Spec returns what the socket was opened for.
func (c *RawConn4) Spec() SocketSpec { return c.spec }

// Stats returns the socket's counters.
func (c *RawConn4) Stats() ConnStats { return c.counters.stats() }

// Close closes the raw and the fallback socket.
func (c *RawConn4) Close() error {
	err := c.s.close()
	if c.fallback >= 0 {
		unix.Close(c.fallback)
		c.fallback = -1
	}
	return err
}

// ReadBatch receives frames and decodes their Ethernet/IPv4/UDP headers.
func (c *RawConn4) ReadBatch(pkts []*Packet) (int, error) {
	b := c.s.rb
	for {
		m := min(len(pkts), len(b.hdrs))
		for i := 0; i < m; i++ {
			b.setBuf(i, pkts[i].buf)
		}
		n, err := c.s.recv(m)
		if err != nil {
			return 0, err
		}
		out := 0
		for i := 0; i < n; i++ {
			p := pkts[i]
			sll := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&b.names[i]))
			if sll.Pkttype == unix.PACKET_OUTGOING || b.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 ||
				ParseFrame(p.buf[:b.hdrs[i].Len], p) != nil {
				c.counters.malformed.Add(1)
				continue
			}
			p.IfIndex, p.IfName, p.Conn = c.spec.Iface.Index, c.spec.Iface.Name, c
			pkts[out], pkts[i] = pkts[i], pkts[out]
			out++
		}
		if out > 0 {
			c.counters.received.Add(uint64(out))
			return out, nil
		}
	}
}

// WriteBatch builds a frame for each packet and sends them. The source
// address is Src, or the socket's address when Src is unset or broadcast
// (Kea: "received on broadcast, answer from the socket address"); the
// source MAC is the interface's. A packet with a zero DstMAC goes to
// ff:ff:ff:ff:ff:ff when Dst is 255.255.255.255, otherwise through the
// fallback UDP socket so the kernel resolves the MAC.
func (c *RawConn4) WriteBatch(pkts []*Packet) (int, error) {
	c.s.wmu.Lock()
	defer c.s.wmu.Unlock()
	b := c.s.wb
	sent := 0
	for sent < len(pkts) {
		n := 0
		var stop error
		for sent+n < len(pkts) && n < len(b.hdrs) {
			p := pkts[sent+n]
			if p.DstMAC.IsZero() && p.Dst.Addr() != Broadcast4 {
				break
			}
			frame, err := c.buildFrame(p)
			if err != nil {
				stop = err
				break
			}
			b.setBuf(n, frame)
			sll := unix.RawSockaddrLinklayer{Family: unix.AF_PACKET, Protocol: htons(unix.ETH_P_IP), Ifindex: int32(c.spec.Iface.Index), Halen: 6}
			dst := dstMAC(p)
			copy(sll.Addr[:], dst[:])
			b.setName(n, unsafe.Pointer(&sll), unix.SizeofSockaddrLinklayer)
			b.setControl(n, 0)
			n++
		}
		if n > 0 {
			k, err := c.s.send(n)
			sent += k
			c.counters.sent.Add(uint64(k))
			if err != nil {
				c.counters.sendErrors.Add(1)
				return sent, fmt.Errorf("failed to send DHCPv4 packet: %w", err)
			}
		}
		if stop != nil {
			c.counters.sendErrors.Add(1)
			return sent, stop
		}
		if sent < len(pkts) && n == 0 {
			if err := c.sendViaKernel(pkts[sent]); err != nil {
				c.counters.sendErrors.Add(1)
				return sent, err
			}
			sent++
			c.counters.sent.Add(1)
		}
	}
	return sent, nil
}

// dstMAC is the frame's destination: DstMAC, or broadcast when unset.
func dstMAC(p *Packet) MAC {
	if p.DstMAC.IsZero() {
		return BroadcastMAC
	}
	return p.DstMAC
}

func (c *RawConn4) source(p *Packet) netip.AddrPort {
	a, port := p.Src.Addr(), p.Src.Port()
	if !a.IsValid() || a.IsUnspecified() || a == Broadcast4 {
		a = c.spec.Addr
	}
	if port == 0 {
		port = c.spec.Port
	}
	return netip.AddrPortFrom(a, port)
}

func (c *RawConn4) buildFrame(p *Packet) ([]byte, error) {
	if !p.Dst.Addr().Is4() || p.Dst.Port() == 0 {
		return nil, fmt.Errorf("netio: bad destination %s for a raw DHCPv4 send", p.Dst)
	}
	if !p.payloadInPlace() {
		if len(p.Data) > MaxPayload {
			return nil, fmt.Errorf("netio: payload of %d bytes too large", len(p.Data))
		}
		n := copy(p.buf[Headroom:], p.Data)
		p.Data = p.buf[Headroom : Headroom+n]
	}
	start := Headroom - FrameOverhead
	if err := WriteFrameHeader(p.buf[start:Headroom], c.spec.Iface.MAC, dstMAC(p), c.source(p), p.Dst, p.Data); err != nil {
		return nil, err
	}
	return p.buf[start : Headroom+len(p.Data)], nil
}

// sendViaKernel sends a unicast through the fallback UDP socket out of the
// socket's interface; the kernel fills in the MAC (ARP).
func (c *RawConn4) sendViaKernel(p *Packet) error {
	if !p.Dst.Addr().Is4() || p.Dst.Port() == 0 {
		return fmt.Errorf("netio: bad destination %s for a DHCPv4 send", p.Dst)
	}
	var oob [oobSize / 8]uint64
	n := putPktinfo4(oobBytes(oob[:]), c.spec.Iface.Index, netip.Addr{})
	_, err := unix.SendmsgN(c.fallback, p.Data, oobBytes(oob[:])[:n], &unix.SockaddrInet4{Addr: p.Dst.Addr().As4(), Port: int(p.Dst.Port())}, 0)
	if err != nil {
		return fmt.Errorf("failed to send DHCPv4 packet to %s: %w", p.Dst, err)
	}
	return nil
}
