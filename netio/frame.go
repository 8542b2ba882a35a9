package netio

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Header sizes of the frames raw sockets build.
const (
	ethHeaderLen = 14
	ipHeaderLen  = 20
	udpHeaderLen = 8
	// FrameOverhead is Ethernet + IPv4 (no options) + UDP.
	FrameOverhead = ethHeaderLen + ipHeaderLen + udpHeaderLen
)

const (
	etherTypeIPv4 = 0x0800
	protoUDP      = 17
	// Kea's writeIpUdpHeader values.
	ipTOSLowDelay = 0x10
	ipFlagDF      = 0x4000
	ipTTL         = 128
)

// Errors from parsing a received frame.
var (
	errShortFrame = errors.New("frame too short")
	errNotIPv4UDP = errors.New("not an IPv4/UDP frame")
	errFragment   = errors.New("IPv4 fragment")
	errBadLength  = errors.New("inconsistent IPv4/UDP length")
)

// ParseFrame decodes an Ethernet II frame carrying IPv4/UDP into p: MACs,
// addresses, ports and Data (a slice of frame). Like Kea's decoders it does
// not verify checksums; unlike Kea's BPF program alone it also rejects the
// first fragment of a fragmented datagram (MF set), which would otherwise be
// handed up truncated.
func ParseFrame(frame []byte, p *Packet) error {
	if len(frame) < FrameOverhead {
		return errShortFrame
	}
	if binary.BigEndian.Uint16(frame[12:14]) != etherTypeIPv4 {
		return errNotIPv4UDP
	}
	ip := frame[ethHeaderLen:]
	if ip[0]>>4 != 4 || ip[9] != protoUDP {
		return errNotIPv4UDP
	}
	ihl := int(ip[0]&0x0f) * 4
	if ihl < ipHeaderLen {
		return errNotIPv4UDP
	}
	if binary.BigEndian.Uint16(ip[6:8])&0x3fff != 0 {
		return errFragment
	}
	total := int(binary.BigEndian.Uint16(ip[2:4]))
	if total < ihl+udpHeaderLen || total > len(ip) {
		return errBadLength
	}
	udp := ip[ihl:total]
	ulen := int(binary.BigEndian.Uint16(udp[4:6]))
	if ulen < udpHeaderLen || ulen > len(udp) {
		return errBadLength
	}
	copy(p.DstMAC[:], frame[0:6])
	copy(p.SrcMAC[:], frame[6:12])
	p.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[12:16])), binary.BigEndian.Uint16(udp[0:2]))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[16:20])), binary.BigEndian.Uint16(udp[2:4]))
	p.Data = udp[udpHeaderLen:ulen]
	return nil
}

// WriteFrameHeader writes the Ethernet, IPv4 and UDP headers for payload
// into hdr (FrameOverhead bytes), with Kea's IPv4 header values (TOS low
// delay, DF, TTL 128, id 0) and correct IPv4 and UDP checksums.
func WriteFrameHeader(hdr []byte, srcMAC, dstMAC MAC, src, dst netip.AddrPort, payload []byte) error {
	if len(hdr) < FrameOverhead {
		return errShortFrame
	}
	if !src.Addr().Is4() || !dst.Addr().Is4() {
		return errors.New("netio: raw frames carry IPv4 addresses only")
	}
	if len(payload) > 0xffff-ipHeaderLen-udpHeaderLen {
		return errBadLength
	}
	copy(hdr[0:6], dstMAC[:])
	copy(hdr[6:12], srcMAC[:])
	binary.BigEndian.PutUint16(hdr[12:14], etherTypeIPv4)
	ip := hdr[ethHeaderLen : ethHeaderLen+ipHeaderLen]
	ip[0] = 0x45
	ip[1] = ipTOSLowDelay
	binary.BigEndian.PutUint16(ip[2:4], uint16(ipHeaderLen+udpHeaderLen+len(payload)))
	binary.BigEndian.PutUint16(ip[4:6], 0)
	binary.BigEndian.PutUint16(ip[6:8], ipFlagDF)
	ip[8] = ipTTL
	ip[9] = protoUDP
	ip[10], ip[11] = 0, 0
	s4, d4 := src.Addr().As4(), dst.Addr().As4()
	copy(ip[12:16], s4[:])
	copy(ip[16:20], d4[:])
	binary.BigEndian.PutUint16(ip[10:12], ^fold(sum16(ip, 0)))

	udp := hdr[ethHeaderLen+ipHeaderLen : FrameOverhead]
	ulen := udpHeaderLen + len(payload)
	binary.BigEndian.PutUint16(udp[0:2], src.Port())
	binary.BigEndian.PutUint16(udp[2:4], dst.Port())
	binary.BigEndian.PutUint16(udp[4:6], uint16(ulen))
	udp[6], udp[7] = 0, 0
	// Pseudo header: addresses, protocol, UDP length.
	s := sum16(ip[12:20], 0)
	s += protoUDP + uint32(ulen)
	s = sum16(udp, s)
	s = sum16(payload, s)
	c := ^fold(s)
	if c == 0 {
		c = 0xffff // RFC 768: zero means "no checksum"
	}
	binary.BigEndian.PutUint16(udp[6:8], c)
	return nil
}

// sum16 adds b as big-endian 16-bit words to s (one's complement, unfolded).
// An odd trailing byte is padded with zero; callers pass odd lengths only
// as the last chunk.
func sum16(b []byte, s uint32) uint32 {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
		if s > 0xffff0000 {
			s = s&0xffff + s>>16
		}
	}
	if len(b)&1 != 0 {
		s += uint32(b[n]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// Checksum returns the Internet checksum of b (for tests and callers that
// verify headers).
func Checksum(b []byte) uint16 { return ^fold(sum16(b, 0)) }
