package alloc

import (
	"math/rand/v2"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// The free lease queue for delegated prefixes ("pd-allocator": "flq", Kea
// 2.4's FreeLeaseQueueAllocator; Kea allows it for prefixes only). A
// pd-pool's prefixes are numbered 0..size-1 and tracked in a poolState
// (the DHCPv4 pools' bitmap and queue), kept in step with the store by
// Watch6. A prefix is busy while it has an assigned or declined lease;
// expired leases become free when reclaimed.

// newOffsetPool returns a poolState for n candidates numbered from 0, or
// nil when n is beyond the bitmap limit.
func newOffsetPool(n uint64) *poolState {
	if n == 0 || n > maxBitmapPool {
		return nil
	}
	p := &poolState{first: 0, last: uint32(n - 1), size: uint32(n)}
	p.used = make([]uint64, (n+63)/64)
	p.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	return p
}

// offset returns the number of the prefix pr in the pool (pr must be one
// of the pool's).
func (p *pool6) offset(pr netip.Prefix) uint64 {
	a, f := pr.Masked().Addr().As16(), p.first.As16()
	hi, lo := be64(a[:8])-be64(f[:8]), be64(a[8:])-be64(f[8:])
	if be64(a[8:]) < be64(f[8:]) {
		hi--
	}
	shift := uint(128 - p.bits)
	switch {
	case shift == 0:
		return lo
	case shift < 64:
		return lo>>shift | hi<<(64-shift)
	default:
		return hi >> (shift - 64)
	}
}

// live6 reports whether a lease keeps its prefix out of the free queue:
// an assigned (not released) or declined lease.
func live6(l *lease.Lease6) bool {
	return l != nil && ((l.State == lease.StateDefault && !released6(l)) || l.State == lease.StateDeclined)
}

// loadFLQ marks the prefixes of a new FLQ pool that have leases.
func (e *Engine6) loadFLQ(subnetID uint32, p *pool6) {
	ls, err := e.store.Leases6BySubnet(subnetID)
	if err != nil {
		e.log.Error("cannot read leases for a new pool", "msgid", "ALLOC_ENGINE_V6_ALLOC_ERROR", "error", err)
		return
	}
	p.flq.mu.Lock()
	defer p.flq.mu.Unlock()
	for _, l := range ls {
		if l.Type == lease.TypePD && p.contains(leasePrefix(l)) {
			p.flq.mark(uint32(p.offset(leasePrefix(l))), live6(l))
		}
	}
}

// onChange6 keeps the FLQ pools in step with the store.
func (e *Engine6) onChange6(c lease.Change6) {
	ec := e.cur.Load()
	if ec == nil || !ec.hasFLQ {
		return
	}
	mark := func(l *lease.Lease6, busy bool) {
		if l == nil || l.Type != lease.TypePD {
			return
		}
		si := ec.subnets[l.SubnetID]
		if si == nil {
			return
		}
		pr := leasePrefix(l)
		if p := si.poolOf(lease.TypePD, pr); p != nil && p.flq != nil {
			p.flq.mu.Lock()
			p.flq.mark(uint32(p.offset(pr)), busy)
			p.flq.mu.Unlock()
		}
	}
	switch c.Kind {
	case lease.Added:
		mark(c.New, live6(c.New))
	case lease.Updated:
		if c.Old != nil && (c.New == nil || c.Old.Addr != c.New.Addr) {
			mark(c.Old, false)
		}
		mark(c.New, live6(c.New))
	case lease.Deleted:
		mark(c.Old, false)
	}
}

// allocateFLQ takes the next free prefix from the queues of the admitted
// pd-pools; pools too large for a queue are walked as by the iterative
// allocator.
func (r *run6) allocateFLQ(pools []*pool6) (*lease.Lease6, error) {
	budget := maxCandidates6
	for _, p := range pools {
		if !p.admits(r.has) {
			continue
		}
		if p.flq == nil {
			if l, err := r.walk(p, &budget); err != nil || l != nil {
				return l, err
			}
			continue
		}
		for ; budget > 0; budget-- {
			off, _, ok := p.flq.pick(allocFLQ, false)
			if !ok {
				break
			}
			cand := netip.PrefixFrom(p.nth(uint64(off)), p.bits)
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

// walk tries the pool's candidates from its iterative position.
func (r *run6) walk(p *pool6, budget *int) (*lease.Lease6, error) {
	n := min(p.size, uint64(*budget))
	for j := uint64(0); j < n; j++ {
		*budget--
		cand := netip.PrefixFrom(p.nth((p.pos.Add(1)-1)%p.size), p.bits)
		if r.reservedForOther(cand) || r.allocatedElsewhere(cand) {
			continue
		}
		if l, err := r.take(cand); err != nil || l != nil {
			return l, err
		}
	}
	return nil, nil
}
