package alloc

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
)

// Result6 is what the engine did for one IA.
type Result6 struct {
	// Leases are the IA's leases with the lifetimes to send.
	Leases []*lease.Lease6
	// Removed are the client's previous resources of this IA that it may
	// no longer use (sent back with zero lifetimes).
	Removed []netip.Prefix
	// Previous are the extended leases as they were before (Kea's
	// changed_leases_) and RemovedLeases the leases deleted from the
	// store: the server removes their DNS entries when the name changed.
	// Both are empty for a fake allocation.
	Previous, RemovedLeases []*lease.Lease6
	// Reused are the leases of Leases that lease caching kept as stored
	// (cache-threshold, cache-max-age): nothing was written and Leases
	// holds them with the remaining lifetimes, which the reply carries
	// (Kea's reuseable_valid_lft_ and reuseable_preferred_lft_). Nil
	// when none.
	Reused map[netip.Addr]bool
}

// Allocate6 is Kea's allocateLeases6 for one IA of a SOLICIT or REQUEST:
// the client's existing leases of the IA (by DUID, IAID and type in the
// subnet) that it may still use, else a reserved address or prefix, else
// the hint when free, else the next free one of the pools the client's
// classes admit. Existing leases are extended. With c.FakeAllocation
// nothing is written and lease6_select sees fake_allocation true.
func (e *Engine6) Allocate6(c *Context6, ia *IA6) (Result6, error) {
	return e.assign(c, ia, nil)
}

// Renew6 is Kea's renewLeases6 for one IA of a RENEW (rebind false) or
// REBIND: the existing leases are extended, calling lease6_renew or
// lease6_rebind; when the client has none a new one is allocated, as Kea
// does.
func (e *Engine6) Renew6(c *Context6, ia *IA6, rebind bool) (Result6, error) {
	p := hooks.Lease6Renew
	if rebind {
		p = hooks.Lease6Rebind
	}
	return e.assign(c, ia, &p)
}

type run6 struct {
	e   *Engine6
	ec  *engine6Config
	si  *subnet6Info
	c   *Context6
	ia  *IA6
	now int64
	// onTake runs when take finds the resource free, before it writes
	// the lease.
	onTake func()
}

func (e *Engine6) assign(c *Context6, ia *IA6, renewPoint *hooks.Point) (Result6, error) {
	var res Result6
	if c.Subnet == nil {
		return res, ErrNoSubnet
	}
	if len(c.DUID) == 0 {
		return res, ErrNoDUID
	}
	ec := e.cur.Load()
	si := ec.subnets[c.Subnet.ID]
	if si == nil {
		return res, ErrNoSubnet
	}
	r := &run6{e: e, ec: ec, si: si, c: c, ia: ia, now: e.Now().Unix()}
	// The client's leases of the IA in the selected subnet, else in
	// another subnet of its shared network (Kea looks across the network);
	// the engine then works in that subnet and c.Subnet says so.
	first := c.Subnet
	var found []*lease.Lease6
	for sn := first; sn != nil; sn = r.nextSubnet(first, sn) {
		ls, err := e.store.Leases6ByDUIDIAIDSubnet(ia.Type, c.DUID, ia.IAID, sn.ID)
		if err != nil {
			return res, err
		}
		if len(ls) > 0 {
			found = ls
			r.use(sn)
			break
		}
	}
	var existing []*lease.Lease6
	for _, l := range found {
		pr := leasePrefix(l)
		if l.State == lease.StateDeclined || r.reservedForOther(pr) || (!r.inAdmittedPool(pr) && !r.reservedForClient(pr)) {
			res.Removed = append(res.Removed, pr)
			if !c.FakeAllocation {
				r.remove(l)
				res.RemovedLeases = append(res.RemovedLeases, l)
			}
			continue
		}
		existing = append(existing, l)
	}
	// A reservation the client does not hold yet replaces its
	// unreserved leases (Kea's allocateReservedLeases6 and
	// removeNonreservedLeases6).
	if len(c.Hosts) > 0 && r.holdsReserved(existing) {
		// The client keeps a reserved resource: that host names the
		// extended leases (Kea keeps the reservation's hostname).
		c.nameFromHost(c.Subnet, c.CurrentHost())
	}
	if len(c.Hosts) > 0 && !r.holdsReserved(existing) {
		if l, err := r.takeReserved(); err != nil {
			return res, err
		} else if l != nil {
			for _, old := range existing {
				res.Removed = append(res.Removed, leasePrefix(old))
				if !c.FakeAllocation {
					r.remove(old)
					res.RemovedLeases = append(res.RemovedLeases, old)
				}
			}
			existing = nil
			res.Leases = append(res.Leases, l)
		}
	}
	for _, l := range existing {
		nl, reused, err := r.extend(l, renewPoint)
		if err == errChanged {
			// Another server changed the lease since it was read: as
			// Kea's renewLeases6, the renewal gives nothing.
			r.e.log.Error("error extending a lease", "msgid", "ALLOC_ENGINE_V6_EXTEND_ERROR",
				"error", "unable to update lease for address "+l.Addr.String()+" as it does not exist")
			res.Leases = nil
			return res, nil
		}
		if err != nil {
			return res, err
		}
		if reused {
			if res.Reused == nil {
				res.Reused = map[netip.Addr]bool{}
			}
			res.Reused[nl.Addr] = true
		}
		res.Leases = append(res.Leases, nl)
		if !c.FakeAllocation {
			res.Previous = append(res.Previous, l)
		}
	}
	if len(res.Leases) == 0 {
		// The selected subnet's pools, then those of the other subnets of
		// its shared network the client may use (Kea's getNextSubnet).
		home := c.Subnet
		for sn := home; sn != nil; sn = r.nextSubnet(home, sn) {
			r.use(sn)
			l, err := r.allocateUnreserved()
			if err != nil {
				r.use(home)
				return res, err
			}
			if l != nil {
				res.Leases = append(res.Leases, l)
				break
			}
		}
		if len(res.Leases) == 0 {
			r.use(home)
		}
	}
	if ia.Allocated != nil {
		for _, l := range res.Leases {
			*ia.Allocated = append(*ia.Allocated, leasePrefix(l))
		}
	}
	return res, nil
}

func (r *run6) has(class string) bool { return r.c.classes().Has(class) }

// takeReserved is Kea's allocateGlobalReservedLeases6 then
// allocateReservedLeases6: the first reserved address or prefix of the
// IA's type that is free, from the global reservation, then from the
// client's reservations in the subnet and in the other subnets of its
// shared network that its classes admit (the run then works in that
// subnet).
func (r *run6) takeReserved() (*lease.Lease6, error) {
	c := r.c
	home := c.Subnet
	try := func(h *host.Host6) (*lease.Lease6, error) {
		// The host names the lease once the reserved resource is
		// found free, before the lease is written (Kea's
		// allocateReservedLeases6).
		r.onTake = func() { c.nameFromHost(c.Subnet, h) }
		defer func() { r.onTake = nil }()
		for _, pr := range r.reservedList(h) {
			if r.allocatedElsewhere(pr) {
				continue
			}
			if l, err := r.take(pr); err != nil || l != nil {
				return l, err
			}
		}
		return nil, nil
	}
	if h := c.Hosts[0]; h != nil && home.Eff.ReservationsGlobal {
		if l, err := try(h); err != nil || l != nil {
			return l, err
		}
	}
	for sn := home; sn != nil; sn = r.nextSubnet(home, sn) {
		h := c.Hosts[sn.ID]
		if h == nil || !sn.Eff.ReservationsInSubnet {
			continue
		}
		r.use(sn)
		if l, err := try(h); err != nil || l != nil {
			return l, err
		}
	}
	r.use(home)
	return nil, nil
}

// use makes sn the subnet the run (and the context) works in.
func (r *run6) use(sn *config.Subnet6) {
	if si := r.ec.subnets[sn.ID]; si != nil {
		r.c.Subnet, r.si = sn, si
	}
}

// nextSubnet is Kea's getNextSubnet for DHCPv6: the subnet after cur in
// first's shared network that the client's classes admit, wrapping
// around; nil once back at first, or for a subnet outside any network.
func (r *run6) nextSubnet(first, cur *config.Subnet6) *config.Subnet6 {
	if first.Network == nil {
		return nil
	}
	subs := first.Network.Subnets
	i := 0
	for ; i < len(subs) && subs[i].ID != cur.ID; i++ {
	}
	if i == len(subs) {
		return nil
	}
	for n := 1; n < len(subs); n++ {
		sn := subs[(i+n)%len(subs)]
		if sn.ID == first.ID {
			return nil
		}
		if g := sn.Eff.ClientClass; (g == "" || r.has(g)) && r.ec.subnets[sn.ID] != nil {
			return sn
		}
	}
	return nil
}

func (r *run6) inAdmittedPool(pr netip.Prefix) bool {
	p := r.si.poolOf(r.ia.Type, pr)
	return p != nil && p.admits(r.has)
}

func (r *run6) reservedForClient(pr netip.Prefix) bool {
	h := r.c.CurrentHost()
	if h == nil {
		return false
	}
	for _, x := range r.reservedList(h) {
		if x == pr {
			return true
		}
	}
	return false
}

// reservedForOther reports whether a host other than the client's reserves
// the resource in the subnet.
func (r *run6) reservedForOther(pr netip.Prefix) bool {
	if r.ec.hosts == nil || !r.c.Subnet.Eff.ReservationsInSubnet {
		return false
	}
	for _, h := range r.ec.hosts.GetByAddress6(r.c.Subnet.ID, pr) {
		if !h.Matches(r.c.HostIdentifiers) {
			return true
		}
	}
	return false
}

func (r *run6) reservedList(hh *host.Host6) []netip.Prefix {
	if hh == nil {
		return nil
	}
	var out []netip.Prefix
	if r.ia.Type == lease.TypePD {
		for _, p := range hh.Prefixes {
			out = append(out, p.Masked())
		}
		return out
	}
	for _, a := range hh.Addresses {
		out = append(out, netip.PrefixFrom(a, 128))
	}
	return out
}

func (r *run6) holdsReserved(ls []*lease.Lease6) bool {
	for _, l := range ls {
		if r.reservedForClient(leasePrefix(l)) {
			return true
		}
	}
	return false
}

func (r *run6) allocatedElsewhere(pr netip.Prefix) bool {
	if r.ia.Allocated == nil {
		return false
	}
	for _, x := range *r.ia.Allocated {
		if x == pr {
			return true
		}
	}
	return false
}

// allocateUnreserved is Kea's allocateUnreservedLeases6: the hint when it
// is free in an admitted pool, else the iterative allocator.
func (r *run6) allocateUnreserved() (*lease.Lease6, error) {
	for _, hint := range r.ia.Hints {
		pr := hint.Prefix.Masked()
		if !pr.Addr().IsUnspecified() && r.inAdmittedPool(pr) && !r.reservedForOther(pr) && !r.allocatedElsewhere(pr) {
			l, err := r.take(pr)
			if err != nil || l != nil {
				return l, err
			}
		}
	}
	pools := r.si.pools(r.ia.Type)
	if len(pools) == 0 {
		return nil, nil
	}
	kind := r.si.kindNA
	if r.ia.Type == lease.TypePD {
		kind = r.si.kindPD
	}
	switch {
	case kind == allocRandom:
		return r.allocateRandom(pools)
	case kind == allocFLQ && r.ia.Type == lease.TypePD:
		return r.allocateFLQ(pools)
	}
	next := &r.si.nextNA
	if r.ia.Type == lease.TypePD {
		next = &r.si.nextPD
	}
	start := int(next.Load())
	budget := maxCandidates6
	for k := 0; k < len(pools) && budget > 0; k++ {
		pi := (start + k) % len(pools)
		p := pools[pi]
		if !p.admits(r.has) {
			continue
		}
		n := p.size
		if n > uint64(budget) {
			n = uint64(budget)
		}
		for j := uint64(0); j < n; j++ {
			budget--
			cand := netip.PrefixFrom(p.nth((p.pos.Add(1)-1)%p.size), p.bits)
			if r.reservedForOther(cand) || r.allocatedElsewhere(cand) {
				continue
			}
			l, err := r.take(cand)
			if err != nil {
				return nil, err
			}
			if l != nil {
				next.Store(int32(pi))
				return l, nil
			}
		}
	}
	return nil, nil
}

// allocateRandom is the random allocator ("allocator" or "pd-allocator"
// "random"): the admitted pools in random order, and in each, candidates
// in random order: a random permutation of the whole pool when the
// candidate budget covers it (so a nearly full pool is searched
// completely), else random draws.
func (r *run6) allocateRandom(pools []*pool6) (*lease.Lease6, error) {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	budget := uint64(maxCandidates6)
	for _, pi := range rng.Perm(len(pools)) {
		p := pools[pi]
		if !p.admits(r.has) || budget == 0 {
			continue
		}
		n, start, stride := p.size, rng.Uint64N(p.size), uint64(1)
		perm := n <= budget
		if perm {
			// start + j*stride mod n visits every offset once when stride
			// and n are coprime.
			stride = 1 + rng.Uint64N(n)
			for gcd(stride, n) != 1 {
				stride = 1 + rng.Uint64N(n)
			}
		} else {
			n = budget
		}
		for j := uint64(0); j < n; j++ {
			budget--
			var off uint64
			if perm {
				off = (start + j*stride) % p.size
			} else {
				off = rng.Uint64N(p.size)
			}
			cand := netip.PrefixFrom(p.nth(off), p.bits)
			if r.reservedForOther(cand) || r.allocatedElsewhere(cand) {
				continue
			}
			l, err := r.take(cand)
			if err != nil || l != nil {
				return l, err
			}
		}
	}
	return nil, nil
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// take gives the resource to the client when it has no lease, an expired
// one, or one of this client's: Kea's createLease6 and reuseExpiredLease6.
func (r *run6) take(pr netip.Prefix) (*lease.Lease6, error) {
	e, c := r.e, r.c
	mu := e.locks.stripe(pr.Addr())
	mu.Lock()
	defer mu.Unlock()
	cur, err := e.store.Lease6(r.ia.Type, pr.Addr())
	if err != nil && !errorsIsNotFound(err) {
		return nil, err
	}
	if cur != nil && !expired6(cur, r.now) && cur.State != lease.StateExpiredReclaimed {
		if !bytes.Equal(cur.DUID, c.DUID) || cur.IAID != r.ia.IAID || cur.SubnetID != c.Subnet.ID {
			return nil, nil
		}
	}
	if r.onTake != nil {
		r.onTake()
	}
	l := &lease.Lease6{Addr: pr.Addr(), Type: r.ia.Type, PrefixLen: uint8(pr.Bits()), SubnetID: c.Subnet.ID}
	if r.ia.Type != lease.TypePD {
		l.PrefixLen = 128
	}
	if p := r.si.poolOf(r.ia.Type, pr); p != nil {
		l.PoolID = p.id
	}
	r.fill(l, r.hint(pr), true)
	if !c.FakeAllocation {
		l.UserContext = r.extendedInfo(nil)
	}
	// An expired lease (a declined one whose probation ended included)
	// is reclaimed before it is given out again: lease6_expire with
	// remove_lease false, lease6_recover, and the statistics of the
	// previous holder (Kea's reuseExpiredLease6).
	reuse := cur != nil && (cur.State == lease.StateExpiredReclaimed || expired6(cur, r.now))
	if reuse && !c.FakeAllocation && cur.State != lease.StateExpiredReclaimed {
		e.reclaim6(r.ec, c, cur.Clone(), reclaimLeave)
	}
	if st := r.callSelect(&l); st == hooks.Skip || st == hooks.Drop {
		return nil, nil
	}
	if c.FakeAllocation {
		return l, nil
	}
	if cur == nil {
		if err := e.store.AddLease6(l); err != nil {
			if errors.Is(err, lease.ErrExists) {
				return nil, nil // another server or command took it
			}
			return nil, err
		}
		e.countAssigned(r.ec, l, 1, true)
		return l, nil
	}
	if err := e.update(l, cur); err != nil {
		if e.shared != nil && errors.Is(err, lease.ErrNotFound) {
			// Another server took, renewed or reclaimed it since it was
			// read: the caller tries the next candidate.
			return nil, nil
		}
		return nil, err
	}
	if reuse {
		e.countAssigned(r.ec, l, 1, true)
	}
	return l, nil
}

// hint returns the lifetimes the client asked for with a resource.
func (r *run6) hint(pr netip.Prefix) Hint6 {
	for _, h := range r.ia.Hints {
		if h.Prefix.Masked() == pr {
			return h
		}
	}
	if len(r.ia.Hints) > 0 {
		return Hint6{Preferred: r.ia.Hints[0].Preferred, Valid: r.ia.Hints[0].Valid}
	}
	return Hint6{}
}

// fill sets the client's identity, the lifetimes and the DNS data;
// classLifetimes says whether the client classes' lifetimes apply (a new
// or reused lease) or only the subnet's (an extended one).
func (r *run6) fill(l *lease.Lease6, h Hint6, classLifetimes bool) {
	c := r.c
	l.DUID = append([]byte(nil), c.DUID...)
	l.IAID = r.ia.IAID
	l.HWAddr = c.HWAddr.Clone()
	var ct classTriplets
	if classLifetimes {
		ct = r.ec.classLifetimes(c.classes())
	}
	l.PreferredLifetime, l.ValidLifetime = lifetimes6(c.Subnet, ct, h.Preferred, h.Valid)
	l.CLTT = r.now
	l.State = lease.StateDefault
	l.Hostname, l.FQDNFwd, l.FQDNRev = c.Hostname, c.FwdDNS, c.RevDNS
}

// Lifetimes6 returns the preferred and valid lifetimes for a client's hints
// (0: none): a hint is bounded by the subnet's min and max, the default
// applies without one, and the preferred lifetime never exceeds the valid.
func Lifetimes6(s *config.Subnet6, prefHint, validHint uint32) (pref, valid uint32) {
	return lifetimes6(s, classTriplets{}, prefHint, validHint)
}

// triplet is a lifetime's default with its bounds.
type triplet struct {
	set           bool
	def, min, max uint32
}

// get is Kea's Triplet::get: the hint bounded, the default without one.
func (t triplet) get(hint uint32) uint32 {
	if hint == 0 {
		return t.def
	}
	return max(t.min, min(hint, t.max))
}

// classTriplets are the lifetimes the client's classes set, if any.
type classTriplets struct{ pref, valid triplet }

// classLifetimes returns the preferred and valid lifetimes of the first of
// the client's classes (in the query's class order) that sets each (Kea's
// getLifetimes6). A class's min and max default to its value.
func (ec *engine6Config) classLifetimes(classes []string) classTriplets {
	var out classTriplets
	if len(ec.classes) == 0 {
		return out
	}
	for _, name := range classes {
		cl := ec.classes[name]
		if cl == nil {
			continue
		}
		if !out.pref.set && cl.Preferred.Set {
			v := cl.Preferred.V
			out.pref = triplet{true, v, cl.MinPreferred.Or(v), cl.MaxPreferred.Or(v)}
		}
		if !out.valid.set && cl.ValidLifetime.Set {
			v := cl.ValidLifetime.V
			out.valid = triplet{true, v, cl.MinValid.Or(v), cl.MaxValid.Or(v)}
		}
		if out.pref.set && out.valid.set {
			break
		}
	}
	return out
}

// lifetimes6 is Lifetimes6 with the lifetimes of the client's classes,
// which take precedence over the subnet's.
func lifetimes6(s *config.Subnet6, ct classTriplets, prefHint, validHint uint32) (pref, valid uint32) {
	eff := &s.Eff
	vt, pt := ct.valid, ct.pref
	if !vt.set {
		vt = triplet{true, eff.ValidLifetime, eff.MinValidLifetime, eff.MaxValidLifetime}
	}
	if !pt.set {
		pt = triplet{true, eff.PreferredLifetime, eff.MinPreferredLifetime, eff.MaxPreferredLifetime}
	}
	valid, pref = vt.get(validHint), pt.get(prefHint)
	if pref > valid {
		pref = valid
	}
	return pref, valid
}

// extend renews one of the client's leases (Kea's extendLease6 for a
// RENEW or REBIND, point set, and updateLeaseData for a REQUEST). With
// lease caching (cache-threshold, cache-max-age) an unchanged lease that
// is young enough is not written: reused is true and the returned copy
// carries the remaining lifetimes (Kea's setLeaseReusable), counted in
// v6-ia-na-lease-reuses or v6-ia-pd-lease-reuses.
func (r *run6) extend(cur *lease.Lease6, point *hooks.Point) (_ *lease.Lease6, reused bool, _ error) {
	e, c := r.e, r.c
	mu := e.locks.stripe(cur.Addr)
	mu.Lock()
	defer mu.Unlock()
	l := cur.Clone()
	// Kea 2.2's extendLease6 takes the subnet's lifetimes, not the
	// classes'.
	r.fill(l, r.hint(leasePrefix(cur)), false)
	var changed bool
	if point != nil {
		// extendLease6: new lifetimes, name, DNS directions, hardware
		// address or state.
		changed = l.PreferredLifetime != cur.PreferredLifetime || l.ValidLifetime != cur.ValidLifetime ||
			l.Hostname != cur.Hostname || l.FQDNFwd != cur.FQDNFwd || l.FQDNRev != cur.FQDNRev ||
			!l.HWAddr.Equal(cur.HWAddr) || cur.State != lease.StateDefault
	} else {
		// updateLeaseData: only a new name or DNS directions of an
		// address.
		changed = cur.Type != lease.TypePD && (l.Hostname != cur.Hostname || l.FQDNFwd != cur.FQDNFwd || l.FQDNRev != cur.FQDNRev)
	}
	if point != nil {
		st := e.callout6(c, *point, func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", c.Query)
			hooks.Set(h, "lease6", l)
			// Kea passes the IA option of the response being built:
			// its IAID, and T1/T2 still 0 (they are set from the
			// leases' lifetimes afterwards).
			ia := r.ia.Response
			if ia == nil {
				ia = &dhcp6.IA{IAID: r.ia.IAID}
			}
			if r.ia.Type == lease.TypePD {
				hooks.Set(h, "ia_pd", ia)
			} else {
				hooks.Set(h, "ia_na", ia)
			}
		}, func(h *hooks.CalloutHandle) {
			if nl, err := hooks.Get[*lease.Lease6](h, "lease6"); err == nil && nl != nil {
				l = nl
			}
		})
		if st == hooks.Skip {
			return cur, false, nil
		}
	}
	if c.FakeAllocation {
		return l, false, nil
	}
	// An expired lease is reclaimed before it is extended and counted
	// as assigned again, in cumulative-assigned-nas/pds too (Kea's
	// extendLease6).
	wasExpired := expired6(cur, r.now) && cur.State != lease.StateExpiredReclaimed
	if wasExpired || cur.State != lease.StateDefault {
		changed = true
	}
	if uc := r.extendedInfo(l.UserContext); uc != nil && !bytes.Equal(uc, l.UserContext) {
		l.UserContext = uc
		changed = true
	}
	if !changed {
		if pref, valid, ok := reusable6(c.Subnet, l, cur); ok {
			kept := cur.Clone()
			kept.PreferredLifetime, kept.ValidLifetime = pref, valid
			name := typeStat(cur.Type, "v6-ia-na-lease-reuses", "v6-ia-pd-lease-reuses")
			e.stat(name, 1)
			e.stat(subnetStat(cur.SubnetID, name), 1)
			return kept, true, nil
		}
	}
	if wasExpired {
		e.reclaim6(r.ec, c, cur.Clone(), reclaimLeave)
	}
	if err := e.update(l, cur); err != nil {
		if e.shared != nil && errors.Is(err, lease.ErrNotFound) {
			return nil, false, errChanged
		}
		return nil, false, err
	}
	if wasExpired || cur.State == lease.StateExpiredReclaimed {
		e.countAssigned(r.ec, l, 1, true)
	}
	return l, false, nil
}

// reusable6 is Kea's setLeaseReusable for a lease l extended from cur:
// the remaining preferred and valid lifetimes when lease caching lets
// the client keep cur unchanged.
func reusable6(s *config.Subnet6, l, cur *lease.Lease6) (pref, valid uint32, ok bool) {
	if cur.State != lease.StateDefault {
		return 0, 0, false
	}
	if l.ValidLifetime == lease.InfiniteLifetime {
		return cur.PreferredLifetime, lease.InfiniteLifetime, true
	}
	if l.CLTT < cur.CLTT {
		return 0, 0, false
	}
	age := l.CLTT - cur.CLTT
	if age >= int64(cur.ValidLifetime) {
		return 0, 0, false
	}
	maxAge, ok := cacheMaxAge(s.Eff.CacheThreshold, s.Eff.CacheMaxAge, l.ValidLifetime, age)
	if !ok || maxAge == 0 {
		return 0, 0, false
	}
	valid = cur.ValidLifetime - uint32(age)
	switch {
	case cur.PreferredLifetime == lease.InfiniteLifetime:
		pref = cur.PreferredLifetime
	case int64(cur.PreferredLifetime) > age:
		pref = cur.PreferredLifetime - uint32(age)
	}
	return pref, valid, true
}

// remove deletes a lease the client may no longer use.
func (r *run6) remove(l *lease.Lease6) {
	mu := r.e.locks.stripe(l.Addr)
	mu.Lock()
	defer mu.Unlock()
	if err := r.e.delete(l); err == nil && l.State == lease.StateDefault {
		r.e.countAssigned(r.ec, l, -1, false)
	}
}

func (r *run6) callSelect(l **lease.Lease6) hooks.NextStep {
	c := r.c
	return r.e.callout6(c, hooks.Lease6Select, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query6", c.Query)
		hooks.Set(h, "subnet6", c.Subnet)
		hooks.Set(h, "fake_allocation", c.FakeAllocation)
		hooks.Set(h, "lease6", *l)
	}, func(h *hooks.CalloutHandle) {
		if nl, err := hooks.Get[*lease.Lease6](h, "lease6"); err == nil && nl != nil {
			*l = nl
		}
	})
}

// callout6 runs a hook point with the context's handle (or a fresh one)
// when it has callouts, and returns the status.
func (e *Engine6) callout6(c *Context6, p hooks.Point, set, get func(h *hooks.CalloutHandle)) hooks.NextStep {
	if e.hk == nil || !e.hk.CalloutsPresent(p) {
		return hooks.Continue
	}
	var h *hooks.CalloutHandle
	switch {
	case c != nil && c.Callout != nil:
		h = c.Callout
	case c != nil && c.Query != nil:
		h = c.Query.CalloutHandle(e.hk)
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

// errChanged is extend's report of a lease another server changed between
// the read and the write (shared stores only).
var errChanged = errors.New("alloc: lease changed by another server")
