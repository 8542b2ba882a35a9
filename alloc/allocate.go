package alloc

import (
	"bytes"
	"errors"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
)

// run is one Allocate4 call.
type run struct {
	e       *Engine4
	ec      *engineConfig
	ctx     *Context4
	classes pkt.Classes
	now     int64
	// status is the last lease4_select status.
	status hooks.NextStep
	// pre and preAt: the lease of pre (nil: none) read with the client's
	// leases, for lookupRequested.
	pre   netip.Addr
	preAt *lease.Lease4
}

// Allocate4 gives the client a lease in Kea's decision order
// (AllocEngine::allocateLease4): for DISCOVER (ctx.FakeAllocation) the
// reserved address, the client's lease, the requested address, then a new
// address; for REQUEST the checks of the requested or reserved address, a
// renewal of the client's lease, then the requested address or a new one,
// deleting the client's previous lease when it got another address.
//
// It returns the lease (nil when none can be given: NAK for REQUEST,
// silence for DISCOVER) and the client's previous lease (ctx.OldLease). The
// lease is written to the store for REQUEST, and for DISCOVER only when an
// offer-lifetime applies (ctx.OfferLifetime). ctx.Subnet may have moved to
// another subnet of the shared network. When lease caching applied,
// ctx.ReusableLifetime is not 0 and the lease is returned as stored.
//
// Statistics kept here: subnet[id].assigned-addresses,
// cumulative-assigned-addresses (global, subnet, pool), pool
// assigned-addresses, v4-allocation-fail*, v4-lease-reuses (REQUEST only)
// and v4-reservation-conflicts, plus reclamation statistics when an
// expired lease is reused. An error is returned only for a missing subnet or
// hardware address and for lease store failures.
func (e *Engine4) Allocate4(ctx *Context4) (*lease.Lease4, *lease.Lease4, error) {
	ec := e.cur.Load()
	a := &run{e: e, ec: ec, ctx: ctx, classes: ctx.classes(), now: e.now()}
	ctx.OldLease, ctx.ConflictingLease = nil, nil
	ctx.UnknownRequestedAddr, ctx.ReusableLifetime, ctx.Reused = false, 0, false
	ctx.OfferLifetime = 0
	if ctx.Subnet != nil {
		// Use this configuration's subnet of the same id.
		if si := ec.subnets[ctx.Subnet.ID]; si != nil {
			ctx.Subnet = si.s
		}
		if !clientSupported(ctx.Subnet, a.classes) {
			ctx.Subnet = ec.nextSubnet(ctx.Subnet, ctx.Subnet, a.classes)
		}
	}
	if ctx.Subnet == nil {
		return nil, nil, ErrNoSubnet
	}
	if ctx.HWAddr.IsZero() {
		return nil, nil, ErrNoHWAddr
	}
	if ctx.RequestedAddr.IsValid() {
		ctx.RequestedAddr = ctx.RequestedAddr.Unmap()
		if !ctx.RequestedAddr.Is4() {
			ctx.RequestedAddr = netip.Addr{}
		}
	}
	var l *lease.Lease4
	var err error
	if ctx.FakeAllocation {
		l, err = a.discover()
	} else {
		l, err = a.request()
	}
	if err != nil {
		e.log.Error("error during allocation", "msgid", "ALLOC_ENGINE_V4_ALLOC_ERROR", "query", ctx.label(), "error", err)
		return nil, ctx.OldLease, err
	}
	return l, ctx.OldLease, nil
}

func (a *run) requested() bool {
	r := a.ctx.RequestedAddr
	return r.IsValid() && !r.IsUnspecified()
}

// discover is Kea's discoverLease4.
func (a *run) discover() (*lease.Lease4, error) {
	ctx := a.ctx
	client, err := a.findClientLease(netip.Addr{})
	if err != nil {
		return nil, err
	}
	ctx.OfferLifetime = a.offerLifetime()
	var nl *lease.Lease4
	if a.hasAddressReservation() {
		resv := a.reservedAddr()
		if client == nil || client.Addr != resv {
			nl, err = a.allocateOrReuse(resv)
			if err != nil {
				return nil, err
			}
			if nl == nil && ctx.ConflictingLease != nil {
				a.e.log.Warn("reserved address is in use by another client", "msgid", "ALLOC_ENGINE_V4_DISCOVER_ADDRESS_CONFLICT",
					"query", ctx.label(), "address", resv.String(), "lease", ctx.ConflictingLease.Addr.String())
				a.e.stat(subnetStat(ctx.ConflictingLease.SubnetID, "v4-reservation-conflicts"), 1)
				a.e.stat("v4-reservation-conflicts", 1)
			}
		} else {
			if nl, err = a.renew(client); err != nil {
				return nil, err
			}
		}
	}
	if nl == nil && client != nil && a.inAllowedPool(client.Addr) && !a.addressReserved(client.Addr) {
		// An offer-lifetime shorter than what the lease has left is not
		// used: the existing lease is offered as it is.
		if ctx.OfferLifetime != 0 && a.now+int64(ctx.OfferLifetime) < client.Expire() {
			ctx.OfferLifetime = 0
		}
		if nl, err = a.renew(client); err != nil {
			return nil, err
		}
	}
	if nl == nil && a.requested() && a.inAllowedPool(ctx.RequestedAddr) && !a.addressReserved(ctx.RequestedAddr) {
		if nl, err = a.allocateOrReuse(ctx.RequestedAddr); err != nil {
			return nil, err
		}
	}
	if nl == nil {
		if nl, err = a.allocateUnreserved(); err != nil {
			return nil, err
		}
	}
	if ctx.OldLease == nil && client != nil {
		ctx.OldLease = client
	}
	return nl, nil
}

// request is Kea's requestLease4.
func (a *run) request() (*lease.Lease4, error) {
	ctx := a.ctx
	var pre netip.Addr
	if a.requested() {
		pre = ctx.RequestedAddr
	}
	client, err := a.findClientLease(pre)
	if err != nil {
		return nil, err
	}
	if a.requested() {
		if a.addressReserved(ctx.RequestedAddr) {
			a.e.log.Debug("requested address is reserved for another client", "msgid", "ALLOC_ENGINE_V4_REQUEST_ADDRESS_RESERVED",
				"query", ctx.label(), "address", ctx.RequestedAddr.String())
			return nil, nil
		}
	} else if a.hasAddressReservation() {
		ctx.RequestedAddr = a.reservedAddr()
	}
	if a.requested() {
		req := ctx.RequestedAddr
		existing, err := a.lookupRequested(req)
		if err != nil {
			return nil, err
		}
		if existing != nil && !expired(existing, a.now) && !existing.BelongsTo(ctx.HWAddr.Bytes, a.clientID(ctx.Subnet)) {
			a.e.log.Debug("requested address is in use", "msgid", "ALLOC_ENGINE_V4_REQUEST_IN_USE", "query", ctx.label(), "address", req.String())
			return nil, nil
		}
		hasResv := a.hasAddressReservation()
		if hasResv && a.reservedAddr() != req {
			resv, err := a.lookup(a.reservedAddr())
			if err != nil {
				return nil, err
			}
			if resv == nil || expired(resv, a.now) {
				a.e.log.Debug("client requests another address than its free reserved one", "msgid", "ALLOC_ENGINE_V4_REQUEST_INVALID",
					"query", ctx.label(), "reserved", a.reservedAddr().String(), "requested", req.String())
				return nil, nil
			}
		}
		if (!hasResv || a.reservedAddr() != req) && !a.inAllowedPool(req) {
			a.e.log.Debug("requested address is out of the pools", "msgid", "ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL", "query", ctx.label(), "address", req.String())
			ctx.UnknownRequestedAddr = true
			return nil, nil
		}
	}
	if client != nil && (client.Addr == ctx.RequestedAddr || !a.requested()) &&
		((a.hasAddressReservation() && a.reservedAddr() == ctx.RequestedAddr) || a.inAllowedPool(client.Addr)) {
		return a.renew(client)
	}
	var nl *lease.Lease4
	if a.requested() {
		nl, err = a.allocateOrReuse(ctx.RequestedAddr)
	} else {
		nl, err = a.allocateUnreserved()
	}
	if err != nil {
		return nil, err
	}
	if nl != nil && client != nil {
		ctx.OldLease = client.Clone()
		a.deleteOld(client)
	}
	return nl, nil
}

// deleteOld removes the client's previous lease after it got another
// address.
func (a *run) deleteOld(old *lease.Lease4) {
	mu := a.e.locks.stripe(old.Addr)
	mu.Lock()
	cur, err := a.e.store.Lease4(old.Addr)
	if err == nil && cur.BelongsTo(a.ctx.HWAddr.Bytes, cur.ClientID) && a.e.remove(cur) == nil && live(cur) {
		a.e.subnetPoolStat(a.ec, cur.SubnetID, cur.Addr, "assigned-addresses", -1)
	}
	mu.Unlock()
}

// lookup returns the lease of addr, nil when there is none.
func (a *run) lookup(addr netip.Addr) (*lease.Lease4, error) {
	l, err := a.e.store.Lease4(addr)
	if errors.Is(err, lease.ErrNotFound) {
		return nil, nil
	}
	return l, err
}

// lookupRequested is lookup for the first check of the requested address:
// the lease findClientLease read with the client's leases when it read
// that address (unlocked, as lookup's would be). allocateOrReuse uses it
// too on a shared store, where the database checks the write.
func (a *run) lookupRequested(addr netip.Addr) (*lease.Lease4, error) {
	if a.pre.IsValid() && a.pre == addr {
		return a.preAt, nil
	}
	return a.lookup(addr)
}

// writes reports whether this allocation writes to the store.
func (a *run) writes() bool { return !a.ctx.FakeAllocation || a.ctx.OfferLifetime != 0 }

// allocateOrReuse is Kea's allocateOrReuseLease4 for one candidate.
func (a *run) allocateOrReuse(addr netip.Addr) (*lease.Lease4, error) {
	a.ctx.ConflictingLease = nil
	mu := a.e.locks.stripe(addr)
	mu.Lock()
	defer mu.Unlock()
	var exist *lease.Lease4
	if a.e.shared != nil && a.pre.IsValid() && a.pre == addr && (a.preAt == nil || !expired(a.preAt, a.now)) {
		// The lease read with the client's leases: on a shared store
		// the database checks the write (an insert fails on an existing
		// row), so reading again here would only cost a round trip. An
		// expired lease is read again under the lock: this server's
		// reclamation may be reclaiming it.
		exist, a.pre = a.preAt, netip.Addr{}
	} else {
		var err error
		if exist, err = a.lookup(addr); err != nil {
			return nil, err
		}
	}
	if exist == nil {
		return a.create(addr)
	}
	if expired(exist, a.now) {
		a.setOldFromExpired(exist)
		return a.reuseExpired(exist)
	}
	a.ctx.ConflictingLease = exist
	return nil, nil
}

func (a *run) setOldFromExpired(exist *lease.Lease4) {
	old := exist.Clone()
	// Reclamation queues the DNS removal: keep the server from doing it
	// again.
	old.Hostname, old.FQDNFwd, old.FQDNRev = "", false, false
	a.ctx.OldLease = old
}

// newLease builds the lease the context describes for addr.
func (a *run) newLease(addr netip.Addr) *lease.Lease4 {
	ctx := a.ctx
	valid := ctx.OfferLifetime
	if valid == 0 {
		valid = a.validLifetime()
	}
	l := &lease.Lease4{
		Addr:          addr,
		HWAddr:        ctx.HWAddr.Clone(),
		ValidLifetime: valid,
		CLTT:          a.now,
		SubnetID:      ctx.Subnet.ID,
		FQDNFwd:       ctx.FwdDNS,
		FQDNRev:       ctx.RevDNS,
		Hostname:      ctx.Hostname,
	}
	if cid := a.clientID(ctx.Subnet); cid != nil {
		l.ClientID = bytes.Clone(cid)
	}
	if uc := a.userContext(nil); uc != nil {
		l.UserContext = uc
	}
	return l
}

// userContext is the user context the lease gets given its current one,
// or nil to leave it unchanged.
func (a *run) userContext(old []byte) []byte {
	if f := a.ctx.ExtendedInfo; f != nil {
		return f(old)
	}
	if a.ctx.UserContext != nil {
		return bytes.Clone(a.ctx.UserContext)
	}
	return nil
}

// create is Kea's createLease4; the candidate's stripe is held.
func (a *run) create(addr netip.Addr) (*lease.Lease4, error) {
	ctx := a.ctx
	l := a.newLease(addr)
	if st := a.callSelect(&l); st == hooks.Skip {
		a.e.log.Debug("lease4_select callouts skipped the allocation", "msgid", "DHCPSRV_HOOK_LEASE4_SELECT_SKIP")
		return nil, nil
	}
	if ctx.FakeAllocation && ctx.OfferLifetime != 0 {
		// Seen as changed at REQUEST, so DNS gets updated then.
		l.FQDNFwd, l.FQDNRev = false, false
	}
	if !a.writes() {
		return l, nil
	}
	l.PoolID = a.ec.poolID(ctx.Subnet.ID, l.Addr)
	if err := a.e.store.AddLease4(l); err != nil {
		if errors.Is(err, lease.ErrExists) {
			a.e.markAddr(a.ec, addr, true)
			return nil, nil // another server or command took it
		}
		return nil, err
	}
	a.countAssigned(l)
	return l, nil
}

// countAssigned records a new assignment.
func (a *run) countAssigned(l *lease.Lease4) {
	a.e.subnetPoolStat(a.ec, l.SubnetID, l.Addr, "assigned-addresses", 1)
	a.e.subnetPoolStat(a.ec, l.SubnetID, l.Addr, "cumulative-assigned-addresses", 1)
	a.e.stat("cumulative-assigned-addresses", 1)
}

// callSelect runs lease4_select on *l; the callouts may replace the lease.
func (a *run) callSelect(l **lease.Lease4) hooks.NextStep {
	ctx := a.ctx
	a.status = a.e.callout(ctx, hooks.Lease4Select, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query4", ctx.Query)
		hooks.Set(h, "subnet4", ctx.Subnet)
		hooks.Set(h, "fake_allocation", ctx.FakeAllocation)
		hooks.Set(h, "offer_lft", ctx.OfferLifetime)
		hooks.Set(h, "lease4", *l)
	}, func(h *hooks.CalloutHandle) {
		if nl, err := hooks.Get[*lease.Lease4](h, "lease4"); err == nil && nl != nil {
			*l = nl
		}
	})
	return a.status
}

// callout runs a hook point with the context's handle (or a fresh one)
// when it has callouts, and returns the status.
func (e *Engine4) callout(ctx *Context4, p hooks.Point, set, get func(h *hooks.CalloutHandle)) hooks.NextStep {
	if e.hk == nil || !e.hk.CalloutsPresent(p) {
		return hooks.Continue
	}
	var h *hooks.CalloutHandle
	switch {
	case ctx != nil && ctx.Callout != nil:
		h = ctx.Callout
	case ctx != nil && ctx.Query != nil:
		h = ctx.Query.CalloutHandle(e.hk)
	default:
		h = e.hk.AcquireHandle()
		defer h.Release()
	}
	st := h.ScopedState()
	defer st.Close()
	set(h)
	e.hk.Call(p, h)
	if get != nil {
		get(h)
	}
	return h.Status()
}

// renew is Kea's renewLease4 for the client's own lease.
func (a *run) renew(client *lease.Lease4) (*lease.Lease4, error) {
	ctx := a.ctx
	mu := a.e.locks.stripe(client.Addr)
	mu.Lock()
	defer mu.Unlock()
	// Work on the stored lease, which may have changed since the lookup.
	// On a shared store the lookup's copy of a lease that has not expired
	// is used: the write is conditional on its expiration time, so the
	// database refuses it when the lease changed meanwhile, and reading
	// again would only cost a round trip. An expired lease is read again
	// under the lock: this server's reclamation may be reclaiming it.
	var cur *lease.Lease4
	if a.e.shared != nil && !expired(client, a.now) {
		cur = client.Clone()
	} else {
		var err error
		if cur, err = a.lookup(client.Addr); err != nil {
			return nil, err
		}
	}
	if cur == nil || !bytes.Equal(cur.ClientID, client.ClientID) || !cur.HWAddr.Equal(client.HWAddr) {
		return nil, nil // changed hands meanwhile
	}
	old := cur.Clone()
	ctx.OldLease = old.Clone()
	l := cur
	changed := a.updateInfo(l, old)
	var reuse uint32
	if !changed {
		reuse = a.reusable(l, old)
	}
	if a.writes() {
		if expired(old, a.now) {
			a.e.reclaim(a.ec, ctx, old.Clone(), reclaimLeave)
		}
		l.State = lease.StateDefault
	}
	skip := a.e.callout(ctx, hooks.Lease4Renew, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query4", ctx.Query)
		hooks.Set(h, "subnet4", ctx.Subnet)
		hooks.Set(h, "clientid", a.clientID(ctx.Subnet))
		hw := ctx.HWAddr
		hooks.Set(h, "hwaddr", &hw)
		hooks.Set(h, "lease4", l)
	}, nil) == hooks.Skip
	if skip {
		a.e.log.Debug("lease4_renew callouts skipped the renewal", "msgid", "DHCPSRV_HOOK_LEASE4_RENEW_SKIP")
		return old, nil
	}
	if reuse != 0 {
		ctx.ReusableLifetime = reuse
		if !ctx.FakeAllocation {
			a.e.stat("v4-lease-reuses", 1)
			a.e.stat(subnetStat(ctx.Subnet.ID, "v4-lease-reuses"), 1)
		}
		return old, nil
	}
	if a.writes() {
		l.PoolID = a.ec.poolID(ctx.Subnet.ID, l.Addr)
		if err := a.e.update(l, old); err != nil {
			if a.e.shared != nil && errors.Is(err, lease.ErrNotFound) {
				// Another server changed or removed the lease since it
				// was read: as Kea, no lease (NAK).
				a.e.log.Error("error during allocation", "msgid", "ALLOC_ENGINE_V4_ALLOC_ERROR", "query", a.ctx.label(), "error", changedErr(l.Addr))
				return nil, nil
			}
			return nil, err
		}
		if expired(old, a.now) || old.State == lease.StateExpiredReclaimed {
			a.countAssigned(l)
		}
	}
	return l, nil
}

// reuseExpired is Kea's reuseExpiredLease4; the stripe is held.
func (a *run) reuseExpired(expired *lease.Lease4) (*lease.Lease4, error) {
	ctx := a.ctx
	old := expired.Clone()
	if a.writes() {
		a.e.reclaim(a.ec, ctx, old.Clone(), reclaimLeave)
		expired.State = lease.StateDefault
	}
	a.updateInfo(expired, old)
	if st := a.callSelect(&expired); st == hooks.Skip {
		a.e.log.Debug("lease4_select callouts skipped the allocation", "msgid", "DHCPSRV_HOOK_LEASE4_SELECT_SKIP")
		return nil, nil
	}
	if a.writes() {
		expired.PoolID = a.ec.poolID(ctx.Subnet.ID, expired.Addr)
		if err := a.e.update(expired, old); err != nil {
			if a.e.shared != nil && errors.Is(err, lease.ErrNotFound) {
				// Another server reused or reclaimed it meanwhile: the
				// caller tries the next candidate.
				a.e.log.Debug("expired lease changed by another server", "msgid", "ALLOC_ENGINE_V4_ALLOC_ERROR", "query", a.ctx.label(), "error", changedErr(expired.Addr))
				return nil, nil
			}
			return nil, err
		}
		a.countAssigned(expired)
	}
	ctx.Reused = true
	return expired, nil
}

// updateInfo is Kea's updateLease4Information: it writes the context's
// values into l and reports whether anything significant changed.
func (a *run) updateInfo(l, old *lease.Lease4) bool {
	ctx := a.ctx
	changed := false
	if l.SubnetID != ctx.Subnet.ID {
		changed = true
		l.SubnetID = ctx.Subnet.ID
	}
	if !l.HWAddr.Equal(ctx.HWAddr) {
		changed = true
		l.HWAddr = ctx.HWAddr.Clone()
	}
	if cid := a.clientID(ctx.Subnet); cid != nil {
		if !bytes.Equal(l.ClientID, cid) {
			changed = true
			l.ClientID = bytes.Clone(cid)
		}
	} else if l.ClientID != nil {
		changed = true
		l.ClientID = nil
	}
	l.CLTT = a.now
	if ctx.OfferLifetime != 0 {
		l.ValidLifetime = ctx.OfferLifetime
	} else {
		l.ValidLifetime = a.validLifetime()
	}
	if l.ValidLifetime != old.ValidLifetime {
		changed = true
	}
	if l.FQDNFwd != ctx.FwdDNS || l.FQDNRev != ctx.RevDNS || l.Hostname != ctx.Hostname {
		changed = true
		l.FQDNFwd, l.FQDNRev, l.Hostname = ctx.FwdDNS, ctx.RevDNS, ctx.Hostname
	}
	if uc := a.userContext(l.UserContext); uc != nil && !bytes.Equal(l.UserContext, uc) {
		changed = true
		l.UserContext = uc
	}
	return changed
}

// reusable is Kea's setLeaseReusable: the remaining lifetime to give when
// lease caching applies, else 0.
func (a *run) reusable(l, old *lease.Lease4) uint32 {
	s := a.ctx.Subnet
	if old.State != lease.StateDefault {
		return 0
	}
	if l.ValidLifetime == lease.InfiniteLifetime {
		return lease.InfiniteLifetime
	}
	if l.CLTT < old.CLTT {
		return 0
	}
	age := l.CLTT - old.CLTT
	if age >= int64(old.ValidLifetime) {
		return 0
	}
	maxAge, ok := cacheMaxAge(s.Eff.CacheThreshold, s.Eff.CacheMaxAge, l.ValidLifetime, age)
	if !ok || maxAge == 0 {
		return 0
	}
	return old.ValidLifetime - uint32(age)
}

// cacheMaxAge is the part of Kea's setLeaseReusable both families share:
// the largest age (seconds since the stored cltt) at which a lease given
// the new valid lifetime may be reused, from cache-max-age and then
// cache-threshold (0: no caching), and ok false when the lease's age
// already rules it out.
func cacheMaxAge(threshold config.Opt[float64], maxAgeOpt config.Opt[uint32], valid uint32, age int64) (maxAge int64, ok bool) {
	if maxAgeOpt.Set {
		maxAge = int64(maxAgeOpt.V)
		if maxAge == 0 || age > maxAge {
			return 0, false
		}
	}
	if threshold.Set {
		th := threshold.V
		if th <= 0 || th > 1 {
			return 0, false
		}
		maxAge = int64(float64(valid) * th)
		if age > maxAge {
			return 0, false
		}
	}
	return maxAge, true
}

// lftClass returns the configured class of a name if it sets a lifetime,
// or nil.
func (a *run) lftClass(name string) *config.ClientClass4 {
	if a.ec.lftClasses == nil {
		return nil
	}
	return a.ec.lftClasses[name]
}

// validLifetime is Kea's getValidLft: infinite for BOOTP, else the
// client's option 51 clamped to the triplet of the first class that sets
// one, or of the subnet.
func (a *run) validLifetime() uint32 {
	if a.classes.Has("BOOTP") {
		return lease.InfiniteLifetime
	}
	s := a.ctx.Subnet
	def, lo, hi := s.Eff.ValidLifetime, s.Eff.MinValidLifetime, s.Eff.MaxValidLifetime
	for _, n := range a.classes {
		c := a.lftClass(n)
		if c == nil || !(c.ValidLifetime.Set || c.MinValid.Set || c.MaxValid.Set) {
			continue
		}
		def = c.ValidLifetime.Or(def)
		lo, hi = c.MinValid.Or(def), c.MaxValid.Or(def)
		break
	}
	req := a.ctx.RequestedLifetime
	if req == 0 {
		return def
	}
	return min(max(req, lo), hi)
}

// offerLifetime is Kea's getOfferLft.
func (a *run) offerLifetime() uint32 {
	if !a.ctx.FakeAllocation || a.classes.Has("BOOTP") {
		return 0
	}
	for _, n := range a.classes {
		if c := a.lftClass(n); c != nil && c.OfferLifetime.Set {
			return c.OfferLifetime.V
		}
	}
	return a.ctx.Subnet.Eff.OfferLifetime
}
