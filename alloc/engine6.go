package alloc

import (
	"errors"
	"hash/maphash"
	"log/slog"
	"math/big"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

// ErrNoDUID is returned by the v6 engine when the context has no DUID.
var ErrNoDUID = errors.New("alloc: DUID must be defined")

// maxCandidates6 bounds the addresses or prefixes one allocation tries
// before giving up: DHCPv6 pools are often too large to walk.
const maxCandidates6 = 4096

// Engine6 is the DHCPv6 allocation engine (Kea's AllocEngine for IA_NA and
// IA_PD): it finds the client's leases by DUID, IAID and type, honours
// reservations and hints, picks free addresses and prefixes with the
// iterative allocator, extends, releases and declines leases, calls the
// lease6_* hook points and keeps the statistics. It is safe for concurrent
// use: the lease store is the authority (AddLease6 failing with
// lease.ErrExists makes the engine try another candidate) and an address
// being changed is held in a striped lock.
type Engine6 struct {
	store lease.Store6
	// shared is the store's conditional writes when several servers may
	// share it (SQL backends); nil for memfile.
	shared lease.SharedStore6
	hk     *hooks.Manager
	st     *stats.Registry
	log    *slog.Logger
	cur    atomic.Pointer[engine6Config]
	locks  addr6Locks

	// positions are the iterative allocators' next offsets per pool,
	// kept across reconfigurations for unchanged pools; queues the free
	// lease queues of FLQ pd-pools.
	posMu     sync.Mutex
	positions map[pool6Key]*atomic.Uint64
	queues    map[pool6Key]*poolState

	// Now returns the current time; tests replace it before use.
	Now func() time.Time
	// NameChangeRemove, when set, is called with a lease whose DNS entries
	// reclamation removes (fqdn flags set): the server queues the
	// NameChangeRequest. Set it before use.
	NameChangeRemove func(l *lease.Lease6)
}

type engine6Config struct {
	cfg       *config.Dhcp6
	hosts     host.Store6
	subnets   map[uint32]*subnet6Info
	probation uint32
	// hasFLQ is true when a pd-pool uses the free lease queue.
	hasFLQ bool
	// classes are the client classes that set lifetimes, by name.
	classes map[string]*config.ClientClass6
}

type subnet6Info struct {
	s *config.Subnet6
	// kindNA and kindPD are the allocators of addresses ("allocator")
	// and prefixes ("pd-allocator").
	kindNA, kindPD allocKind
	na, pd         []*pool6
	nextNA         atomic.Int32
	nextPD         atomic.Int32
	capNA          *big.Int
	capPD          *big.Int
}

// pool6Key names a pool by its range: first address (or prefix) and last.
type pool6Key struct {
	t           lease.Type
	first, last netip.Addr
	bits        int
}

// pool6 is an address pool or a pd-pool in the engine's form.
type pool6 struct {
	t lease.Type
	// first is the first address or delegated prefix; size the number of
	// candidates (capped at 2^64-1); bits the delegated length (128 for
	// addresses).
	first netip.Addr
	last  netip.Addr
	bits  int
	size  uint64
	guard string
	id    uint32
	pos   *atomic.Uint64
	// excluded is the pd-pool's excluded-prefix (invalid when none).
	excluded netip.Prefix
	// flq is the free lease queue of a pd-pool with pd-allocator flq.
	flq *poolState
}

// NewEngine6 returns an engine serving cfg with the lease store, the host
// reservations (nil: none), the hooks manager (nil: no hooks), the
// statistics registry (nil: none) and a logger (nil: slog.Default()).
func NewEngine6(cfg *config.Dhcp6, store lease.Store6, hosts host.Store6, hk *hooks.Manager, st *stats.Registry, logger *slog.Logger) *Engine6 {
	if logger == nil {
		logger = slog.Default()
	}
	e := &Engine6{store: store, hk: hk, st: st, log: logger, Now: time.Now, positions: map[pool6Key]*atomic.Uint64{},
		queues: map[pool6Key]*poolState{}}
	e.locks.seed = maphash.MakeSeed()
	e.shared, _ = store.(lease.SharedStore6)
	e.Reconfigure(cfg, hosts)
	store.Watch6(e.onChange6)
	return e
}

// Config returns the configuration in use.
func (e *Engine6) Config() *config.Dhcp6 { return e.cur.Load().cfg }

// Reconfigure switches the engine to a new configuration and host store.
func (e *Engine6) Reconfigure(cfg *config.Dhcp6, hosts host.Store6) {
	if cfg == nil {
		cfg = &config.Dhcp6{}
	}
	ec := &engine6Config{
		cfg: cfg, hosts: hosts,
		subnets:   make(map[uint32]*subnet6Info, len(cfg.AllSubnets)),
		probation: cfg.DeclineProbationPeriod.Or(config.DefaultDeclineProbation),
	}
	for _, cl := range cfg.ClientClasses {
		if cl.ValidLifetime.Set || cl.Preferred.Set {
			if ec.classes == nil {
				ec.classes = map[string]*config.ClientClass6{}
			}
			ec.classes[cl.Name] = cl
		}
	}
	e.posMu.Lock()
	keep := map[pool6Key]*atomic.Uint64{}
	keepQ := map[pool6Key]*poolState{}
	type fresh struct {
		id uint32
		p  *pool6
	}
	var load []fresh
	for _, s := range cfg.AllSubnets {
		si := &subnet6Info{s: s, capNA: new(big.Int), capPD: new(big.Int),
			kindNA: parseAllocKind(s.Eff.Allocator), kindPD: parseAllocKind(s.Eff.PDAllocator)}
		for _, p := range s.Pools {
			pl := &pool6{t: lease.TypeNA, first: p.First, last: p.Last, bits: 128, guard: p.ClientClass.V, id: p.PoolID.Or(0)}
			pl.size = rangeSize(p.First, p.Last, 128)
			si.capNA.Add(si.capNA, rangeBig(p.First, p.Last, 128))
			pl.pos = e.position(keep, pl)
			si.na = append(si.na, pl)
		}
		for _, p := range s.PDPools {
			last := p.Last()
			pl := &pool6{t: lease.TypePD, first: p.Prefix.Masked().Addr(), last: last.Addr(), bits: p.DelegatedLen, guard: p.ClientClass.V, id: p.PoolID.Or(0)}
			if p.ExcludedPrefix.Set {
				pl.excluded = p.ExcludedPrefix.V
			}
			pl.size = rangeSize(pl.first, pl.last, pl.bits)
			si.capPD.Add(si.capPD, rangeBig(pl.first, pl.last, pl.bits))
			pl.pos = e.position(keep, pl)
			if si.kindPD == allocFLQ {
				k := pool6Key{pl.t, pl.first, pl.last, pl.bits}
				if q := e.queues[k]; q != nil {
					pl.flq = q
				} else if pl.flq = newOffsetPool(pl.size); pl.flq != nil {
					load = append(load, fresh{s.ID, pl})
				}
				if pl.flq != nil {
					keepQ[k] = pl.flq
					ec.hasFLQ = true
				}
			}
			si.pd = append(si.pd, pl)
		}
		ec.subnets[s.ID] = si
	}
	e.positions = keep
	e.queues = keepQ
	e.posMu.Unlock()
	e.cur.Store(ec)
	// New queues are filled from the store once the configuration is in
	// use, so that Watch6 already tracks changes made meanwhile; until
	// then a queue may offer a busy prefix, which take refuses.
	for _, f := range load {
		e.loadFLQ(f.id, f.p)
	}
}

func (e *Engine6) position(keep map[pool6Key]*atomic.Uint64, p *pool6) *atomic.Uint64 {
	k := pool6Key{p.t, p.first, p.last, p.bits}
	pos := e.positions[k]
	if pos == nil {
		pos = new(atomic.Uint64)
	}
	keep[k] = pos
	return pos
}

// Capacity returns the number of addresses (TypeNA) or delegated prefixes
// (TypePD) in a subnet's pools: total-nas and total-pds.
func (e *Engine6) Capacity(subnetID uint32, t lease.Type) *big.Int {
	si := e.cur.Load().subnets[subnetID]
	if si == nil {
		return new(big.Int)
	}
	if t == lease.TypePD {
		return new(big.Int).Set(si.capPD)
	}
	return new(big.Int).Set(si.capNA)
}

// rangeBig is the number of bits-long prefixes from first to last.
func rangeBig(first, last netip.Addr, bits int) *big.Int {
	f, l := first.As16(), last.As16()
	n := new(big.Int).Sub(new(big.Int).SetBytes(l[:]), new(big.Int).SetBytes(f[:]))
	n.Rsh(n, uint(128-bits))
	return n.Add(n, big.NewInt(1))
}

// rangeSize is rangeBig capped at 2^64-1.
func rangeSize(first, last netip.Addr, bits int) uint64 {
	n := rangeBig(first, last, bits)
	if !n.IsUint64() {
		return ^uint64(0)
	}
	return n.Uint64()
}

// nth returns the i-th candidate of the pool (i < size).
func (p *pool6) nth(i uint64) netip.Addr {
	b := p.first.As16()
	// Add i << (128-bits) to the 128-bit address.
	shift := uint(128 - p.bits)
	var add [2]uint64 // hi, lo
	if shift < 64 {
		add[1] = i << shift
		if shift > 0 {
			add[0] = i >> (64 - shift)
		}
	} else {
		add[0] = i << (shift - 64)
	}
	hi := be64(b[:8])
	lo := be64(b[8:])
	nlo := lo + add[1]
	carry := uint64(0)
	if nlo < lo {
		carry = 1
	}
	hi += add[0] + carry
	put64(b[:8], hi)
	put64(b[8:], nlo)
	return netip.AddrFrom16(b)
}

func be64(b []byte) uint64 {
	var v uint64
	for _, x := range b[:8] {
		v = v<<8 | uint64(x)
	}
	return v
}

func put64(b []byte, v uint64) {
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// contains reports whether the address or prefix is one of the pool's.
func (p *pool6) contains(pr netip.Prefix) bool {
	if pr.Bits() != p.bits {
		return false
	}
	a := pr.Masked().Addr()
	return a.Compare(p.first) >= 0 && a.Compare(p.last) <= 0
}

// admits reports whether a client in classes may use the pool.
func (p *pool6) admits(has func(string) bool) bool { return p.guard == "" || has(p.guard) }

// pools returns the subnet's pools of a type.
func (si *subnet6Info) pools(t lease.Type) []*pool6 {
	if t == lease.TypePD {
		return si.pd
	}
	return si.na
}

// poolOf returns the pool of the subnet holding the resource, or nil.
func (si *subnet6Info) poolOf(t lease.Type, pr netip.Prefix) *pool6 {
	for _, p := range si.pools(t) {
		if p.contains(pr) {
			return p
		}
	}
	return nil
}

// FindReservations6 looks up the client's reservations in the context's
// subnet (and in every other subnet of its shared network, where the
// allocation may go) and globally, as the subnets' reservation flags
// allow. After an early global lookup (EarlyGlobalLookup) the global
// reservation is not looked up again (Kea's findReservation).
func (e *Engine6) FindReservations6(c *Context6) {
	ec := e.cur.Load()
	if ec.hosts == nil || c.Subnet == nil {
		return
	}
	if c.Hosts == nil {
		c.Hosts = map[uint32]*host.Host6{}
	}
	if c.EarlyGlobalLookup && !c.Subnet.Eff.ReservationsInSubnet {
		return
	}
	look := func(id uint32) {
		for _, hid := range c.HostIdentifiers {
			if h := ec.hosts.Get6(id, hid.Type, hid.Value); h != nil {
				c.Hosts[id] = h
				return
			}
		}
	}
	if c.Subnet.Eff.ReservationsInSubnet {
		look(c.Subnet.ID)
	}
	if n := c.Subnet.Network; n != nil {
		for _, sn := range n.Subnets {
			if sn.ID != c.Subnet.ID && sn.Eff.ReservationsInSubnet {
				look(sn.ID)
			}
		}
	}
	if c.Subnet.Eff.ReservationsGlobal && !c.EarlyGlobalLookup {
		look(0)
	}
}

// FindGlobalReservation6 returns the client's global reservation (the
// first of c.HostIdentifiers that has one), or nil: the server calls it
// before subnet selection for early-global-reservations-lookup (Kea's
// findGlobalReservation).
func (e *Engine6) FindGlobalReservation6(c *Context6) *host.Host6 {
	ec := e.cur.Load()
	if ec.hosts == nil {
		return nil
	}
	for _, hid := range c.HostIdentifiers {
		if h := ec.hosts.Get6(0, hid.Type, hid.Value); h != nil {
			return h
		}
	}
	return nil
}

func (e *Engine6) stat(name string, d int64) {
	if e.st != nil {
		_ = e.st.AddInt(name, d)
	}
}

// typeStat is the statistic name of a lease type: "nas" or "pds".
func typeStat(t lease.Type, na, pd string) string {
	if t == lease.TypePD {
		return pd
	}
	return na
}

// countAssigned moves subnet[id].assigned-nas/pds (and the pool's) by d;
// cumulative counts the allocation in cumulative-assigned-nas/pds too.
func (e *Engine6) countAssigned(ec *engine6Config, l *lease.Lease6, d int64, cumulative bool) {
	name := typeStat(l.Type, "assigned-nas", "assigned-pds")
	e.stat(subnetStat(l.SubnetID, name), d)
	si := ec.subnets[l.SubnetID]
	var p *pool6
	if si != nil {
		p = si.poolOf(l.Type, leasePrefix(l))
	}
	if p != nil {
		e.stat(pool6Stat(l, p.id, name), d)
	}
	if cumulative {
		cname := typeStat(l.Type, "cumulative-assigned-nas", "cumulative-assigned-pds")
		e.stat(subnetStat(l.SubnetID, cname), 1)
		e.stat(cname, 1)
		if p != nil {
			e.stat(pool6Stat(l, p.id, cname), 1)
		}
	}
}

func pool6Stat(l *lease.Lease6, pid uint32, name string) string {
	if l.Type == lease.TypePD {
		return subnetStat(l.SubnetID, "pd-pool["+strconv.FormatUint(uint64(pid), 10)+"]."+name)
	}
	return poolStat(l.SubnetID, pid, name)
}

// addr6Locks serialises the changes of one address or prefix (Kea's
// ResourceHandler) over a fixed set of striped mutexes.
type addr6Locks struct {
	seed    maphash.Seed
	stripes [1024]sync.Mutex
}

func (a *addr6Locks) stripe(addr netip.Addr) *sync.Mutex {
	b := addr.As16()
	return &a.stripes[maphash.Bytes(a.seed, b[:])&1023]
}

// update writes l, read from the store as old; on a shared store only
// while the stored lease still expires when old does (Kea's UPDATE ...
// WHERE address = ? AND expire = ?), lease.ErrNotFound otherwise.
func (e *Engine6) update(l, old *lease.Lease6) error {
	if e.shared != nil {
		return e.shared.UpdateLease6Cond(l, old)
	}
	return e.store.UpdateLease6(l)
}

// delete removes old, read from the store; on a shared store only while it
// is unchanged (lease.ErrNotFound otherwise).
func (e *Engine6) delete(old *lease.Lease6) error {
	if e.shared != nil {
		return e.shared.DeleteLease6Cond(old)
	}
	return e.store.DeleteLease6(old.Addr)
}
