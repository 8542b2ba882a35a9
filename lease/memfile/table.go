package memfile

import (
	"bytes"
	"net/netip"
	"runtime"
	"slices"
	"sync"

	"github.com/nestordhcp/nestor/lease"
)

// keyRoom is the room kept for an index key built from a lease (type,
// IAID and a DUID of up to 59 octets; longer ones are built anew).
const keyRoom = 64

// ops tells the generic table how to read a lease type.
type ops[L any] struct {
	addr   func(*L) netip.Addr
	expire func(*L) int64
	state  func(*L) lease.State
	clone  func(*L) *L
	// keys[i] appends the key of secondary index i to dst (or returns
	// a slice of the lease itself); empty for none.
	keys []func(dst []byte, l *L) []byte
}

type shard[L any] struct {
	mu    sync.RWMutex
	m     map[addrKey]*L
	order sortedSet[addrKey] // every lease, by address
	exp   sortedSet[expKey]  // leases not expired-reclaimed, by expiry
	rexp  sortedSet[expKey]  // expired-reclaimed leases, by expiry
	// kb1 and kb2 are room for index keys built while the write lock is
	// held (the key functions are called indirectly: a stack buffer
	// would escape).
	kb1, kb2 []byte
}

// table is the in-memory lease database for one lease type. Stored leases
// are never modified: a change replaces the pointer, so a lease read under
// a shard's read lock can be cloned safely.
type table[L any] struct {
	ops    ops[L]
	shards [nShards]shard[L]
	idx    []*multiIndex
}

func newTable[L any](o ops[L]) *table[L] {
	t := &table[L]{ops: o}
	t.presize(0)
	return t
}

// presize makes the empty table's maps ready for about n leases, so that
// loading a big lease file does not rehash them again and again.
func (t *table[L]) presize(n int) {
	for i := range t.shards {
		t.shards[i].m = make(map[addrKey]*L, n/nShards)
		if t.shards[i].kb1 == nil {
			t.shards[i].kb1 = make([]byte, 0, keyRoom)
			t.shards[i].kb2 = make([]byte, 0, keyRoom)
		}
	}
	t.idx = t.idx[:0]
	for range t.ops.keys {
		t.idx = append(t.idx, newMultiIndex()) // made at their size by build
	}
}

func (t *table[L]) expKey(l *L) expKey {
	return expKey{t.ops.expire(l), keyOf(t.ops.addr(l))}
}

func (t *table[L]) reclaimed(l *L) bool {
	return t.ops.state(l) == lease.StateExpiredReclaimed
}

// change runs fn on the lease at a (nil if none) under the shard's write
// lock. fn returns the lease to store (nil: remove) after doing whatever
// must happen first (the file write); an error leaves memory unchanged.
// change returns the previous and the stored lease.
func (t *table[L]) change(a addrKey, fn func(old *L) (*L, error)) (old, nw *L, err error) {
	sh := &t.shards[a.shard()]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	old = sh.m[a]
	if nw, err = fn(old); err != nil {
		return nil, nil, err
	}
	if old != nil {
		t.unlink(sh, a, old, nw)
	}
	if nw != nil {
		sh.m[a] = nw
		t.link(sh, a, nw, old)
	} else if old != nil {
		delete(sh.m, a)
		sh.order.delete(a)
	}
	return old, nw, nil
}

// unlink removes old's entries from the expiry sets and from the indexes
// whose key nw does not share.
func (t *table[L]) unlink(sh *shard[L], a addrKey, old, nw *L) {
	ek := t.expKey(old)
	if t.reclaimed(old) {
		sh.rexp.delete(ek)
	} else {
		sh.exp.delete(ek)
	}
	for i, key := range t.ops.keys {
		k := key(sh.kb1[:0], old)
		if len(k) > 0 && (nw == nil || !bytes.Equal(key(sh.kb2[:0], nw), k)) {
			t.idx[i].remove(k, a)
		}
	}
}

// link files nw in the expiry sets and the indexes old was not already in.
func (t *table[L]) link(sh *shard[L], a addrKey, nw, old *L) {
	if old == nil {
		sh.order.insert(a)
	}
	ek := t.expKey(nw)
	if t.reclaimed(nw) {
		sh.rexp.insert(ek)
	} else {
		sh.exp.insert(ek)
	}
	for i, key := range t.ops.keys {
		k := key(sh.kb1[:0], nw)
		if len(k) > 0 && (old == nil || !bytes.Equal(key(sh.kb2[:0], old), k)) {
			t.idx[i].add(k, a)
		}
	}
}

// loadSet stores l at a (nil: removes the lease at a) while a lease file
// is loaded: the map alone, without locks, the sorted sets and indexes
// left for build. Only for a table nobody else uses yet.
func (t *table[L]) loadSet(a addrKey, l *L) {
	m := t.shards[a.shard()].m
	if l == nil {
		delete(m, a)
	} else {
		m[a] = l
	}
}

// build makes the sorted sets and the secondary indexes of the leases
// placed by loadSet, sorting each shard's keys once instead of inserting
// them one by one. The shards are built in parallel.
func (t *table[L]) build() {
	// found[i][x]: the (key hash, address) pairs of index x in shard i.
	found := make([][][]indexEntry, nShards)
	parallel(nShards, func(i int) { found[i] = t.buildShard(&t.shards[i]) })
	for x := range t.ops.keys {
		// Group the pairs by index shard (a counting sort), then make
		// each index shard at its size.
		var counts [nShards]int
		total := 0
		for i := range found {
			for _, e := range found[i][x] {
				counts[hashShard(e.h)]++
			}
			total += len(found[i][x])
		}
		grouped := make([]indexEntry, total)
		var next [nShards]int
		off := 0
		for j := range nShards {
			next[j] = off
			off += counts[j]
		}
		for i := range found {
			for _, e := range found[i][x] {
				j := hashShard(e.h)
				grouped[next[j]] = e
				next[j]++
			}
			found[i][x] = nil
		}
		parallel(nShards, func(j int) {
			t.idx[x].build(j, grouped[next[j]-counts[j]:next[j]])
		})
	}
}

// parallel runs fn(0) ... fn(n-1) on GOMAXPROCS goroutines.
func parallel(n int, fn func(int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range work {
				fn(i)
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// buildShard sorts a shard's keys into its sets and returns the
// secondary index pairs of its leases, one slice per index.
func (t *table[L]) buildShard(sh *shard[L]) [][]indexEntry {
	order := make([]addrKey, 0, len(sh.m))
	exp := make([]expKey, 0, len(sh.m))
	var rexp []expKey
	found := make([][]indexEntry, len(t.ops.keys)) // made when first needed
	kb := make([]byte, 0, keyRoom)
	for a, l := range sh.m {
		order = append(order, a)
		if t.reclaimed(l) {
			rexp = append(rexp, t.expKey(l))
		} else {
			exp = append(exp, t.expKey(l))
		}
		for x, key := range t.ops.keys {
			if k := key(kb[:0], l); len(k) > 0 {
				if found[x] == nil {
					found[x] = make([]indexEntry, 0, len(sh.m))
				}
				found[x] = append(found[x], indexEntry{keyHash(k), a})
			}
		}
	}
	slices.SortFunc(order, cmpAddr)
	cmpExp := func(x, y expKey) int {
		if x.less(y) {
			return -1
		}
		if y.less(x) {
			return 1
		}
		return 0
	}
	slices.SortFunc(exp, cmpExp)
	slices.SortFunc(rexp, cmpExp)
	if len(exp) < cap(exp)/2 {
		exp = slices.Clone(exp) // most are reclaimed: do not keep the room
	}
	sh.order.setSorted(order)
	sh.exp.setSorted(exp)
	sh.rexp.setSorted(rexp)
	return found
}

// get returns a copy of the lease at a, or nil.
func (t *table[L]) get(a addrKey) *L {
	sh := &t.shards[a.shard()]
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if l := sh.m[a]; l != nil {
		return t.ops.clone(l)
	}
	return nil
}

// byIndex returns copies of the leases filed under key in index i that
// pass keep (nil: all), in address order.
func (t *table[L]) byIndex(i int, key []byte, keep func(*L) bool) []*L {
	var buf [4]addrKey // a key names a lease or two, seldom more
	addrs := t.idx[i].get(buf[:0], key)
	slices.SortFunc(addrs, cmpAddr)
	var out []*L
	for _, a := range addrs {
		sh := &t.shards[a.shard()]
		sh.mu.RLock()
		if l := sh.m[a]; l != nil && bytes.Equal(t.ops.keys[i](nil, l), key) && (keep == nil || keep(l)) {
			out = append(out, t.ops.clone(l))
		}
		sh.mu.RUnlock()
	}
	return out
}

// scan returns copies of every lease passing keep (nil: all), in address order.
func (t *table[L]) scan(keep func(*L) bool) []*L {
	type item struct {
		a addrKey
		l *L
	}
	var items []item
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.RLock()
		for a, l := range sh.m {
			if keep == nil || keep(l) {
				items = append(items, item{a, t.ops.clone(l)})
			}
		}
		sh.mu.RUnlock()
	}
	slices.SortFunc(items, func(x, y item) int { return cmpAddr(x.a, y.a) })
	out := make([]*L, len(items))
	for i, it := range items {
		out[i] = it.l
	}
	return out
}

// visit calls fn for every stored lease under its shard's read lock; fn
// must not keep the pointer.
func (t *table[L]) visit(fn func(*L)) {
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.RLock()
		for _, l := range sh.m {
			fn(l)
		}
		sh.mu.RUnlock()
	}
}

// page returns up to limit leases with addresses after a, in order.
func (t *table[L]) page(after addrKey, limit int) []*L {
	keys := t.pageKeys(after, limit)
	out := make([]*L, 0, len(keys))
	for _, a := range keys {
		sh := &t.shards[a.shard()]
		sh.mu.RLock()
		if l := sh.m[a]; l != nil {
			out = append(out, t.ops.clone(l))
		}
		sh.mu.RUnlock()
	}
	return out
}

// pageKeys returns up to limit addresses after a, in order. The shards
// hold interleaved addresses, so it takes a few keys from each shard per
// round: every key up to the smallest last key of a shard that had more
// is in order and complete. (Taking limit keys from every shard would
// copy nShards times what is returned.)
func (t *table[L]) pageKeys(after addrKey, limit int) []addrKey {
	var out []addrKey
	per := limit/nShards*2 + 8
	first := true
	for len(out) < limit {
		var keys []addrKey
		var bound addrKey
		bounded := false
		for i := range t.shards {
			sh := &t.shards[i]
			sh.mu.RLock()
			n := 0
			sh.order.ascendAfter(after, false, func(a addrKey) bool {
				keys = append(keys, a)
				n++
				return n < per
			})
			sh.mu.RUnlock()
			if n == per {
				if last := keys[len(keys)-1]; !bounded || last.less(bound) {
					bound, bounded = last, true
				}
			}
		}
		slices.SortFunc(keys, cmpAddr)
		if bounded {
			// keys after bound may have smaller neighbours not yet taken
			n, _ := slices.BinarySearchFunc(keys, bound, cmpAddr)
			keys = keys[:n+1]
		}
		if first && len(keys) >= limit {
			return keys[:limit]
		}
		first = false
		out = append(out, keys...)
		if !bounded {
			break
		}
		after = bound
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// visitRange calls fn for every stored lease with an address in
// [first, last], shard by shard (not in address order), under the
// shard's read lock; fn must not keep or change the lease.
func (t *table[L]) visitRange(first, last addrKey, fn func(*L)) {
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.RLock()
		if n := sh.order.n; n > 0 {
			// ascendAfter excludes its start: begin before first
			start, all := first, first == (addrKey{})
			if !all {
				if start.lo == 0 {
					start.hi--
				}
				start.lo--
			}
			sh.order.ascendAfter(start, all, func(a addrKey) bool {
				if last.less(a) {
					return false
				}
				fn(sh.m[a])
				return true
			})
		}
		sh.mu.RUnlock()
	}
}

// expiredKeys returns up to max (0: all) keys of the chosen expiry set
// that expire before cutoff, earliest first.
func (t *table[L]) expiredKeys(reclaimed bool, cutoff int64, max int) []expKey {
	var keys []expKey
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.RLock()
		set := &sh.exp
		if reclaimed {
			set = &sh.rexp
		}
		n := 0
		set.ascendAfter(expKey{}, true, func(k expKey) bool {
			if k.expire >= cutoff {
				return false
			}
			keys = append(keys, k)
			n++
			return max == 0 || n < max
		})
		sh.mu.RUnlock()
	}
	slices.SortFunc(keys, func(x, y expKey) int {
		if x.less(y) {
			return -1
		}
		if y.less(x) {
			return 1
		}
		return 0
	})
	if max > 0 && len(keys) > max {
		keys = keys[:max]
	}
	return keys
}

func (t *table[L]) len() int {
	n := 0
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

func cmpAddr(x, y addrKey) int {
	if x.less(y) {
		return -1
	}
	if y.less(x) {
		return 1
	}
	return 0
}

// freeze holds every shard's write lock while fn runs with all leases in
// address order (not copies: fn must not keep or change them). Writers
// hold one shard at a time and take the file lock inside it, so taking
// the shards in order while holding nothing else cannot deadlock.
func (t *table[L]) freeze(fn func([]*L)) {
	for i := range t.shards {
		t.shards[i].mu.Lock()
	}
	defer func() {
		for i := range t.shards {
			t.shards[i].mu.Unlock()
		}
	}()
	// Sorted by the keys, not through the pointers: a million leases
	// read at random during the sort took seconds of cache misses.
	type item struct {
		a addrKey
		l *L
	}
	n := 0
	for i := range t.shards {
		n += len(t.shards[i].m)
	}
	items := make([]item, 0, n)
	for i := range t.shards {
		sh := &t.shards[i]
		sh.order.ascendAfter(addrKey{}, true, func(a addrKey) bool {
			items = append(items, item{a, sh.m[a]})
			return true
		})
	}
	slices.SortFunc(items, func(x, y item) int { return cmpAddr(x.a, y.a) })
	var all []*L
	if n > 0 {
		all = make([]*L, n)
	}
	for i, it := range items {
		all[i] = it.l
	}
	fn(all)
}
