package memfile

import (
	"hash/maphash"
	"math/bits"
	"sync"
)

// multiIndex maps a secondary key (hardware address, client identifier,
// DUID+IAID+type) to the addresses of the leases carrying it. Keys are
// filed by a 64-bit hash, not by their bytes: no copy of the key is kept.
// Two keys sharing a hash share entries; readers re-check the key on
// every lease they read, so that is harmless. Each shard is a flat
// open-addressing table of (hash, address) pairs: no pointers for the
// garbage collector to follow and no allocation per entry.
type multiIndex struct {
	shards [nShards]struct {
		mu sync.RWMutex
		t  flatIndex
		_  [32]byte // keep shards on separate cache lines
	}
}

// indexEntry is one (key hash, address) pair; h == 0 marks a free slot.
type indexEntry struct {
	h uint64
	a addrKey
}

// flatIndex is a multimap from hash to address with linear probing.
type flatIndex struct {
	slots []indexEntry
	n     int
}

func newMultiIndex() *multiIndex { return &multiIndex{} }

// keyHash hashes an index key; never 0, the free-slot mark.
func keyHash(key []byte) uint64 { return maphash.Bytes(seed, key) | 1 }

func hashShard(h uint64) int { return int(h >> (64 - shardBits)) }

// home is the slot where probing for h starts.
func (f *flatIndex) home(h uint64) int {
	hi, _ := bits.Mul64(h<<shardBits, uint64(len(f.slots)))
	return int(hi)
}

func (f *flatIndex) next(i int) int {
	if i++; i == len(f.slots) {
		return 0
	}
	return i
}

// put adds the pair (h, a).
func (f *flatIndex) put(h uint64, a addrKey) {
	if (f.n+1)*4 > len(f.slots)*3 {
		f.resize(max(16, 2*len(f.slots)))
	}
	i := f.home(h)
	for f.slots[i].h != 0 {
		i = f.next(i)
	}
	f.slots[i] = indexEntry{h, a}
	f.n++
}

func (f *flatIndex) resize(size int) {
	old := f.slots
	f.slots = make([]indexEntry, size)
	f.n = 0
	for _, e := range old {
		if e.h != 0 {
			f.put(e.h, e.a)
		}
	}
}

// delete removes the pair (h, a) if present, shifting the entries after
// it back so that no probe sequence is broken.
func (f *flatIndex) delete(h uint64, a addrKey) {
	if len(f.slots) == 0 {
		return
	}
	i := f.home(h)
	for ; f.slots[i] != (indexEntry{h, a}); i = f.next(i) {
		if f.slots[i].h == 0 {
			return
		}
	}
	for j := f.next(i); f.slots[j].h != 0; j = f.next(j) {
		k := f.home(f.slots[j].h)
		// Move slot j to the hole at i unless its home lies cyclically
		// in (i, j].
		if (i < j && (k <= i || k > j)) || (i > j && k <= i && k > j) {
			f.slots[i] = f.slots[j]
			i = j
		}
	}
	f.slots[i] = indexEntry{}
	f.n--
}

// get appends the addresses filed under h to dst.
func (f *flatIndex) get(dst []addrKey, h uint64) []addrKey {
	if len(f.slots) == 0 {
		return dst
	}
	for i := f.home(h); f.slots[i].h != 0; i = f.next(i) {
		if f.slots[i].h == h {
			dst = append(dst, f.slots[i].a)
		}
	}
	return dst
}

func (ix *multiIndex) add(key []byte, a addrKey) {
	h := keyHash(key)
	sh := &ix.shards[hashShard(h)]
	sh.mu.Lock()
	sh.t.put(h, a)
	sh.mu.Unlock()
}

func (ix *multiIndex) remove(key []byte, a addrKey) {
	h := keyHash(key)
	sh := &ix.shards[hashShard(h)]
	sh.mu.Lock()
	sh.t.delete(h, a)
	sh.mu.Unlock()
}

// get appends the addresses filed under key (and any key of the same
// hash) to dst.
func (ix *multiIndex) get(dst []addrKey, key []byte) []addrKey {
	h := keyHash(key)
	sh := &ix.shards[hashShard(h)]
	sh.mu.RLock()
	dst = sh.t.get(dst, h)
	sh.mu.RUnlock()
	return dst
}

// build fills shard i, which must be empty and unshared, from entries,
// sized for what they hold.
func (ix *multiIndex) build(i int, entries []indexEntry) {
	f := &ix.shards[i].t
	f.slots = make([]indexEntry, max(16, len(entries)*3/2))
	for _, e := range entries {
		f.put(e.h, e.a)
	}
}
