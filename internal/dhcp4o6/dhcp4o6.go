// Package dhcp4o6 is the DHCPv4-over-DHCPv6 (RFC 7341) link between the
// DHCPv6 and DHCPv4 servers, as Kea's Dhcp4o6IpcBase makes it: a UDP
// socket on ::1 for each server (the DHCPv6 server binds port P and sends
// to P+1, the DHCPv4 server binds P+1 and sends to P, P being
// dhcp4o6-port), each datagram a DHCPv6 message (DHCPV4-QUERY one way,
// DHCPV4-RESPONSE the other, possibly in relay levels) whose innermost
// options carry a vendor option (17) of ISC's enterprise number (2495)
// with the client's interface name (sub-option 60000), IPv6 source
// address (60001) and UDP source port (60002). A Kea 2.2 server pairs
// with a Nestor one.
package dhcp4o6

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sort"
)

// The option codes of the link.
const (
	EnterpriseISC = 2495
	OptRelayMsg   = 9
	OptVendorOpts = 17
	OptDHCPv4Msg  = 87

	SubInterface  = 60000
	SubSrcAddress = 60001
	SubSrcPort    = 60002

	msgRelayForw = 12
	msgRelayRepl = 13
)

// Info is what the sending server tells the other about the client: the
// interface the DHCPv6 server received the query on, and the client's
// address and port.
type Info struct {
	Iface string
	Addr  netip.Addr
	Port  uint16
}

type opt struct {
	code uint16
	data []byte
}

// level is one level of a DHCPv6 message: a relay header (34 bytes) or the
// message header (4 bytes), and the options of that level (a relay's
// relay-msg option left out: it is the next level).
type level struct {
	hdr  []byte
	opts []opt
}

// ErrTruncated reports a message or option running past the end of the
// datagram.
var ErrTruncated = errors.New("truncated DHCPv6 message")

func parseOpts(b []byte) ([]opt, error) {
	var out []opt
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, ErrTruncated
		}
		code := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		if len(b) < 4+n {
			return nil, ErrTruncated
		}
		out = append(out, opt{code, b[4 : 4+n]})
		b = b[4+n:]
	}
	return out, nil
}

// parse splits a DHCPv6 message into its levels, outermost first.
func parse(b []byte) ([]level, error) {
	var lv []level
	for {
		if len(b) < 4 {
			return nil, ErrTruncated
		}
		if b[0] != msgRelayForw && b[0] != msgRelayRepl {
			opts, err := parseOpts(b[4:])
			if err != nil {
				return nil, err
			}
			return append(lv, level{hdr: b[:4], opts: opts}), nil
		}
		if len(b) < 34 {
			return nil, ErrTruncated
		}
		opts, err := parseOpts(b[34:])
		if err != nil {
			return nil, err
		}
		var inner []byte
		found := false
		kept := opts[:0:0]
		for _, o := range opts {
			if o.code == OptRelayMsg && !found {
				inner, found = o.data, true
				continue
			}
			kept = append(kept, o)
		}
		if !found {
			return nil, errors.New("relay message without relay-msg option")
		}
		lv = append(lv, level{hdr: b[:34], opts: kept})
		b = inner
	}
}

func appendOpt(b []byte, code uint16, data []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, code)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// pack encodes the levels back into a message, each level's options in
// code order (Kea packs its option containers in code order) and a relay's
// relay-msg option last, as Kea's Pkt6::pack writes it.
func pack(lv []level) []byte {
	var inner []byte
	for i := len(lv) - 1; i >= 0; i-- {
		l := lv[i]
		sort.SliceStable(l.opts, func(a, b int) bool { return l.opts[a].code < l.opts[b].code })
		out := append([]byte(nil), l.hdr...)
		for _, o := range l.opts {
			out = appendOpt(out, o.code, o.data)
		}
		if i < len(lv)-1 {
			out = appendOpt(out, OptRelayMsg, inner)
		}
		inner = out
	}
	return inner
}

// MessageType is the type of the message a datagram carries, relay levels
// skipped (Kea's Pkt6::getType), and whether it is relayed.
func MessageType(b []byte) (t uint8, relayed bool, err error) {
	lv, err := parse(b)
	if err != nil {
		return 0, false, err
	}
	return lv[len(lv)-1].hdr[0], len(lv) > 1, nil
}

// Wrap returns the message with the link's vendor sub-options added to its
// innermost level, as Kea's Dhcp4o6IpcBase::send adds them: into the first
// vendor option when that one is ISC's, else into a new ISC vendor option.
func Wrap(msg []byte, info Info) ([]byte, error) {
	lv, err := parse(msg)
	if err != nil {
		return nil, err
	}
	in := &lv[len(lv)-1]
	var subs []byte
	if info.Iface != "" {
		subs = appendOpt(subs, SubInterface, []byte(info.Iface))
	}
	a := info.Addr.As16()
	subs = appendOpt(subs, SubSrcAddress, a[:])
	subs = appendOpt(subs, SubSrcPort, binary.BigEndian.AppendUint16(nil, info.Port))
	for i, o := range in.opts {
		if o.code != OptVendorOpts {
			continue
		}
		if len(o.data) >= 4 && binary.BigEndian.Uint32(o.data) == EnterpriseISC {
			old, err := parseOpts(o.data[4:])
			if err == nil {
				add, _ := parseOpts(subs)
				all := append(old, add...)
				sort.SliceStable(all, func(a, b int) bool { return all[a].code < all[b].code })
				data := binary.BigEndian.AppendUint32(nil, EnterpriseISC)
				for _, s := range all {
					data = appendOpt(data, s.code, s.data)
				}
				in.opts[i].data = data
				return pack(lv), nil
			}
		}
		break
	}
	data := binary.BigEndian.AppendUint32(nil, EnterpriseISC)
	data = append(data, subs...)
	in.opts = append(in.opts, opt{OptVendorOpts, data})
	return pack(lv), nil
}

// BadPacketError is a datagram Unwrap refuses; Reason is the text of Kea's
// DHCPSRV_DHCP4O6_RECEIVED_BAD_PACKET warning, Error that of the exception
// Kea's receive throws.
type BadPacketError struct {
	Reason string
	Text   string
}

func (e *BadPacketError) Error() string { return e.Text }

func bad(reason, text string) error { return &BadPacketError{Reason: reason, Text: text} }

// Unwrap reads the link's vendor sub-options from a received datagram and
// returns the message without them (and without the vendor option when
// nothing else is left in it), as Kea's Dhcp4o6IpcBase::receive does.
// ifaceExists checks the interface name (Kea looks it up among the
// system's interfaces); nil accepts any.
func Unwrap(b []byte, ifaceExists func(string) bool) ([]byte, Info, error) {
	var info Info
	lv, err := parse(b)
	if err != nil {
		return nil, info, err
	}
	in := &lv[len(lv)-1]
	vi := -1
	var subs []opt
	for i, o := range in.opts {
		if o.code != OptVendorOpts || len(o.data) < 4 || binary.BigEndian.Uint32(o.data) != EnterpriseISC {
			continue
		}
		s, err := parseOpts(o.data[4:])
		if err != nil {
			return nil, info, err
		}
		vi, subs = i, s
		break
	}
	if vi < 0 {
		return nil, info, bad("no ISC vendor option", "malformed packet (no ISC vendor option)")
	}
	var ifname, addr, port []byte
	var haveIf, haveAddr, havePort bool
	for _, s := range subs {
		switch s.code {
		case SubInterface:
			if !haveIf {
				ifname, haveIf = s.data, true
			}
		case SubSrcAddress:
			if !haveAddr {
				addr, haveAddr = s.data, true
			}
		case SubSrcPort:
			if !havePort {
				port, havePort = s.data, true
			}
		}
	}
	if !haveIf || len(ifname) == 0 {
		return nil, info, bad("no interface suboption", "malformed packet (interface suboption missing or has incorrect type)")
	}
	info.Iface = string(ifname)
	if ifaceExists != nil && !ifaceExists(info.Iface) {
		return nil, info, bad("can't get interface "+info.Iface, fmt.Sprintf("malformed packet (unknown interface %s)", info.Iface))
	}
	if !haveAddr || len(addr) != 16 {
		return nil, info, bad("no source address suboption", "malformed packet (source address suboption missing or has incorrect type)")
	}
	info.Addr = netip.AddrFrom16([16]byte(addr))
	if !havePort || len(port) != 2 {
		return nil, info, bad("no source port suboption", "malformed packet (source port suboption missing or has incorrect type)")
	}
	info.Port = binary.BigEndian.Uint16(port)
	var rest []opt
	for _, s := range subs {
		if s.code != SubInterface && s.code != SubSrcAddress && s.code != SubSrcPort {
			rest = append(rest, s)
		}
	}
	if len(rest) == 0 {
		in.opts = append(in.opts[:vi], in.opts[vi+1:]...)
	} else {
		data := binary.BigEndian.AppendUint32(nil, EnterpriseISC)
		for _, s := range rest {
			data = appendOpt(data, s.code, s.data)
		}
		in.opts[vi].data = data
	}
	return pack(lv), info, nil
}

// DHCPv4Msgs returns the payloads of the DHCPv4 Message options (87) of
// the message's innermost level.
func DHCPv4Msgs(msg []byte) ([][]byte, error) {
	lv, err := parse(msg)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, o := range lv[len(lv)-1].opts {
		if o.code == OptDHCPv4Msg {
			out = append(out, o.data)
		}
	}
	return out, nil
}
