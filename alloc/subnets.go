package alloc

import (
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
)

// clientSupported reports whether a client in classes may use the subnet
// (its client-class guard, inherited from the shared network).
func clientSupported(s *config.Subnet4, classes pkt.Classes) bool {
	g := s.Eff.ClientClass
	return g == "" || classes.Has(g)
}

// poolSupported reports whether a client in classes may use the pool.
func poolSupported(p *config.Pool4, classes pkt.Classes) bool {
	return !p.ClientClass.Set || p.ClientClass.V == "" || classes.Has(p.ClientClass.V)
}

// nextSubnet is Kea's getNextSubnet: the subnet after cur in cur's shared
// network that the client may use, wrapping around, nil once back at first
// or for a plain subnet.
func (ec *engineConfig) nextSubnet(first, cur *config.Subnet4, classes pkt.Classes) *config.Subnet4 {
	si := ec.subnets[cur.ID]
	if si == nil || si.net == nil {
		return nil
	}
	subs := si.net.subnets
	i := 0
	for ; i < len(subs); i++ {
		if subs[i].s.ID == cur.ID {
			break
		}
	}
	for n := 1; n <= len(subs); n++ {
		c := subs[(i+n)%len(subs)].s
		if c.ID == first.ID {
			return nil
		}
		if clientSupported(c, classes) {
			return c
		}
	}
	return nil
}

// inPool reports whether addr is in a pool of s, honouring the pools'
// class guards when guarded is true.
func (ec *engineConfig) inPool(s *config.Subnet4, addr netip.Addr, classes pkt.Classes, guarded bool) bool {
	ref := ec.poolOf(s.ID, addr)
	if ref == nil {
		return false
	}
	return !guarded || poolSupported(ref.pool, classes)
}

// inAllowedPool is Kea's inAllowedPool: whether addr is in a pool the
// client may use in the context's subnet or a sibling; ctx.Subnet moves to
// the subnet holding it.
func (a *run) inAllowedPool(addr netip.Addr) bool {
	first := a.ctx.Subnet
	for s := first; s != nil; s = a.ec.nextSubnet(first, s, a.classes) {
		if a.ec.inPool(s, addr, a.classes, true) {
			a.ctx.Subnet = s
			return true
		}
	}
	return false
}

// inAnyPool reports whether addr is in any pool of the subnet or its
// shared network, class guards ignored (Kea's check before dropping a
// REQUEST for an unknown address).
func (ec *engineConfig) inAnyPool(s *config.Subnet4, addr netip.Addr) bool {
	ref := ec.pools.find(addr)
	if ref == nil {
		return false
	}
	if ref.subnet.ID == s.ID {
		return true
	}
	si := ec.subnets[s.ID]
	return si != nil && si.net != nil && ref.subnet.Network == si.net.n
}

// InAnyPool reports whether addr belongs to a pool of the subnet or of its
// shared network, ignoring class guards. The server uses it after a
// REQUEST with UnknownRequestedAddr: Kea drops the query when this is false
// and NAKs it otherwise.
func (e *Engine4) InAnyPool(s *config.Subnet4, addr netip.Addr) bool {
	return e.cur.Load().inAnyPool(s, addr)
}

// hasAddressReservation is Kea's hasAddressReservation: whether the
// client has a usable reserved address in the context's subnet or a
// sibling; ctx.Subnet moves to that subnet.
func (a *run) hasAddressReservation() bool {
	ctx := a.ctx
	if len(ctx.Hosts) == 0 {
		return false
	}
	var gaddr netip.Addr
	if g := ctx.Hosts[0]; g.HasIPv4() {
		gaddr = g.IPv4
	}
	first := ctx.Subnet
	for s := first; s != nil; s = a.ec.nextSubnet(first, s, a.classes) {
		if s.Eff.ReservationsGlobal && gaddr.IsValid() && s.Prefix.Contains(gaddr) {
			ctx.Subnet = s
			return true
		}
		if s.Eff.ReservationsInSubnet {
			if h := ctx.Hosts[s.ID]; h.HasIPv4() &&
				(!s.Eff.ReservationsOutOfPool || !a.ec.inPool(s, h.IPv4, nil, false)) {
				ctx.Subnet = s
				return true
			}
		}
	}
	if gaddr.IsValid() {
		a.e.log.Debug("global reservation address not suitable for the subnet", "msgid", "ALLOC_ENGINE_IGNORING_UNSUITABLE_GLOBAL_ADDRESS",
			"address", gaddr.String(), "subnet", first.ID)
	}
	return false
}

// reservedAddr returns the client's reserved address in the context's
// subnet (currentHost), invalid when none.
func (a *run) reservedAddr() netip.Addr {
	if h := a.ctx.CurrentHost(); h.HasIPv4() {
		return h.IPv4
	}
	return netip.Addr{}
}

// addressReserved is Kea's addressReserved: whether addr is reserved in the
// context's subnet for a client other than this one. With
// reservations-out-of-pool, in-pool addresses are not checked.
func (a *run) addressReserved(addr netip.Addr) bool {
	s := a.ctx.Subnet
	if s == nil || a.ec.hosts == nil || !s.Eff.ReservationsInSubnet {
		return false
	}
	if s.Eff.ReservationsOutOfPool && a.ec.inPool(s, addr, nil, false) {
		return false
	}
	hosts := a.ec.hosts.GetByAddress4(s.ID, addr)
	for _, h := range hosts {
		if h.Matches(a.ctx.HostIdentifiers) {
			return false
		}
	}
	return len(hosts) > 0
}

// FindReservations looks up the client's reservations (Kea's
// findReservation): the global one when the subnet has
// reservations-global, and one per subnet of the shared network that the
// client may use and that has reservations-in-subnet, trying the
// identifiers in ctx.HostIdentifiers in order. It fills ctx.Hosts.
func (e *Engine4) FindReservations(ctx *Context4) {
	ec := e.cur.Load()
	s := ctx.Subnet
	if s == nil || ec.hosts == nil {
		return
	}
	if ctx.Hosts == nil {
		ctx.Hosts = make(map[uint32]*host.Host, 2)
	}
	if ctx.EarlyGlobalLookup && !s.Eff.ReservationsInSubnet {
		return
	}
	if !ctx.EarlyGlobalLookup && s.Eff.ReservationsGlobal {
		if g := e.FindGlobalReservation(ctx); g != nil {
			ctx.Hosts[0] = g
			if !s.Eff.ReservationsInSubnet {
				return
			}
		}
	}
	classes := ctx.classes()
	for sub := s; sub != nil; sub = ec.nextSubnet(s, sub, classes) {
		if !clientSupported(sub, classes) || !sub.Eff.ReservationsInSubnet {
			continue
		}
		for _, id := range ctx.HostIdentifiers {
			if h := ec.hosts.Get4(sub.ID, id.Type, id.Value); h != nil {
				ctx.Hosts[sub.ID] = h
				break
			}
		}
	}
}

// FindGlobalReservation returns the client's global reservation (the first
// identifier that has one), or nil. The server calls it before subnet
// selection for early-global-reservations-lookup.
func (e *Engine4) FindGlobalReservation(ctx *Context4) *host.Host {
	ec := e.cur.Load()
	if ec.hosts == nil {
		return nil
	}
	for _, id := range ctx.HostIdentifiers {
		if h := ec.hosts.Get4(0, id.Type, id.Value); h != nil {
			return h
		}
	}
	return nil
}

// findClientLease is Kea's findClientLease: the client's lease in the
// context's subnet or a sibling, by client identifier (in subnets with
// match-client-id) and then by hardware address.
//
// With a store that reads the client's leases in one go
// (lease.ClientLeaser4), both lookups and the lease of prefetch (the
// requested address of a REQUEST, checked next by lookupRequested) take
// one round trip.
func (a *run) findClientLease(prefetch netip.Addr) (*lease.Lease4, error) {
	ctx := a.ctx
	first := ctx.Subnet
	try := false
	if ctx.ClientID != nil {
		for s := first; s != nil; s = a.ec.nextSubnet(first, s, a.classes) {
			if s.Eff.MatchClientID {
				try = true
				break
			}
		}
	}
	var byCID, byHW []*lease.Lease4
	fetched := false
	if cl := a.e.clients; cl != nil {
		var cid, hw []byte
		if try {
			cid = ctx.ClientID
		}
		if !ctx.HWAddr.IsZero() {
			hw = ctx.HWAddr.Bytes
		}
		var at *lease.Lease4
		var err error
		if byCID, byHW, at, err = cl.ClientLeases4(cid, hw, prefetch); err != nil {
			return nil, err
		}
		fetched = true
		if prefetch.IsValid() {
			a.pre, a.preAt = prefetch, at
		}
	}
	if try {
		ls := byCID
		if !fetched {
			var err error
			if ls, err = a.e.store.Leases4ByClientID(ctx.ClientID); err != nil {
				return nil, err
			}
		}
		for s := first; s != nil; s = a.ec.nextSubnet(first, s, a.classes) {
			if !s.Eff.MatchClientID {
				continue
			}
			for _, l := range ls {
				if l.SubnetID == s.ID {
					ctx.Subnet = s
					return l, nil
				}
			}
		}
	}
	if ctx.HWAddr.IsZero() {
		return nil, nil
	}
	ls := byHW
	if !fetched {
		var err error
		if ls, err = a.e.store.Leases4ByHWAddr(ctx.HWAddr.Bytes); err != nil {
			return nil, err
		}
	}
	if len(ls) == 0 {
		return nil, nil
	}
	for s := first; s != nil; s = a.ec.nextSubnet(first, s, a.classes) {
		cid := a.clientID(s)
		for _, l := range ls {
			if l.SubnetID == s.ID && l.BelongsTo(ctx.HWAddr.Bytes, cid) {
				ctx.Subnet = s
				return l, nil
			}
		}
	}
	return nil, nil
}

// clientID is the client identifier as subnet s uses it.
func (a *run) clientID(s *config.Subnet4) []byte {
	if s.Eff.MatchClientID {
		return a.ctx.ClientID
	}
	return nil
}
