package lease

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
)

// Type is the kind of a DHCPv6 lease, numbered as in Kea's lease files.
type Type uint8

const (
	TypeNA Type = 0 // non-temporary address (IA_NA)
	TypeTA Type = 1 // temporary address (IA_TA)
	TypePD Type = 2 // delegated prefix (IA_PD)
	TypeV4 Type = 3 // Kea's Lease::TYPE_V4, used only by statistics
)

// String returns Kea's text: "IA_NA", "IA_TA", "IA_PD", "V4".
func (t Type) String() string {
	switch t {
	case TypeNA:
		return "IA_NA"
	case TypeTA:
		return "IA_TA"
	case TypePD:
		return "IA_PD"
	case TypeV4:
		return "V4"
	}
	return fmt.Sprintf("unknown (%d)", uint8(t))
}

// ParseType accepts Kea's names ("IA_NA", "IA_TA", "IA_PD").
func ParseType(s string) (Type, error) {
	switch s {
	case "IA_NA":
		return TypeNA, nil
	case "IA_TA":
		return TypeTA, nil
	case "IA_PD":
		return TypePD, nil
	}
	return 0, fmt.Errorf("unsupported lease type %q", s)
}

// EmptyDUID is the DUID Kea records for declined leases (DUID::EMPTY()).
var EmptyDUID = []byte{0}

// Lease6 is a DHCPv6 address or prefix lease with every field Kea keeps.
type Lease6 struct {
	Addr              netip.Addr
	Type              Type
	PrefixLen         uint8 // 128 for addresses
	IAID              uint32
	DUID              []byte // EmptyDUID for declined leases
	PreferredLifetime uint32
	ValidLifetime     uint32 // InfiniteLifetime for never
	CLTT              int64  // unix seconds
	SubnetID          uint32
	PoolID            uint32
	FQDNFwd           bool
	FQDNRev           bool
	Hostname          string
	HWAddr            HWAddr // optional
	State             State
	// UserContext is a JSON map or nil; Kea keeps relay information under
	// "ISC" ("relay-info"), see RelayInfo6.
	UserContext json.RawMessage
}

// Expire returns the unix time the lease expires; the largest int64 when infinite.
func (l *Lease6) Expire() int64 { return expireOf(l.CLTT, l.ValidLifetime) }

// Expired reports whether the lease expired before now (unix seconds).
func (l *Lease6) Expired(now int64) bool { return l.Expire() < now }

// Clone returns a deep copy of l.
// The hardware address and DUID share the lease's allocation when they
// fit, as in Lease4.Clone.
func (l *Lease6) Clone() *Lease6 {
	hw, duid := l.HWAddr.Bytes, l.DUID
	var c *Lease6
	if len(hw)+len(duid) <= cloneRoom {
		b := &lease6Block{l: *l}
		c = &b.l
		n := 0
		if hw != nil {
			n = copy(b.buf[:], hw)
			c.HWAddr.Bytes = b.buf[0:n:n]
		}
		if duid != nil {
			m := n + copy(b.buf[n:], duid)
			c.DUID = b.buf[n:m:m]
		}
	} else {
		c = new(Lease6)
		*c = *l
		c.HWAddr = l.HWAddr.Clone()
		if duid != nil {
			c.DUID = bytes.Clone(duid)
		}
	}
	if l.UserContext != nil {
		c.UserContext = bytes.Clone(l.UserContext)
	}
	return c
}

// lease6Block is a cloned Lease6 with its identifiers.
type lease6Block struct {
	l   Lease6
	buf [cloneRoom]byte
}
