package alloc

import (
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// maxLeasedProbes bounds how many addresses with leases one allocation
// checks for expiry once a subnet has no address without a lease. Kea would
// walk the whole pool; the reclaimer frees expired leases anyway.
const maxLeasedProbes = 1024

// allocateUnreserved is Kea's allocateUnreservedLease4: ask the subnet's
// allocator for candidates, then the next subnets of the shared network,
// starting with the one that allocated last.
func (a *run) allocateUnreserved() (*lease.Lease4, error) {
	ctx := a.ctx
	si := a.ec.subnets[ctx.Subnet.ID]
	var network *networkInfo
	if si != nil && si.net != nil {
		network = si.net
		if pid := network.preferred.Load(); pid != 0 && pid != ctx.Subnet.ID {
			if p := a.ec.subnets[pid]; p != nil && p.net == network && clientSupported(p.s, a.classes) &&
				p.s.Eff.ClientClass == ctx.Subnet.Eff.ClientClass {
				ctx.Subnet = p.s
			}
		}
	}
	first := ctx.Subnet
	var total uint64
	withPools, withoutPools := 0, 0
	for s := first; s != nil; {
		si := a.ec.subnets[s.ID]
		capacity := si.permittedCapacity(a.classes)
		if capacity > 0 {
			withPools++
		} else {
			withoutPools++
		}
		if a.e.shared != nil && si != nil {
			a.e.resyncFull(si, a.now)
		}
		exclude := a.ec.exclude24 && s.Prefix.Bits() <= 24
		probes := 0
		stop := false
		for i := uint64(0); i < capacity; i++ {
			total++
			ref, off, leased, ok := si.pick(a.classes)
			if !ok {
				break
			}
			if leased {
				if probes++; probes > maxLeasedProbes {
					break
				}
			}
			cand := u32Addr(ref.state.first + off)
			if exclude {
				if b := cand.As4(); b[3] == 0 || b[3] == 255 {
					continue
				}
			}
			// Kea checks the reservation first in multi-threaded mode.
			if a.addressReserved(cand) {
				continue
			}
			mu := a.e.locks.stripe(cand)
			if !mu.TryLock() {
				continue // another client is being given it
			}
			nl, err := a.tryCandidate(ref, cand, leased)
			mu.Unlock()
			if err != nil {
				return nil, err
			}
			if nl != nil {
				if network != nil {
					network.preferred.Store(s.ID)
				}
				return nl, nil
			}
			if a.status != hooks.Continue {
				stop = true
				break
			}
		}
		if stop {
			break
		}
		if s = a.ec.nextSubnet(first, s, a.classes); s != nil {
			ctx.Subnet = s
		}
	}
	a.countFailure(network, total, withPools, withoutPools)
	return nil, nil
}

// tryCandidate allocates cand if it has no lease or an expired one; the
// stripe is held.
func (a *run) tryCandidate(ref *poolRef, cand netip.Addr, leased bool) (*lease.Lease4, error) {
	exist, err := a.lookup(cand)
	if err != nil {
		return nil, err
	}
	if exist == nil {
		if leased {
			a.e.markAddr(a.ec, cand, false)
		}
		return a.create(cand)
	}
	if expired(exist, a.now) {
		a.setOldFromExpired(exist)
		return a.reuseExpired(exist)
	}
	if !leased && live(exist) {
		a.e.markAddr(a.ec, cand, true) // the bitmap missed a change
	}
	return nil, nil
}

func (a *run) countFailure(network *networkInfo, total uint64, withPools, withoutPools int) {
	ctx := a.ctx
	id := ctx.Subnet.ID
	if network != nil {
		a.e.log.Warn("failed to allocate an IPv4 address in the shared network", "msgid", "ALLOC_ENGINE_V4_ALLOC_FAIL_SHARED_NETWORK",
			"query", ctx.label(), "network", network.n.Name, "subnets_with_unavail_leases", withPools, "subnets_with_unavail_pools", withoutPools)
		a.e.stat("v4-allocation-fail-shared-network", 1)
		a.e.stat(subnetStat(id, "v4-allocation-fail-shared-network"), 1)
	} else {
		a.e.log.Warn("failed to allocate an IPv4 address in the subnet", "msgid", "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET",
			"query", ctx.label(), "subnet", ctx.Subnet.Text, "id", id, "network", "(none)")
		a.e.stat("v4-allocation-fail-subnet", 1)
		a.e.stat(subnetStat(id, "v4-allocation-fail-subnet"), 1)
	}
	if total == 0 {
		a.e.log.Warn("no pools were available for the client", "msgid", "ALLOC_ENGINE_V4_ALLOC_FAIL_NO_POOLS", "query", ctx.label())
		a.e.stat("v4-allocation-fail-no-pools", 1)
		a.e.stat(subnetStat(id, "v4-allocation-fail-no-pools"), 1)
	} else {
		a.e.log.Warn("failed to allocate an IPv4 address", "msgid", "ALLOC_ENGINE_V4_ALLOC_FAIL", "query", ctx.label(), "attempts", total)
		a.e.stat("v4-allocation-fail", 1)
		a.e.stat(subnetStat(id, "v4-allocation-fail"), 1)
	}
	if len(a.classes) > 0 {
		a.e.log.Warn("failed to allocate an IPv4 address for the client's classes", "msgid", "ALLOC_ENGINE_V4_ALLOC_FAIL_CLASSES",
			"query", ctx.label(), "classes", strings.Join(a.classes, ", "))
		a.e.stat("v4-allocation-fail-classes", 1)
		a.e.stat(subnetStat(id, "v4-allocation-fail-classes"), 1)
	}
}

// permittedCapacity is the number of addresses in the pools the client
// may use (Kea's getPoolCapacity with classes).
func (si *subnetInfo) permittedCapacity(classes []string) uint64 {
	if si == nil {
		return 0
	}
	var n uint64
	for _, r := range si.pools {
		if poolSupported(r.pool, classes) {
			n += r.state.count()
		}
	}
	return n
}

// pick asks the subnet's allocator for a candidate: a free address from
// the permitted pools, starting with the pool used last, and once every
// pool is full an address with a lease that may have expired.
func (si *subnetInfo) pick(classes []string) (*poolRef, uint32, bool, bool) {
	n := len(si.pools)
	if n == 0 {
		return nil, 0, false, false
	}
	start := int(si.nextPool.Load())
	if si.kind == allocRandom {
		start = int(si.rnd() % uint64(n))
	}
	for pass := range 2 {
		for i := range n {
			k := (start + i) % n
			r := si.pools[k]
			if !poolSupported(r.pool, classes) {
				continue
			}
			off, leased, ok := r.state.pick(si.kind, pass == 1)
			if ok {
				if si.kind == allocIterative {
					si.nextPool.Store(int32(k))
				}
				return r, off, leased, true
			}
		}
	}
	return nil, 0, false, false
}

func (si *subnetInfo) rnd() uint64 { return rand.Uint64() }
