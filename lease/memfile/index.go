package memfile

import "sync"

// multiIndex maps a secondary key (hardware address, client identifier,
// DUID+IAID+type) to the addresses of the leases carrying it.
type multiIndex struct {
	shards [nShards]struct {
		mu sync.RWMutex
		m  map[string]addrList
		_  [40]byte // keep shards on separate cache lines
	}
}

// addrList holds the addresses under one key: nearly always one, kept
// inline so that the common case costs no extra allocation.
type addrList struct {
	one  addrKey
	more []addrKey
}

func newMultiIndex(sizeHint int) *multiIndex {
	ix := &multiIndex{}
	for i := range ix.shards {
		ix.shards[i].m = make(map[string]addrList, sizeHint/nShards)
	}
	return ix
}

func (ix *multiIndex) add(key []byte, a addrKey) {
	sh := &ix.shards[bytesShard(key)]
	sh.mu.Lock()
	if l, ok := sh.m[string(key)]; ok {
		l.more = append(l.more, a)
		sh.m[string(key)] = l
	} else {
		sh.m[string(key)] = addrList{one: a}
	}
	sh.mu.Unlock()
}

func (ix *multiIndex) remove(key []byte, a addrKey) {
	sh := &ix.shards[bytesShard(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	l, ok := sh.m[string(key)]
	if !ok {
		return
	}
	last := len(l.more) - 1
	switch {
	case l.one == a && last < 0:
		delete(sh.m, string(key))
		return
	case l.one == a:
		l.one, l.more = l.more[last], l.more[:last]
	default:
		for i, x := range l.more {
			if x == a {
				l.more[i] = l.more[last]
				l.more = l.more[:last]
				break
			}
		}
	}
	if len(l.more) == 0 {
		l.more = nil
	}
	sh.m[string(key)] = l
}

// get returns the addresses filed under key.
func (ix *multiIndex) get(key []byte) []addrKey {
	sh := &ix.shards[bytesShard(key)]
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	l, ok := sh.m[string(key)]
	if !ok {
		return nil
	}
	return append([]addrKey{l.one}, l.more...)
}
