package alloc

import (
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/lease"
)

// maxBitmapPool is the largest pool that gets an occupancy bitmap (2 MiB);
// larger pools fall back to probing the lease store address by address, as
// Kea does.
const maxBitmapPool = 1 << 24

// Allocator kinds ("allocator").
type allocKind uint8

const (
	allocIterative allocKind = iota
	allocRandom
	allocFLQ
)

func parseAllocKind(s string) allocKind {
	switch s {
	case "random":
		return allocRandom
	case "flq":
		return allocFLQ
	}
	return allocIterative
}

// poolState is what the engine keeps for one pool range: which addresses
// have a lease that is not reclaimed, the iterative position, and the free
// lease queue. It lives as long as the range is configured, across
// reconfigurations.
type poolState struct {
	first, last uint32
	size        uint32 // last-first+1, 0 meaning 2^32

	mu   sync.Mutex
	used []uint64 // bit i: first+i has a live lease; nil for huge pools
	// nused counts the bits set.
	nused uint32
	// cursor is the offset the iterative allocator gave last; started is
	// false until it gave one (so the first is the pool's first address).
	cursor  uint32
	started bool
	// expCursor walks the used addresses once no address is free, looking
	// for expired leases.
	expCursor uint32
	// flq is the free lease queue (offsets), a ring; inq marks the offsets
	// queued. Built on first use as an FLQ pool.
	flq      []uint32
	flqHead  int
	flqLen   int
	inq      []uint64
	flqBuilt bool
	rng      *rand.Rand
	// synced is when the bitmap was last read again from a shared store
	// (unix seconds).
	synced int64
}

func newPoolState(first, last netip.Addr) *poolState {
	f, l := addrU32(first), addrU32(last)
	p := &poolState{first: f, last: l, size: l - f + 1}
	n := uint64(l) - uint64(f) + 1
	if n <= maxBitmapPool {
		p.used = make([]uint64, (n+63)/64)
	}
	p.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	return p
}

func (p *poolState) count() uint64 { return uint64(p.last) - uint64(p.first) + 1 }

func (p *poolState) contains(a uint32) bool { return a >= p.first && a <= p.last }

func (p *poolState) isUsed(off uint32) bool { return p.used[off>>6]&(1<<(off&63)) != 0 }

// mark records whether the address at offset off has a live lease; p.mu is
// held.
func (p *poolState) mark(off uint32, busy bool) {
	if p.used == nil {
		return
	}
	w, b := off>>6, uint64(1)<<(off&63)
	was := p.used[w]&b != 0
	switch {
	case busy && !was:
		p.used[w] |= b
		p.nused++
	case !busy && was:
		p.used[w] &^= b
		p.nused--
		if p.flqBuilt {
			p.enqueue(off)
		}
	}
}

// nextFree returns the first free offset at or after from, wrapping around
// once; ok is false when every address has a lease. p.mu is held.
func (p *poolState) nextFree(from uint32) (uint32, bool) {
	n := p.count()
	if uint64(p.nused) >= n {
		return 0, false
	}
	nw := len(p.used)
	w := int(from >> 6)
	// First word: ignore bits below from.
	word := ^p.used[w] & (^uint64(0) << (from & 63))
	for i := 0; i <= nw; i++ {
		if word != 0 {
			off := uint32(w)<<6 + uint32(bits.TrailingZeros64(word))
			if uint64(off) < n {
				return off, true
			}
		}
		w++
		if w >= nw {
			w = 0
		}
		word = ^p.used[w]
	}
	return 0, false
}

// nextUsed returns the next offset at or after from with a live lease,
// wrapping. p.mu is held.
func (p *poolState) nextUsed(from uint32) (uint32, bool) {
	n := p.count()
	if p.nused == 0 {
		return 0, false
	}
	nw := len(p.used)
	w := int(from >> 6)
	word := p.used[w] & (^uint64(0) << (from & 63))
	for i := 0; i <= nw; i++ {
		if word != 0 {
			off := uint32(w)<<6 + uint32(bits.TrailingZeros64(word))
			if uint64(off) < n {
				return off, true
			}
		}
		w++
		if w >= nw {
			w = 0
		}
		word = p.used[w]
	}
	return 0, false
}

func (p *poolState) enqueue(off uint32) {
	w, b := off>>6, uint64(1)<<(off&63)
	if p.inq[w]&b != 0 {
		return
	}
	if p.flqLen == len(p.flq) {
		// Cannot happen (the queue holds each offset once), but stay safe.
		return
	}
	p.inq[w] |= b
	p.flq[(p.flqHead+p.flqLen)%len(p.flq)] = off
	p.flqLen++
}

// buildFLQ fills the free lease queue with the free addresses in random
// order, as Kea's FreeLeaseQueueAllocator does at configuration. p.mu is
// held.
func (p *poolState) buildFLQ() {
	n := p.count()
	p.flq = make([]uint32, n)
	p.inq = make([]uint64, len(p.used))
	free := make([]uint32, 0, n-uint64(p.nused))
	for off := uint64(0); off < n; off++ {
		if !p.isUsed(uint32(off)) {
			free = append(free, uint32(off))
		}
	}
	p.rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	p.flqHead, p.flqLen = 0, 0
	for _, off := range free {
		p.enqueue(off)
	}
	p.flqBuilt = true
}

// pick returns a candidate address offset of the pool for the allocator
// kind. Without withLeases it gives only addresses without a lease; with
// it, addresses that have one, in turn, so that the engine can reuse
// expired leases once no address is free (leased is then true).
func (p *poolState) pick(kind allocKind, withLeases bool) (off uint32, leased, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used == nil {
		if withLeases {
			return 0, false, false
		}
		// Huge pool: plain iteration, the store decides.
		if p.started {
			p.cursor++
			if uint64(p.cursor) >= p.count() {
				p.cursor = 0
			}
		}
		p.started = true
		return p.cursor, false, true
	}
	if withLeases {
		if kind == allocFLQ {
			// FLQ never gives out addresses with leases: expired ones
			// become free when reclaimed.
			return 0, false, false
		}
		o, ok := p.nextUsed(p.expCursor)
		if !ok {
			return 0, false, false
		}
		p.expCursor = o + 1
		if uint64(p.expCursor) >= p.count() {
			p.expCursor = 0
		}
		return o, true, true
	}
	switch kind {
	case allocFLQ:
		if !p.flqBuilt {
			p.buildFLQ()
		}
		for p.flqLen > 0 {
			off = p.flq[p.flqHead]
			p.flqHead = (p.flqHead + 1) % len(p.flq)
			p.flqLen--
			p.inq[off>>6] &^= 1 << (off & 63)
			if !p.isUsed(off) {
				// Kea moves the picked address to the end of the queue;
				// it leaves the queue when its lease is added.
				p.enqueue(off)
				return off, false, true
			}
		}
	case allocRandom:
		n := p.count()
		for range 8 {
			o := uint32(p.rng.Uint64N(n))
			if !p.isUsed(o) {
				return o, false, true
			}
		}
		if o, ok := p.nextFree(uint32(p.rng.Uint64N(n))); ok {
			return o, false, true
		}
	default:
		from := uint32(0)
		if p.started {
			from = p.cursor + 1
			if uint64(from) >= p.count() {
				from = 0
			}
		}
		if o, ok := p.nextFree(from); ok {
			p.cursor, p.started = o, true
			return o, false, true
		}
	}
	return 0, false, false
}

// live reports whether a lease keeps its address from the allocators: an
// assigned (not released) or declined lease, expired or not.
func live(l *lease.Lease4) bool {
	if l == nil {
		return false
	}
	switch l.State {
	case lease.StateDefault:
		return l.ValidLifetime != 0 // valid 0: released with lease affinity
	case lease.StateDeclined:
		return true
	}
	return false
}

func addrU32(a netip.Addr) uint32 {
	b := a.Unmap().As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u32Addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// poolIndex finds pools by address.
type poolIndex []*poolRef

type poolRef struct {
	state  *poolState
	pool   *config.Pool4
	subnet *config.Subnet4
}

// find returns the pool holding a (pools do not overlap).
func (ix poolIndex) find(a netip.Addr) *poolRef {
	if !a.Is4() && !a.Is4In6() {
		return nil
	}
	v := addrU32(a)
	lo, hi := 0, len(ix)
	for lo < hi {
		m := (lo + hi) / 2
		if ix[m].state.last < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(ix) && ix[lo].state.contains(v) {
		return ix[lo]
	}
	return nil
}
