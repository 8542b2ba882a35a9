package alloc

import (
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
)

// Context6 is what the server knows about one client's DHCPv6 query (Kea's
// ClientContext6 without the per-IA part, which is IA6). A Context6 is
// used by one goroutine.
type Context6 struct {
	// Query is the client's packet; its Classes are the client classes.
	// It may be nil in tests.
	Query *pkt.Pkt6
	// Subnet is the selected subnet; required.
	Subnet *config.Subnet6
	// DUID is the client's DUID; required.
	DUID []byte
	// HWAddr is the client's hardware address when known (recorded in
	// the lease).
	HWAddr lease.HWAddr
	// HostIdentifiers are the client's identifiers in the order of
	// host-reservation-identifiers.
	HostIdentifiers []host.Identifier
	// Hosts are the client's reservations per subnet id, 0 for the global
	// one (FindReservations6 fills it).
	Hosts map[uint32]*host.Host6
	// EarlyGlobalLookup is set when the global reservation was already
	// looked up before subnet selection (early-global-reservations-lookup,
	// FindGlobalReservation6): FindReservations6 leaves it as it is.
	EarlyGlobalLookup bool
	// Hostname, FwdDNS and RevDNS are recorded in new and extended leases.
	Hostname       string
	FwdDNS, RevDNS bool
	// NameFromHost, when set, is asked for the leases' hostname when the
	// client gets (or keeps) a reserved address or prefix: the first host
	// whose reservation it gets names the client's leases from then on
	// (Kea's allocateReservedLeases6 setting ctx.hostname_ with
	// host_subnet_). sn is the subnet the host was found in; ok false
	// keeps Hostname as it is.
	NameFromHost func(sn *config.Subnet6, h *host.Host6) (name string, ok bool)
	// FakeAllocation is true for SOLICIT without rapid commit: nothing is
	// written.
	FakeAllocation bool
	// Callout is the query's callout handle; nil makes the engine take
	// one when a lease6_* hook point has callouts.
	Callout *hooks.CalloutHandle
	// ExtendedInfo, when not nil, gives a lease's user context from its
	// current one (nil for a new lease), or nil to leave it: the server
	// sets it with store-extended-info for a relayed query (Kea's
	// updateLease6ExtendedInfo). A change counts as a lease change for
	// lease caching.
	ExtendedInfo func(old []byte) []byte

	// hostSubnet is Kea's host_subnet_: the subnet of the host that named
	// the leases, once one did.
	hostSubnet *config.Subnet6
}

// nameFromHost lets the host found in sn name the client's leases, once
// per query (Kea's host_subnet_).
func (c *Context6) nameFromHost(sn *config.Subnet6, h *host.Host6) {
	if c.hostSubnet != nil || c.NameFromHost == nil || h == nil {
		return
	}
	c.hostSubnet = sn
	if h.Hostname == "" {
		return
	}
	if name, ok := c.NameFromHost(sn, h); ok {
		c.Hostname = name
	}
}

// IA6 is one IA_NA or IA_PD of the query (Kea's IAContext).
type IA6 struct {
	Type lease.Type // TypeNA or TypePD
	IAID uint32
	// Hints are the addresses (length 128) or prefixes the client sent in
	// the IA, with the lifetimes it asked for.
	Hints []Hint6
	// Allocated are the resources already given to the client in other
	// IAs of the same query (a reservation goes to one IA only). The
	// server appends what each IA got.
	Allocated *[]netip.Prefix
	// Response is the IA of the response being built (Kea's
	// ctx.currentIA().ia_rsp_): lease6_renew and lease6_rebind get it as
	// ia_na or ia_pd, the same value for each lease of the IA, and the
	// server sends what the callouts changed in it (its IAID and the
	// options they added). Nil: a fresh one per call, changes lost.
	Response *dhcp6.IA
}

// Hint6 is an address or prefix a client sent, with its lifetimes.
type Hint6 struct {
	Prefix           netip.Prefix
	Preferred, Valid uint32
}

// extendedInfo is the lease's new user context, or nil to leave it.
func (r *run6) extendedInfo(old []byte) []byte {
	if f := r.c.ExtendedInfo; f != nil {
		return f(old)
	}
	return nil
}

// CurrentHost returns the reservation that applies in the context's subnet
// (Kea's currentHost).
func (c *Context6) CurrentHost() *host.Host6 {
	s := c.Subnet
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

func (c *Context6) classes() pkt.Classes {
	if c.Query == nil {
		return nil
	}
	return c.Query.Classes
}

// leasePrefix returns a lease's resource as a prefix (length 128 for an
// address).
func leasePrefix(l *lease.Lease6) netip.Prefix {
	bits := int(l.PrefixLen)
	if l.Type != lease.TypePD {
		bits = 128
	}
	return netip.PrefixFrom(l.Addr, bits)
}
