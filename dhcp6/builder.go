package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// maxOpen bounds the containers a Builder can hold open at once: one
// RELAY_MSG per relay level plus the IA_* -> IAADDR/IAPREFIX -> ... nesting
// of the message inside.
const maxOpen = MaxRelays + 8

// Builder encodes a DHCPv6 message by appending to a caller's buffer.
// Containers are opened with Open* (which writes the option header with a
// placeholder length) and closed with Close, which back-patches the length.
// Nothing is allocated while the buffer has room.
//
// Errors are sticky: after the first misuse (Close with nothing open, too
// many open containers, a container over 65535 octets) every call is a
// no-op and Finish returns the error. A typical relayed reply:
//
//	var b dhcp6.Builder
//	b.Reset(buf[:0])
//	for i := range req.Relays { b.OpenRelayReply(&req.Relays[i], dhcp6.OptInterfaceID) }
//	b.Header(dhcp6.MsgReply, req.TransactionID)
//	b.Add(dhcp6.OptServerID, serverDUID)
//	b.OpenIA(dhcp6.OptIANA, iaid, t1, t2)
//	b.OpenIAAddr(addr, pref, valid)
//	b.Close()
//	b.Close()
//	out, err := b.Finish() // closes the RELAY_MSG levels
type Builder struct {
	buf   []byte
	stack [maxOpen]int // offset of each open container's option header
	n     int
	err   error
}

// Reset starts a new message appended to dst (usually dst[:0] of a reused
// buffer).
func (b *Builder) Reset(dst []byte) {
	b.buf = dst
	b.n = 0
	b.err = nil
}

// Header appends a client/server message header. The transaction id is
// taken modulo 2^24.
func (b *Builder) Header(t MessageType, xid uint32) {
	if b.err != nil {
		return
	}
	b.buf = append(b.buf, byte(t), byte(xid>>16), byte(xid>>8), byte(xid))
}

// RelayHeader appends a relay message header. Invalid (zero) addresses are
// written as ::.
func (b *Builder) RelayHeader(t MessageType, hopCount uint8, link, peer netip.Addr) {
	if b.err != nil {
		return
	}
	b.buf = append(b.buf, byte(t), hopCount)
	b.buf = appendAddr(b.buf, link)
	b.buf = appendAddr(b.buf, peer)
}

func appendAddr(dst []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		var z [16]byte
		return append(dst, z[:]...)
	}
	x := a.As16()
	return append(dst, x[:]...)
}

// OpenRelayReply writes the RELAY-REPL header that answers relay level r
// (same hop-count, link-address and peer-address), copies back the first
// of r's options with each code listed in echo, in echo's order (Kea's
// copyRelayInfo echoes INTERFACE_ID then RELAY_SOURCE_PORT), and opens the
// RELAY_MSG that will hold the next level. Call it for each relay level,
// outermost first.
func (b *Builder) OpenRelayReply(r *Relay, echo ...OptionCode) {
	b.RelayHeader(MsgRelayRepl, r.HopCount, r.LinkAddr, r.PeerAddr)
	for _, c := range echo {
		if c == OptRelayMsg {
			continue
		}
		if o, ok := r.Options.Get(c); ok {
			b.Add(o.Code, o.Data)
		}
	}
	b.Open(OptRelayMsg)
}

// Add appends an option with the payload.
func (b *Builder) Add(code OptionCode, data []byte) {
	if b.err != nil {
		return
	}
	if len(data) > 0xffff {
		b.fail()
		return
	}
	b.buf = append(b.buf, byte(code>>8), byte(code), byte(len(data)>>8), byte(len(data)))
	b.buf = append(b.buf, data...)
}

// AddString appends an option whose payload is s.
func (b *Builder) AddString(code OptionCode, s string) {
	if b.err != nil {
		return
	}
	if len(s) > 0xffff {
		b.fail()
		return
	}
	b.buf = append(b.buf, byte(code>>8), byte(code), byte(len(s)>>8), byte(len(s)))
	b.buf = append(b.buf, s...)
}

// AddEmpty appends an option without payload (RAPID_COMMIT, RECONF_ACCEPT).
func (b *Builder) AddEmpty(code OptionCode) { b.Add(code, nil) }

// AddUint8 appends an option with a 1-octet payload (PREFERENCE).
func (b *Builder) AddUint8(code OptionCode, v uint8) {
	b.Add(code, []byte{v})
}

// AddUint16 appends an option with a 2-octet payload (ELAPSED_TIME).
func (b *Builder) AddUint16(code OptionCode, v uint16) {
	b.Add(code, []byte{byte(v >> 8), byte(v)})
}

// AddUint32 appends an option with a 4-octet payload.
func (b *Builder) AddUint32(code OptionCode, v uint32) {
	b.Add(code, []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// AddAddrs appends an option whose payload is a list of IPv6 addresses
// (dns-servers and the like).
func (b *Builder) AddAddrs(code OptionCode, addrs ...netip.Addr) {
	b.Open(code)
	for _, a := range addrs {
		if b.err == nil {
			b.buf = appendAddr(b.buf, a)
		}
	}
	b.Close()
}

// AddStatus appends a STATUS_CODE option.
func (b *Builder) AddStatus(code StatusCode, msg string) {
	b.Open(OptStatusCode)
	if b.err == nil {
		b.buf = append(b.buf, byte(code>>8), byte(code))
		b.buf = append(b.buf, msg...)
	}
	b.Close()
}

// Open starts an option whose payload is whatever is appended until the
// matching Close.
func (b *Builder) Open(code OptionCode) {
	if b.err != nil {
		return
	}
	if b.n == maxOpen {
		b.fail()
		return
	}
	b.stack[b.n] = len(b.buf)
	b.n++
	b.buf = append(b.buf, byte(code>>8), byte(code), 0, 0)
}

// OpenIA opens an IA_NA or IA_PD (code says which) with its fixed fields.
func (b *Builder) OpenIA(code OptionCode, iaid, t1, t2 uint32) {
	b.Open(code)
	if b.err == nil {
		b.buf = binary.BigEndian.AppendUint32(b.buf, iaid)
		b.buf = binary.BigEndian.AppendUint32(b.buf, t1)
		b.buf = binary.BigEndian.AppendUint32(b.buf, t2)
	}
}

// OpenIATA opens an IA_TA.
func (b *Builder) OpenIATA(iaid uint32) {
	b.Open(OptIATA)
	if b.err == nil {
		b.buf = binary.BigEndian.AppendUint32(b.buf, iaid)
	}
}

// OpenIAAddr opens an IAADDR.
func (b *Builder) OpenIAAddr(addr netip.Addr, preferred, valid uint32) {
	b.Open(OptIAAddr)
	if b.err == nil {
		b.buf = appendAddr(b.buf, addr)
		b.buf = binary.BigEndian.AppendUint32(b.buf, preferred)
		b.buf = binary.BigEndian.AppendUint32(b.buf, valid)
	}
}

// OpenIAPrefix opens an IAPREFIX for the prefix (written as given, not
// masked).
func (b *Builder) OpenIAPrefix(preferred, valid uint32, prefix netip.Prefix) {
	b.Open(OptIAPrefix)
	if b.err == nil {
		b.buf = binary.BigEndian.AppendUint32(b.buf, preferred)
		b.buf = binary.BigEndian.AppendUint32(b.buf, valid)
		b.buf = append(b.buf, byte(max(prefix.Bits(), 0)))
		b.buf = appendAddr(b.buf, prefix.Addr())
	}
}

// OpenVendorOpts opens a VENDOR_OPTS for the enterprise number; add its
// sub-options with Add.
func (b *Builder) OpenVendorOpts(enterprise uint32) {
	b.Open(OptVendorOpts)
	if b.err == nil {
		b.buf = binary.BigEndian.AppendUint32(b.buf, enterprise)
	}
}

// Raw appends bytes as they are, inside whatever container is open.
func (b *Builder) Raw(p []byte) {
	if b.err != nil {
		return
	}
	b.buf = append(b.buf, p...)
}

// Close ends the innermost open container and writes its length.
func (b *Builder) Close() {
	if b.err != nil {
		return
	}
	if b.n == 0 {
		b.fail()
		return
	}
	b.n--
	h := b.stack[b.n]
	l := len(b.buf) - h - 4
	if l > 0xffff {
		b.fail()
		return
	}
	binary.BigEndian.PutUint16(b.buf[h+2:], uint16(l))
}

// Depth returns the number of open containers.
func (b *Builder) Depth() int { return b.n }

// Err returns the first error, or nil.
func (b *Builder) Err() error { return b.err }

// Bytes returns the buffer so far, open containers' lengths unpatched.
func (b *Builder) Bytes() []byte { return b.buf }

// Finish closes every open container (the RELAY_MSG levels of a relayed
// reply) and returns the encoded message.
func (b *Builder) Finish() ([]byte, error) {
	for b.n > 0 && b.err == nil {
		b.Close()
	}
	return b.buf, b.err
}

func (b *Builder) fail() { b.err = ErrEncode }
