package eval

import (
	"net/netip"
)

// pkt.iface, pkt.src, pkt.dst, pkt.len (both universes).
type pktExpr struct{ field int }

func (e *pktExpr) evalStr(s *Scratch) []byte {
	var iface string
	var src, dst netip.Addr
	var n int
	v4 := s.c4 != nil
	if v4 {
		iface, src, dst, n = s.c4.Iface, s.c4.Src, s.c4.Dst, s.c4.Len
		if n == 0 {
			n = s.c4.Pkt.Len()
		}
	} else {
		iface, src, dst, n = s.c6.Iface, s.c6.Src, s.c6.Dst, s.c6.Len
		if n == 0 {
			n = len(s.c6.Pkt.Raw)
		}
	}
	switch e.field {
	case fIface:
		out := s.alloc(len(iface))
		copy(out, iface)
		return out
	case fSrc, fDst:
		a := src
		if e.field == fDst {
			a = dst
		}
		return addrBytes(s, a, v4)
	}
	return uint32Bytes(s, uint32(n))
}

// addrBytes gives an address as Kea's IOAddress::toBytes does: 4 bytes
// for IPv4, 16 for IPv6; an unset address is the universe's zero address.
func addrBytes(s *Scratch, a netip.Addr, v4 bool) []byte {
	if !a.IsValid() {
		if v4 {
			a = netip.IPv4Unspecified()
		} else {
			a = netip.IPv6Unspecified()
		}
	}
	if a.Is4In6() && v4 {
		a = a.Unmap()
	}
	if a.Is4() {
		b := a.As4()
		out := s.alloc(4)
		copy(out, b[:])
		return out
	}
	b := a.As16()
	out := s.alloc(16)
	copy(out, b[:])
	return out
}

func uint32Bytes(s *Scratch, n uint32) []byte {
	out := s.alloc(4)
	out[0], out[1], out[2], out[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return out
}

// pkt4.* fields.
type pkt4Expr struct{ field int }

func (e *pkt4Expr) evalStr(s *Scratch) []byte {
	p := s.c4.Pkt
	switch e.field {
	case fChaddr:
		return p.HWAddr()
	case fHlen:
		return uint32Bytes(s, uint32(p.HLen))
	case fHtype:
		return uint32Bytes(s, uint32(p.HType))
	case fCiaddr:
		return p.CIAddr[:]
	case fGiaddr:
		return p.GIAddr[:]
	case fYiaddr:
		return p.YIAddr[:]
	case fSiaddr:
		return p.SIAddr[:]
	case fMsgType:
		return uint32Bytes(s, uint32(p.MessageType()))
	}
	return uint32Bytes(s, p.Xid)
}

// pkt6.* fields: of the client's message, inside any relay levels.
type pkt6Expr struct{ field int }

func (e *pkt6Expr) evalStr(s *Scratch) []byte {
	p := s.c6.Pkt
	if e.field == fMsgType {
		return uint32Bytes(s, uint32(p.MsgType))
	}
	return uint32Bytes(s, p.TransactionID)
}

// relay6[n].peeraddr and .linkaddr: 16 bytes, or empty when there is no
// such relay level.
type relay6FieldExpr struct{ level, field int }

func (e *relay6FieldExpr) evalStr(s *Scratch) []byte {
	r, ok := relayLevel(s.c6.Pkt, e.level)
	if !ok {
		return nil
	}
	a := r.PeerAddr
	if e.field == fLinkAddr {
		a = r.LinkAddr
	}
	return addrBytes(s, a, false)
}
