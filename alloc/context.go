package alloc

import (
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
)

// Context4 is what the server knows about one client's query and what the
// engine found out while allocating (Kea's ClientContext4). The server fills
// the inputs; Allocate4 fills the outputs. A Context4 is used by one
// goroutine.
type Context4 struct {
	// Query is the client's packet; its Classes are the client classes.
	// It may be nil in tests (no classes).
	Query *pkt.Pkt4
	// Label is the query's label for log messages (Kea's getLabel());
	// nil prints as "(none)".
	Label fmt.Stringer
	// Subnet is the selected subnet. Allocate4 may move it to another
	// subnet of the same shared network; the server must use the value
	// it has afterwards.
	Subnet *config.Subnet4
	// HWAddr is chaddr with its type. It is required.
	HWAddr lease.HWAddr
	// ClientID is option 61's payload, nil when absent. The engine ignores
	// it in subnets with match-client-id false.
	ClientID []byte
	// RequestedAddr is option 50, else ciaddr; the zero Addr when none.
	RequestedAddr netip.Addr
	// RequestedLifetime is option 51 from the client; 0 when absent.
	RequestedLifetime uint32
	// HostIdentifiers are the client's identifiers in the order of
	// host-reservation-identifiers (see host.ClientIdentifiers4), used to
	// find reservations and to tell whether an address is reserved for
	// this client.
	HostIdentifiers []host.Identifier
	// Hosts are the client's reservations per subnet id, 0 for the global
	// one. FindReservations fills it; a server doing its own lookup may
	// fill it instead.
	Hosts map[uint32]*host.Host
	// EarlyGlobalLookup is set when the global reservation was already
	// looked up before subnet selection (early-global-reservations-lookup).
	EarlyGlobalLookup bool
	// Hostname, FwdDNS and RevDNS are the DNS decisions recorded in the
	// lease.
	Hostname       string
	FwdDNS, RevDNS bool
	// FakeAllocation is true for DISCOVER: nothing is written unless the
	// offer-lifetime applies.
	FakeAllocation bool
	// Callout is the query's callout handle; nil makes the engine take
	// one from the hooks manager when a lease4_* hook point has callouts.
	Callout *hooks.CalloutHandle
	// UserContext, when not nil, becomes the lease's user context (the
	// server builds Kea's extended info from option 82 when
	// store-extended-info is true). A change counts as a lease change for
	// lease caching.
	UserContext []byte
	// ExtendedInfo, when not nil, is used instead of UserContext: it is
	// called with the lease's current user context (nil for a new lease)
	// and returns the new one, or nil to leave it (store-extended-info
	// sets Kea's "ISC" entry and keeps the other keys).
	ExtendedInfo func(old []byte) []byte

	// OfferLifetime is set by Allocate4 for DISCOVER: the offer-lifetime
	// in use (from the first class that sets it, else the subnet), or 0.
	// When it is not 0 the offered lease was written with that lifetime.
	OfferLifetime uint32
	// OldLease is the client's previous lease, if any (also returned).
	OldLease *lease.Lease4
	// ConflictingLease is the other client's lease found on the reserved
	// address (v4-reservation-conflicts).
	ConflictingLease *lease.Lease4
	// UnknownRequestedAddr is set on REQUEST when the requested address is
	// in no pool the client may use and not reserved for it: Kea drops the
	// query silently when the address is in no pool of the subnet or its
	// shared network at all, and NAKs otherwise.
	UnknownRequestedAddr bool
	// ReusableLifetime is not 0 when lease caching applied: the lease was
	// not updated in the store and the client is to be told this remaining
	// valid lifetime (option 51, T1/T2 computed from it).
	ReusableLifetime uint32
	// Reused is true when an expired lease (of this or another client)
	// was reclaimed and given out again.
	Reused bool
}

// classes returns the query's classes (empty without a query).
func (c *Context4) classes() pkt.Classes {
	if c.Query == nil {
		return nil
	}
	return c.Query.Classes
}

// CurrentHost returns the reservation that applies in the context's subnet:
// the subnet's own when reservations-in-subnet is on, else the global one
// when reservations-global is on (Kea's currentHost).
func (c *Context4) CurrentHost() *host.Host {
	return currentHost(c, c.Subnet)
}

func currentHost(c *Context4, s *config.Subnet4) *host.Host {
	if s == nil || c.Hosts == nil {
		return nil
	}
	if s.Eff.ReservationsInSubnet {
		if h := c.Hosts[s.ID]; h != nil {
			return h
		}
	}
	if s.Eff.ReservationsGlobal {
		return c.Hosts[0]
	}
	return nil
}
