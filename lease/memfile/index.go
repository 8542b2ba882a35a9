package memfile

import (
	"slices"
	"sync"
)

// multiIndex maps a secondary key (hardware address, client identifier,
// DUID+IAID+type) to the addresses of the leases carrying it.
type multiIndex struct {
	shards [nShards]struct {
		mu sync.RWMutex
		m  map[string][]addrKey
		_  [40]byte // keep shards on separate cache lines
	}
}

func newMultiIndex() *multiIndex {
	ix := &multiIndex{}
	for i := range ix.shards {
		ix.shards[i].m = make(map[string][]addrKey)
	}
	return ix
}

func (ix *multiIndex) add(key string, a addrKey) {
	sh := &ix.shards[strShard(key)]
	sh.mu.Lock()
	sh.m[key] = append(sh.m[key], a)
	sh.mu.Unlock()
}

func (ix *multiIndex) remove(key string, a addrKey) {
	sh := &ix.shards[strShard(key)]
	sh.mu.Lock()
	list := sh.m[key]
	if i := slices.Index(list, a); i >= 0 {
		if len(list) == 1 {
			delete(sh.m, key)
		} else {
			list[i] = list[len(list)-1]
			sh.m[key] = list[:len(list)-1]
		}
	}
	sh.mu.Unlock()
}

// get returns a copy of the addresses filed under key.
func (ix *multiIndex) get(key string) []addrKey {
	sh := &ix.shards[strShard(key)]
	sh.mu.RLock()
	out := slices.Clone(sh.m[key])
	sh.mu.RUnlock()
	return out
}
