package dhcp4

import (
	"encoding/binary"
	"net/netip"
)

// IPv4 is an IPv4 address as it sits in the BOOTP header, in network order.
// The zero value is 0.0.0.0.
type IPv4 [4]byte

// Addr returns the address as a netip.Addr.
func (a IPv4) Addr() netip.Addr { return netip.AddrFrom4(a) }

// IsZero reports whether a is 0.0.0.0.
func (a IPv4) IsZero() bool { return a == IPv4{} }

// String returns the dotted-quad form.
func (a IPv4) String() string { return a.Addr().String() }

// IPv4From returns the IPv4 form of addr and true when addr is an IPv4 (or
// IPv4-mapped IPv6) address.
func IPv4From(addr netip.Addr) (IPv4, bool) {
	if !addr.Is4() && !addr.Is4In6() {
		return IPv4{}, false
	}
	return IPv4(addr.Unmap().As4()), true
}

// Option is one DHCPv4 option: its code and its payload, without the code
// and length bytes. After Decode, an option that arrived in several
// instances (RFC 3396) appears once, with the payloads concatenated.
type Option struct {
	Code uint8
	Data []byte
}

// DefaultMaxOptions is the number of option instances Decode accepts when
// Packet.MaxOptions is zero. A real client sends a few dozen.
const DefaultMaxOptions = 255

// Packet is a DHCPv4 packet: the BOOTP header fields and the options in
// order. The zero value is an empty packet ready for Decode or for building.
// A Packet is not safe for concurrent use; give each worker its own and
// reuse it.
type Packet struct {
	Op     uint8
	HType  uint8
	HLen   uint8
	Hops   uint8
	Xid    uint32
	Secs   uint16
	Flags  uint16
	CIAddr IPv4
	YIAddr IPv4
	SIAddr IPv4
	GIAddr IPv4
	CHAddr [chaddrLen]byte
	SName  [snameLen]byte
	File   [fileLen]byte

	// MinSize makes Encode append pad (zero) bytes after END until the
	// packet is MinSize bytes long. Decode sets it to the received length
	// when bytes follow the END option (clients commonly pad to 300), so
	// that the packet re-encodes byte-identically; Reset sets it to 0. Set
	// it to BOOTPMinLen for replies to clients that want 300 bytes, as
	// Kea's BOOTP hook library does (plain Kea DHCP replies are not padded).
	MinSize int

	// MaxSize, when positive, is the largest packet Encode may write.
	// Options that do not fit in the options field then go into the file
	// and sname fields (option overload, RFC 2131), when those fields are
	// free (all zero, or overloaded in the decoded packet). Encode returns
	// ErrTooBig when even that is not enough. Zero means no limit. Reset,
	// and so Decode, sets it to 0: set it on the reply being built, e.g.
	// from the client's option 57.
	MaxSize int

	// MaxOptions caps the number of option instances Decode accepts (pads
	// and END not counted); 0 means DefaultMaxOptions. Reset keeps it.
	MaxOptions int

	opts    []Option
	spare   []Option
	idx     [256]uint16 // 1 + index in opts of each code, 0 when absent
	scratch []byte
	// overload is the value of option 52 in the decoded packet (0 if none).
	overload uint8
}

// Reset empties the packet for building a new one: header fields zeroed,
// options removed, MinSize and MaxSize zeroed. It keeps its buffers and
// MaxOptions.
func (p *Packet) Reset() {
	maxOpts := p.MaxOptions
	opts, spare, scratch := p.opts[:0], p.spare[:0], p.scratch[:0]
	// Drop references into the previous input so it can be collected.
	clear(p.opts)
	clear(p.spare)
	*p = Packet{}
	p.MaxOptions = maxOpts
	p.opts, p.spare, p.scratch = opts, spare, scratch
}

func (p *Packet) decodeHeader(b []byte) {
	p.Op = b[0]
	p.HType = b[1]
	p.HLen = b[2]
	p.Hops = b[3]
	p.Xid = binary.BigEndian.Uint32(b[4:8])
	p.Secs = binary.BigEndian.Uint16(b[8:10])
	p.Flags = binary.BigEndian.Uint16(b[10:12])
	p.CIAddr = IPv4(b[12:16])
	p.YIAddr = IPv4(b[16:20])
	p.SIAddr = IPv4(b[20:24])
	p.GIAddr = IPv4(b[24:28])
	p.CHAddr = [chaddrLen]byte(b[28:44])
	p.SName = [snameLen]byte(b[44:108])
	p.File = [fileLen]byte(b[108:236])
}

// appendHeader appends the 236-byte header and the cookie. sname and file
// are the contents to write for those fields (the packet's own fields, or
// zeros/options when overloading).
func (p *Packet) appendHeader(dst []byte, sname *[snameLen]byte, file *[fileLen]byte) []byte {
	dst = append(dst, p.Op, p.HType, p.HLen, p.Hops)
	dst = binary.BigEndian.AppendUint32(dst, p.Xid)
	dst = binary.BigEndian.AppendUint16(dst, p.Secs)
	dst = binary.BigEndian.AppendUint16(dst, p.Flags)
	dst = append(dst, p.CIAddr[:]...)
	dst = append(dst, p.YIAddr[:]...)
	dst = append(dst, p.SIAddr[:]...)
	dst = append(dst, p.GIAddr[:]...)
	dst = append(dst, p.CHAddr[:]...)
	dst = append(dst, sname[:]...)
	dst = append(dst, file[:]...)
	return append(dst, MagicCookie[:]...)
}

// HWAddr returns the client hardware address: the first HLen bytes of
// chaddr (at most 16). It aliases the packet's CHAddr field.
func (p *Packet) HWAddr() []byte {
	n := int(p.HLen)
	if n > chaddrLen {
		n = chaddrLen
	}
	return p.CHAddr[:n]
}

// SetHWAddr sets htype, hlen and chaddr. An address longer than 16 bytes is
// cut to 16 (and hlen set to 16), as Kea does when packing.
func (p *Packet) SetHWAddr(htype uint8, addr []byte) {
	p.HType = htype
	p.CHAddr = [chaddrLen]byte{}
	n := copy(p.CHAddr[:], addr)
	p.HLen = uint8(n)
}

// Broadcast reports whether the broadcast bit of the flags field is set.
func (p *Packet) Broadcast() bool { return p.Flags&FlagBroadcast != 0 }

// SetBroadcast sets or clears the broadcast bit of the flags field.
func (p *Packet) SetBroadcast(on bool) {
	if on {
		p.Flags |= FlagBroadcast
	} else {
		p.Flags &^= FlagBroadcast
	}
}

// IsRelayed reports whether giaddr is set, i.e. the packet came through a
// relay agent. (Kea additionally insists on hops > 0; see RelayConsistent.)
func (p *Packet) IsRelayed() bool { return !p.GIAddr.IsZero() }

// RelayConsistent reports whether giaddr and hops agree the way Kea's
// Pkt4::isRelayed wants: both zero, or both non-zero.
func (p *Packet) RelayConsistent() bool {
	return p.GIAddr.IsZero() == (p.Hops == 0)
}

// Overload returns the value of option 52 in the decoded packet (0 when
// the packet did not overload sname or file). Decode consumes option 52:
// it is not among Options, and the overloaded fields read as zero.
func (p *Packet) Overload() uint8 { return p.overload }

// ServerName returns the sname field up to its first NUL byte. It aliases
// the packet's SName field.
func (p *Packet) ServerName() []byte { return cstring(p.SName[:]) }

// BootFileName returns the file field up to its first NUL byte. It aliases
// the packet's File field.
func (p *Packet) BootFileName() []byte { return cstring(p.File[:]) }

func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
