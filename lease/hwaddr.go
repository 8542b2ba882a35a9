package lease

import (
	"bytes"
	"fmt"
	"strconv"
)

// Hardware types (ARP hardware numbers) Kea uses.
const (
	HTypeEther uint16 = 1
)

// Sources of a hardware address, as Kea numbers them (HWAddr::HWADDR_SOURCE_*).
const (
	HWAddrSourceUnknown        uint32 = 0x0000
	HWAddrSourceRaw            uint32 = 0x0001
	HWAddrSourceDUID           uint32 = 0x0002
	HWAddrSourceIPv6LinkLocal  uint32 = 0x0004
	HWAddrSourceClientLinkAddr uint32 = 0x0008
	HWAddrSourceRemoteID       uint32 = 0x0010
	HWAddrSourceSubscriberID   uint32 = 0x0020
	HWAddrSourceDocsisCMTS     uint32 = 0x0040
	HWAddrSourceDocsisModem    uint32 = 0x0080
	HWAddrSourceAny            uint32 = 0xffff
	MaxHWAddrLen                      = 20 // HWAddr::MAX_HWADDR_LEN
	MinClientIDLen                    = 2  // ClientId::MIN_CLIENT_ID_LEN
	MaxClientIDLen                    = 255
	MaxDUIDLen                        = 130 // DUID::MAX_DUID_LEN
)

// HWAddr is a hardware address with its type and where the server learnt it.
// A zero HWAddr (no Bytes) means "none".
type HWAddr struct {
	Bytes  []byte
	Type   uint16 // ARP hardware type, HTypeEther for Ethernet
	Source uint32 // HWAddrSource* bit
}

// IsZero reports whether the address is absent.
func (h HWAddr) IsZero() bool { return len(h.Bytes) == 0 }

// String returns the "aa:bb:cc:dd:ee:ff" form Kea writes in lease files
// (HWAddr::toText(false)).
func (h HWAddr) String() string { return FormatHex(h.Bytes) }

// TypedString returns Kea's "hwtype=1 aa:bb:..." form (HWAddr::toText(true)).
func (h HWAddr) TypedString() string {
	return "hwtype=" + strconv.Itoa(int(h.Type)) + " " + h.String()
}

// Equal reports whether both addresses have the same type and bytes.
func (h HWAddr) Equal(o HWAddr) bool {
	return h.Type == o.Type && bytes.Equal(h.Bytes, o.Bytes)
}

// Clone returns a copy that shares no memory with h.
func (h HWAddr) Clone() HWAddr {
	if h.Bytes != nil {
		h.Bytes = bytes.Clone(h.Bytes)
	}
	return h
}

// ParseHWAddr parses the text form of a hardware address of type htype.
func ParseHWAddr(s string, htype uint16) (HWAddr, error) {
	b, err := ParseHex(s)
	if err != nil {
		return HWAddr{}, fmt.Errorf("invalid hardware address %q", s)
	}
	if len(b) > MaxHWAddrLen {
		return HWAddr{}, fmt.Errorf("hardware address %q is longer than %d octets", s, MaxHWAddrLen)
	}
	return HWAddr{Bytes: b, Type: htype}, nil
}
