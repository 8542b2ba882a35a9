package lease

import "strconv"

// State is a lease's state, numbered as Kea numbers it in lease files,
// databases and command answers.
type State uint32

const (
	StateDefault          State = 0 // assigned to a client
	StateDeclined         State = 1 // the client declined the address (probation)
	StateExpiredReclaimed State = 2 // expired and reclaimed (lease affinity)
	// StateReleased and StateRegistered exist from Kea 3.x; Kea 2.6 never
	// writes them but reads any number, so they are kept as numbers.
	StateReleased   State = 3
	StateRegistered State = 4 // DHCPv6 address registration (RFC 9686)
)

// String returns Kea's name for the state ("default", "declined",
// "expired-reclaimed", ...) or the number for unknown states.
func (s State) String() string {
	switch s {
	case StateDefault:
		return "default"
	case StateDeclined:
		return "declined"
	case StateExpiredReclaimed:
		return "expired-reclaimed"
	case StateReleased:
		return "released"
	case StateRegistered:
		return "registered"
	}
	return strconv.FormatUint(uint64(s), 10)
}

// InfiniteLifetime is the lifetime value meaning "never expires"
// (Kea's Lease::INFINITY_LFT).
const InfiniteLifetime uint32 = 0xffffffff

// expireOf returns the expiration time of a lease: cltt + valid, or the
// largest time for infinite leases (as Kea's getExpirationTime does).
func expireOf(cltt int64, valid uint32) int64 {
	if valid == InfiniteLifetime {
		return 1<<63 - 1
	}
	return cltt + int64(valid)
}
