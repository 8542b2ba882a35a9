package netio

import (
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// oobSize is the control buffer per message: room for one IP_PKTINFO or
// IPV6_PKTINFO (and a spare one), a multiple of 8 so that every message's
// buffer in a batch stays aligned for cmsghdr.
const oobSize = 64

// putPktinfo4 writes an IP_PKTINFO control message (outgoing interface and
// source address) at the start of b, which must be 8-byte aligned, and
// returns its length.
func putPktinfo4(b []byte, ifindex int, src netip.Addr) int {
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = unix.IPPROTO_IP, unix.IP_PKTINFO
	h.SetLen(unix.CmsgLen(unix.SizeofInet4Pktinfo))
	pi := (*unix.Inet4Pktinfo)(unsafe.Pointer(&b[unix.CmsgLen(0)]))
	*pi = unix.Inet4Pktinfo{Ifindex: int32(ifindex)}
	if src.Is4() && !src.IsUnspecified() && src != Broadcast4 {
		pi.Spec_dst = src.As4()
	}
	return unix.CmsgSpace(unix.SizeofInet4Pktinfo)
}

// putPktinfo6 writes an IPV6_PKTINFO control message (outgoing interface;
// the source is left to the kernel, as Kea does).
func putPktinfo6(b []byte, ifindex int) int {
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = unix.IPPROTO_IPV6, unix.IPV6_PKTINFO
	h.SetLen(unix.CmsgLen(unix.SizeofInet6Pktinfo))
	pi := (*unix.Inet6Pktinfo)(unsafe.Pointer(&b[unix.CmsgLen(0)]))
	*pi = unix.Inet6Pktinfo{Ifindex: uint32(ifindex)}
	return unix.CmsgSpace(unix.SizeofInet6Pktinfo)
}

// findCmsg returns the data of the first control message of the given level
// and type in b, without allocating.
func findCmsg(b []byte, level, typ int32) []byte {
	hl := unix.CmsgLen(0)
	for off := 0; off+hl <= len(b); {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&b[off]))
		l := int(h.Len)
		if l < hl || off+l > len(b) {
			return nil
		}
		if h.Level == level && h.Type == typ {
			return b[off+hl : off+l]
		}
		off += unix.CmsgSpace(l - hl)
	}
	return nil
}

func sockaddrPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

func setSockaddrPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}

// oobBytes views an aligned uint64 array as bytes for control messages.
func oobBytes(a []uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*8)
}
