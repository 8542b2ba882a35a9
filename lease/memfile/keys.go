package memfile

import (
	"encoding/binary"
	"hash/maphash"
	"net/netip"
)

// addrKey is an address as a 128-bit number, IPv4 in the low 32 bits.
type addrKey struct{ hi, lo uint64 }

func keyOf(a netip.Addr) addrKey {
	if a.Is4() {
		b := a.As4()
		return addrKey{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return addrKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (k addrKey) less(o addrKey) bool { return k.hi < o.hi || (k.hi == o.hi && k.lo < o.lo) }

// expKey orders leases by expiration time, then address.
type expKey struct {
	expire int64
	addr   addrKey
}

func (k expKey) less(o expKey) bool {
	return k.expire < o.expire || (k.expire == o.expire && k.addr.less(o.addr))
}

var seed = maphash.MakeSeed()

func (k addrKey) shard() int {
	// Fibonacci hashing spreads consecutive addresses over all shards.
	return int(((k.lo ^ k.hi*0x9e3779b97f4a7c15) * 0x9e3779b97f4a7c15) >> (64 - shardBits))
}

const (
	shardBits = 6
	nShards   = 1 << shardBits
)
