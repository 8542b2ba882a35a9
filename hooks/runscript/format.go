package runscript

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nestordhcp/nestor/lease"
)

// Value formats shared by both libraries, each as Kea prints it.

// hexColons is Kea's HWAddr/DUID/ClientId toText: lowercase two-digit
// hex bytes joined by colons ("" for none).
func hexColons(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	sb.Grow(len(b) * 3)
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

// hexOption is Kea's Option::toHexString of the payload: "0x" and
// uppercase hex digits.
func hexOption(b []byte) string {
	return "0x" + strings.ToUpper(hex.EncodeToString(b))
}

func itoa[T ~int | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](v T) string {
	if v < 0 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// boolText is ISC's format (true/false); boolDigit the third party's (1/0).
func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// addrText prints an address, or Kea's unspecified address of the family
// when there is none.
func addrText(a netip.Addr, v6 bool) string {
	if !a.IsValid() {
		if v6 {
			return "::"
		}
		return "0.0.0.0"
	}
	return a.Unmap().String()
}

// stateText is Kea's Lease::basicStatesToText / Lease4::statesToText.
func stateText(s lease.State) string {
	switch s {
	case lease.StateDefault, lease.StateDeclined, lease.StateExpiredReclaimed, lease.StateReleased, lease.StateRegistered:
		return s.String()
	}
	return "unknown (" + itoa(uint32(s)) + ")"
}

// leaseHWType is the type Kea prints for a lease's hardware address: a
// lease stripped by a decline keeps an empty Ethernet address in Kea.
func leaseHWType(h lease.HWAddr) string {
	if h.Type == 0 {
		return "1"
	}
	return itoa(h.Type)
}
