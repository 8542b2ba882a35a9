package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// Header sizes on the wire.
const (
	// MessageHeaderLen is msg-type plus the 3-octet transaction-id.
	MessageHeaderLen = 4
	// RelayHeaderLen is msg-type, hop-count, link-address and peer-address.
	RelayHeaderLen = 34
)

// Packet is one decoded DHCPv6 message: the chain of relay levels it came
// through (empty for a direct message) and the innermost client/server
// message.
//
// The zero Packet is ready to use. Decode resets and refills it; after the
// first few packets it allocates nothing. A Packet is not safe for
// concurrent use; keep one per worker.
type Packet struct {
	// Raw is the buffer last given to Decode.
	Raw []byte
	// Relays holds the relay levels, outermost (the one the server received)
	// first, as Kea's relay_info_ does. Empty for a direct message.
	Relays []Relay
	// MsgType and TransactionID are the innermost message's header; the
	// transaction id is the 24-bit value in its low bits.
	MsgType       MessageType
	TransactionID uint32
	// Options are the innermost message's top-level options in wire order.
	Options Options
	// Msg is the innermost message's bytes (header and options) within Raw.
	Msg []byte
	// Lenient makes Decode stop at an option of a message or relay level
	// whose header or payload runs past the end, dropping it and what
	// follows instead of failing, as Kea's unpackOptions6 does (a server
	// sets it; the strict default lets a decoded Packet re-encode byte
	// for byte). Inside a standard container the same holds: its view's
	// iteration stops at the truncated option.
	Lenient bool

	relayBuf [MaxRelays]Relay
	spans    [MaxRelays + 1][2]int32 // option index ranges per level
	opts     []Option
	err      Error
	// payload of the last RELAY_MSG seen by parseOptions (Kea takes the
	// last one of a level; so do we)
	relayMsgOff, relayMsgLen int
}

// Decode parses b into p, replacing what p held. b must not be modified
// while p (or anything taken from it) is in use.
//
// Every top-level option is checked to fit its message, and the standard
// containers (IA_NA, IA_TA, IA_PD, IAADDR, IAPREFIX, VENDOR_OPTS and
// STATUS_CODE, at any level they appear) are checked to be long enough for
// their fixed fields and to hold well-formed inner options. Errors are of
// type *Error (see KindOf). The returned *Error is owned by p and is
// overwritten by the next Decode; copy it to keep it. After an error p
// holds no relays, options or message (Raw still names b).
func (p *Packet) Decode(b []byte) error {
	p.reset()
	p.Raw = b
	start, end := 0, len(b)
	level := 0
	for {
		if start >= end {
			return p.fail(KindTruncatedMessage, 0, start)
		}
		t := MessageType(b[start])
		if !t.IsRelay() {
			break
		}
		if level == MaxRelays {
			return p.fail(KindRelayTooDeep, 0, start)
		}
		if end-start < RelayHeaderLen {
			return p.fail(KindTruncatedMessage, 0, start)
		}
		r := &p.relayBuf[level]
		r.MsgType = t
		r.HopCount = b[start+1]
		r.LinkAddr = netip.AddrFrom16([16]byte(b[start+2 : start+18]))
		r.PeerAddr = netip.AddrFrom16([16]byte(b[start+18 : start+34]))
		first := len(p.opts)
		p.relayMsgOff, p.relayMsgLen = -1, 0
		if err := p.parseOptions(b, start+RelayHeaderLen, end); err != nil {
			return err
		}
		p.spans[level] = [2]int32{int32(first), int32(len(p.opts))}
		if p.relayMsgOff < 0 || p.relayMsgLen == 0 {
			return p.fail(KindRelayMsgMissing, OptRelayMsg, start)
		}
		start, end = p.relayMsgOff, p.relayMsgOff+p.relayMsgLen
		level++
	}
	if end-start < MessageHeaderLen {
		return p.fail(KindTruncatedMessage, 0, start)
	}
	p.MsgType = MessageType(b[start])
	p.TransactionID = uint32(b[start+1])<<16 | uint32(b[start+2])<<8 | uint32(b[start+3])
	p.Msg = b[start:end:end]
	first := len(p.opts)
	if err := p.parseOptions(b, start+MessageHeaderLen, end); err != nil {
		return err
	}
	p.spans[level] = [2]int32{int32(first), int32(len(p.opts))}
	// Slice only now: appends above may have moved p.opts.
	p.Relays = p.relayBuf[:level]
	for i := range p.Relays {
		s := p.spans[i]
		p.Relays[i].Options = p.opts[s[0]:s[1]:s[1]]
	}
	s := p.spans[level]
	p.Options = p.opts[s[0]:s[1]:s[1]]
	return nil
}

func (p *Packet) reset() {
	for i := range p.Relays {
		p.Relays[i] = Relay{}
	}
	clear(p.opts) // drop references to the previous buffer
	p.Raw, p.Relays, p.Options, p.Msg = nil, nil, nil, nil
	p.MsgType, p.TransactionID = 0, 0
	p.opts = p.opts[:0]
}

func (p *Packet) fail(k ErrorKind, code OptionCode, off int) error {
	p.MsgType, p.TransactionID, p.Msg = 0, 0, nil
	p.err = Error{Kind: k, Code: code, Offset: off}
	return &p.err
}

// parseOptions appends the options in b[off:end] to p.opts, checking the
// standard containers as it goes.
func (p *Packet) parseOptions(b []byte, off, end int) error {
	for off < end {
		if end-off < 4 {
			if p.Lenient {
				return nil
			}
			return p.fail(KindTruncatedOption, 0, off)
		}
		code := OptionCode(binary.BigEndian.Uint16(b[off:]))
		l := int(binary.BigEndian.Uint16(b[off+2:]))
		if l > end-off-4 {
			if p.Lenient {
				return nil
			}
			return p.fail(KindTruncatedOption, code, off)
		}
		if len(p.opts) == MaxOptions {
			return p.fail(KindTooManyOptions, code, off)
		}
		data := b[off+4 : off+4+l : off+4+l]
		if k := checkContainerMode(code, data, 0, p.Lenient); k != 0 {
			return p.fail(k, code, off)
		}
		if code == OptRelayMsg {
			p.relayMsgOff, p.relayMsgLen = off+4, l
		}
		p.opts = append(p.opts, Option{Code: code, Data: data})
		off += 4 + l
	}
	return nil
}

// IsRelayed reports whether the message came through at least one relay.
func (p *Packet) IsRelayed() bool { return len(p.Relays) > 0 }

// ClientID returns the CLIENTID option's DUID.
func (p *Packet) ClientID() (DUID, bool) {
	o, ok := p.Options.Get(OptClientID)
	return DUID(o.Data), ok
}

// ServerID returns the SERVERID option's DUID.
func (p *Packet) ServerID() (DUID, bool) {
	o, ok := p.Options.Get(OptServerID)
	return DUID(o.Data), ok
}

// RapidCommit reports whether the message carries RAPID_COMMIT.
func (p *Packet) RapidCommit() bool { return p.Options.Has(OptRapidCommit) }

// ElapsedTime returns ELAPSED_TIME in hundredths of a second.
func (p *Packet) ElapsedTime() (uint16, bool, error) {
	o, ok := p.Options.Get(OptElapsedTime)
	if !ok {
		return 0, false, nil
	}
	v, err := ParseElapsedTime(o.Data)
	return v, err == nil, err
}

// ORO returns the option request option, empty if absent.
func (p *Packet) ORO() (ORO, error) {
	o, ok := p.Options.Get(OptORO)
	if !ok {
		return nil, nil
	}
	return ParseORO(o.Data)
}
