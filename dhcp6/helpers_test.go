package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// Raw wire builders for tests, independent of Builder.

func opt(code OptionCode, data ...[]byte) []byte {
	var payload []byte
	for _, d := range data {
		payload = append(payload, d...)
	}
	b := binary.BigEndian.AppendUint16(nil, uint16(code))
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)))
	return append(b, payload...)
}

func msg(t MessageType, xid uint32, opts ...[]byte) []byte {
	b := []byte{byte(t), byte(xid >> 16), byte(xid >> 8), byte(xid)}
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func relayMsg(t MessageType, hop uint8, link, peer string, opts ...[]byte) []byte {
	b := []byte{byte(t), hop}
	l := netip.MustParseAddr(link).As16()
	p := netip.MustParseAddr(peer).As16()
	b = append(b, l[:]...)
	b = append(b, p[:]...)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func addr(s string) []byte {
	a := netip.MustParseAddr(s).As16()
	return a[:]
}

func ianaPayload(iaid, t1, t2 uint32, opts ...[]byte) []byte {
	b := append(u32(iaid), u32(t1)...)
	b = append(b, u32(t2)...)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func iaaddrPayload(a string, pref, valid uint32, opts ...[]byte) []byte {
	b := append(addr(a), u32(pref)...)
	b = append(b, u32(valid)...)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func iaprefixPayload(pref, valid uint32, plen uint8, prefix string, opts ...[]byte) []byte {
	b := append(u32(pref), u32(valid)...)
	b = append(b, plen)
	b = append(b, addr(prefix)...)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

// nest wraps inner in n RELAY-FORW levels.
func nest(inner []byte, n int) []byte {
	for i := 0; i < n; i++ {
		inner = relayMsg(MsgRelayForw, uint8(i), "2001:db8:1::1", "fe80::1", opt(OptRelayMsg, inner))
	}
	return inner
}
