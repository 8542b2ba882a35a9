package lease

import (
	"bytes"
	"encoding/json"
	"net/netip"
)

// Lease4 is a DHCPv4 lease with every field Kea keeps for it.
type Lease4 struct {
	Addr          netip.Addr
	HWAddr        HWAddr // may be empty only for declined leases
	ClientID      []byte // nil when the client sent no client identifier
	ValidLifetime uint32 // seconds; InfiniteLifetime for never
	CLTT          int64  // client last transaction time, unix seconds
	SubnetID      uint32
	PoolID        uint32 // Kea 2.6: id of the pool the address came from
	FQDNFwd       bool   // forward DNS update done
	FQDNRev       bool   // reverse DNS update done
	Hostname      string
	State         State
	// UserContext is a JSON map or nil. Kea keeps extended information
	// (relay agent options) under its "ISC" key; see RelayInfo4.
	UserContext json.RawMessage
}

// Expire returns the unix time the lease expires (cltt + valid lifetime),
// the largest int64 for infinite leases.
func (l *Lease4) Expire() int64 { return expireOf(l.CLTT, l.ValidLifetime) }

// Expired reports whether the lease expired before now (unix seconds).
func (l *Lease4) Expired(now int64) bool { return l.Expire() < now }

// Clone returns a deep copy of l. The hardware address and client
// identifier are copied into the same allocation as the lease when they
// fit (one allocation instead of three; leases are copied several times
// per packet); each is capped at its length, so appending to one cannot
// overwrite the other.
func (l *Lease4) Clone() *Lease4 {
	hw, cid := l.HWAddr.Bytes, l.ClientID
	var c *Lease4
	if len(hw)+len(cid) <= cloneRoom {
		b := &lease4Block{l: *l}
		c = &b.l
		n := 0
		if hw != nil {
			n = copy(b.buf[:], hw)
			c.HWAddr.Bytes = b.buf[0:n:n]
		}
		if cid != nil {
			m := n + copy(b.buf[n:], cid)
			c.ClientID = b.buf[n:m:m]
		}
	} else {
		c = new(Lease4)
		*c = *l
		c.HWAddr = l.HWAddr.Clone()
		if cid != nil {
			c.ClientID = bytes.Clone(cid)
		}
	}
	if l.UserContext != nil {
		c.UserContext = bytes.Clone(l.UserContext)
	}
	return c
}

// cloneRoom is the room for identifiers in a cloned lease's allocation.
const cloneRoom = 32

// lease4Block is a cloned Lease4 with its identifiers.
type lease4Block struct {
	l   Lease4
	buf [cloneRoom]byte
}

// BelongsTo reports whether the lease was given to the client with these
// identifiers, as Kea's Lease4::belongsToClient decides: the client
// identifiers must match when both are present, otherwise the hardware
// addresses.
func (l *Lease4) BelongsTo(hw []byte, clientID []byte) bool {
	if len(clientID) > 0 && len(l.ClientID) > 0 {
		return bytes.Equal(clientID, l.ClientID)
	}
	if len(l.ClientID) > 0 {
		return false
	}
	return len(hw) > 0 && bytes.Equal(hw, l.HWAddr.Bytes)
}
