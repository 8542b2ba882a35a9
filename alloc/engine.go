package alloc

import (
	"cmp"
	"errors"
	"hash/maphash"
	"log/slog"
	"net/netip"
	"slices"
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

// ErrNoSubnet is returned by Allocate4 when the context has no subnet the
// client may use.
var ErrNoSubnet = errors.New("alloc: can't allocate IPv4 address without subnet")

// ErrNoHWAddr is returned by Allocate4 when the context has no hardware
// address.
var ErrNoHWAddr = errors.New("alloc: HWAddr must be defined")

// Engine4 is the DHCPv4 allocation engine. Make one with NewEngine4 and
// switch it to each new configuration with Reconfigure, so that allocator
// state (iterative positions, free lease queues, occupancy bitmaps)
// survives. It is safe for concurrent use.
type Engine4 struct {
	store lease.Store4
	// shared is the store's conditional writes when several servers may
	// share it (SQL backends); nil for memfile.
	shared lease.SharedStore4
	// clients reads a client's leases in one round trip (SQL stores).
	clients lease.ClientLeaser4
	hk      *hooks.Manager
	st      *stats.Registry
	log     *slog.Logger
	cancel  func()

	cur atomic.Pointer[engineConfig]

	// states holds the pool states by range; guarded by statesMu, which
	// only reconfiguration takes.
	statesMu sync.Mutex
	states   map[[2]uint32]*poolState

	locks addrLocks

	// Now returns the current time; tests replace it before use.
	Now func() time.Time
	// NameChangeRemove, when set, is called with a lease whose DNS entries
	// reclamation removes (fqdn flags set): the server queues the
	// NameChangeRequest. Set it before use.
	NameChangeRemove func(l *lease.Lease4)
}

// engineConfig is everything derived from one configuration.
type engineConfig struct {
	cfg       *config.Dhcp4
	hosts     host.Store4
	subnets   map[uint32]*subnetInfo
	pools     poolIndex
	networks  map[*config.SharedNetwork4]*networkInfo
	probation uint32
	unique    bool
	exclude24 bool
	elp       config.ExpiredLeasesProcessing
	// lftClasses are the classes that set a lifetime (valid, min, max or
	// offer), by name: the only ones the lifetime rules look up, once per
	// class of the packet (a scan of every class, by name, was a fifth of
	// a DORA's CPU with 20 classes).
	lftClasses map[string]*config.ClientClass4
}

type subnetInfo struct {
	s     *config.Subnet4
	pools []*poolRef
	kind  allocKind
	net   *networkInfo
	// nextPool is the pool the iterative allocator continues from.
	nextPool atomic.Int32
	// capacity is the number of addresses in the subnet's pools.
	capacity uint64
}

type networkInfo struct {
	n       *config.SharedNetwork4
	subnets []*subnetInfo
	// preferred is the id of the subnet that allocated last (Kea's
	// getPreferredSubnet).
	preferred atomic.Uint32
}

// NewEngine4 returns an engine serving cfg with the lease store, the host
// reservations (nil: none), the hooks manager (nil: no hooks), the
// statistics registry (nil: none) and a logger (nil: slog.Default()).
// The engine follows the store's changes until Close.
func NewEngine4(cfg *config.Dhcp4, store lease.Store4, hosts host.Store4, hk *hooks.Manager, st *stats.Registry, logger *slog.Logger) *Engine4 {
	if logger == nil {
		logger = slog.Default()
	}
	e := &Engine4{store: store, hk: hk, st: st, log: logger, states: make(map[[2]uint32]*poolState), Now: time.Now}
	e.locks.seed = maphash.MakeSeed()
	e.shared, _ = store.(lease.SharedStore4)
	e.clients, _ = store.(lease.ClientLeaser4)
	// Follow the store before loading pools so that no change is missed.
	// onChange only reads the lease: watch without copies when the store
	// can.
	if vw, ok := store.(lease.ViewWatcher4); ok {
		e.cancel = vw.WatchView4(e.onChange)
	} else {
		e.cancel = store.Watch4(e.onChange)
	}
	e.Reconfigure(cfg, hosts)
	return e
}

// Close stops following the lease store.
func (e *Engine4) Close() {
	if e.cancel != nil {
		e.cancel()
	}
}

// Config returns the configuration in use.
func (e *Engine4) Config() *config.Dhcp4 { return e.cur.Load().cfg }

// Reconfigure switches the engine to a new configuration and host store.
// Pools whose address range is unchanged keep their state; new pools are
// loaded from the lease store (only the leases within their range are
// read). Queries in progress finish with the configuration they started
// with.
func (e *Engine4) Reconfigure(cfg *config.Dhcp4, hosts host.Store4) {
	if cfg == nil {
		cfg = &config.Dhcp4{}
	}
	ec := &engineConfig{
		cfg:       cfg,
		hosts:     hosts,
		subnets:   make(map[uint32]*subnetInfo, len(cfg.AllSubnets)),
		networks:  make(map[*config.SharedNetwork4]*networkInfo),
		probation: cfg.DeclineProbationPeriod.Or(config.DefaultDeclineProbation),
		unique:    cfg.IPReservationsUnique.Or(true),
		exclude24: cfg.Compatibility.ExcludeFirstLast24.Or(false),
		elp:       cfg.ExpiredLeasesProcessing,
	}
	for _, c := range cfg.ClientClasses {
		if c.ValidLifetime.Set || c.MinValid.Set || c.MaxValid.Set || c.OfferLifetime.Set {
			if ec.lftClasses == nil {
				ec.lftClasses = map[string]*config.ClientClass4{}
			}
			if _, dup := ec.lftClasses[c.Name]; !dup { // the first of a name, as ClientClass
				ec.lftClasses[c.Name] = c
			}
		}
	}
	e.statesMu.Lock()
	keep := make(map[[2]uint32]*poolState)
	var fresh []*poolState
	for _, s := range cfg.AllSubnets {
		si := &subnetInfo{s: s, kind: parseAllocKind(s.Eff.Allocator)}
		for _, p := range s.Pools {
			k := [2]uint32{addrU32(p.First), addrU32(p.Last)}
			ps := keep[k]
			if ps == nil {
				ps = e.states[k]
				if ps == nil {
					ps = newPoolState(p.First, p.Last)
					fresh = append(fresh, ps)
				}
				keep[k] = ps
			}
			ref := &poolRef{state: ps, pool: p, subnet: s}
			si.pools = append(si.pools, ref)
			ec.pools = append(ec.pools, ref)
			si.capacity += ps.count()
		}
		ec.subnets[s.ID] = si
		if s.Network != nil {
			ni := ec.networks[s.Network]
			if ni == nil {
				ni = &networkInfo{n: s.Network}
				ec.networks[s.Network] = ni
			}
			si.net = ni
		}
	}
	for _, n := range cfg.SharedNetworks {
		ni := ec.networks[n]
		if ni == nil {
			continue
		}
		for _, s := range n.Subnets {
			if si := ec.subnets[s.ID]; si != nil {
				ni.subnets = append(ni.subnets, si)
			}
		}
	}
	// Kea rebuilds the free lease queues at every configuration.
	for _, ps := range keep {
		ps.mu.Lock()
		ps.flqBuilt, ps.flq, ps.inq = false, nil, nil
		ps.mu.Unlock()
	}
	e.states = keep
	slices.SortFunc(ec.pools, func(a, b *poolRef) int { return cmp.Compare(a.state.first, b.state.first) })
	e.cur.Store(ec)
	e.statesMu.Unlock()
	for _, ps := range fresh {
		e.loadPool(ps)
	}
}

// loadPool marks the addresses of a new pool that have live leases.
func (e *Engine4) loadPool(ps *poolState) {
	if ps.used == nil {
		return
	}
	if v, ok := e.store.(lease.RangeVisitor4); ok {
		ps.mu.Lock()
		v.VisitRange4(u32Addr(ps.first), u32Addr(ps.last), func(l *lease.Lease4) {
			ps.mark(addrU32(l.Addr)-ps.first, live(l))
		})
		ps.mu.Unlock()
		return
	}
	after := u32Addr(ps.first - 1)
	if ps.first == 0 {
		after = netip.AddrFrom4([4]byte{})
	}
	for {
		page, err := e.store.Leases4Page(after, 1024)
		if err != nil {
			e.log.Error("cannot read leases for a new pool", "msgid", "ALLOC_ENGINE_V4_ALLOC_ERROR", "error", err)
			return
		}
		done := len(page) < 1024
		ps.mu.Lock()
		for _, l := range page {
			v := addrU32(l.Addr)
			if v > ps.last {
				done = true
				break
			}
			if v >= ps.first {
				ps.mark(v-ps.first, live(l))
			}
		}
		ps.mu.Unlock()
		if done || len(page) == 0 {
			return
		}
		after = page[len(page)-1].Addr
		if addrU32(after) >= ps.last {
			return
		}
	}
}

// resyncFull reads again from a shared store the bitmaps of the subnet's
// pools that look full, at most once a second per pool: the bitmaps follow
// only this server's writes, and another server sharing the database may
// have released or reclaimed addresses this one still sees as used.
func (e *Engine4) resyncFull(si *subnetInfo, now int64) {
	for _, r := range si.pools {
		ps := r.state
		ps.mu.Lock()
		full := ps.used != nil && uint64(ps.nused) >= ps.count() && ps.synced != now
		if full {
			ps.synced = now
		}
		ps.mu.Unlock()
		if full {
			e.reloadPool(ps)
		}
	}
}

// reloadPool replaces the bitmap of a pool with what the store holds.
func (e *Engine4) reloadPool(ps *poolState) {
	used := make([]uint64, len(ps.used))
	var nused uint32
	after := u32Addr(ps.first - 1)
	if ps.first == 0 {
		after = netip.AddrFrom4([4]byte{})
	}
	v, visit := e.store.(lease.RangeVisitor4)
	if visit {
		v.VisitRange4(u32Addr(ps.first), u32Addr(ps.last), func(l *lease.Lease4) {
			if live(l) {
				off := addrU32(l.Addr) - ps.first
				if used[off>>6]&(1<<(off&63)) == 0 {
					used[off>>6] |= 1 << (off & 63)
					nused++
				}
			}
		})
	}
	for !visit {
		page, err := e.store.Leases4Page(after, 1024)
		if err != nil {
			e.log.Error("cannot read leases for a pool", "msgid", "ALLOC_ENGINE_V4_ALLOC_ERROR", "error", err)
			return
		}
		done := len(page) < 1024
		for _, l := range page {
			v := addrU32(l.Addr)
			if v > ps.last {
				done = true
				break
			}
			if v >= ps.first && live(l) {
				off := v - ps.first
				if used[off>>6]&(1<<(off&63)) == 0 {
					used[off>>6] |= 1 << (off & 63)
					nused++
				}
			}
		}
		if done || len(page) == 0 || addrU32(page[len(page)-1].Addr) >= ps.last {
			break
		}
		after = page[len(page)-1].Addr
	}
	ps.mu.Lock()
	ps.used, ps.nused = used, nused
	ps.flqBuilt, ps.flq, ps.inq = false, nil, nil
	ps.mu.Unlock()
}

// onChange keeps the pool bitmaps in step with the store.
func (e *Engine4) onChange(c lease.Change4) {
	ec := e.cur.Load()
	if ec == nil {
		return
	}
	var l *lease.Lease4
	switch c.Kind {
	case lease.Added, lease.Updated:
		l = c.New
	case lease.Deleted:
		l = c.Old
	}
	if l == nil {
		return
	}
	e.markAddr(ec, l.Addr, c.Kind != lease.Deleted && live(l))
}

func (e *Engine4) markAddr(ec *engineConfig, a netip.Addr, busy bool) {
	ref := ec.pools.find(a)
	if ref == nil {
		return
	}
	ps := ref.state
	ps.mu.Lock()
	ps.mark(addrU32(a)-ps.first, busy)
	ps.mu.Unlock()
}

func (e *Engine4) now() int64 { return e.Now().Unix() }

// update writes l, read from the store as old. On a shared store the write
// happens only while the stored lease still expires when old does (Kea's
// UPDATE ... WHERE address = ? AND expire = ?), so that a lease another
// server changed meanwhile is not overwritten: lease.ErrNotFound then.
func (e *Engine4) update(l, old *lease.Lease4) error {
	if e.shared != nil {
		return e.shared.UpdateLease4Cond(l, old)
	}
	return e.store.UpdateLease4(l)
}

// remove deletes old, read from the store; on a shared store only while it
// is unchanged (lease.ErrNotFound otherwise).
func (e *Engine4) remove(old *lease.Lease4) error {
	if e.shared != nil {
		return e.shared.DeleteLease4Cond(old)
	}
	return e.store.DeleteLease4(old.Addr)
}

// changedErr is Kea's NoSuchLease text for a lease another server changed
// or deleted between the read and the write.
func changedErr(a netip.Addr) error {
	return errors.New("unable to update lease for address " + a.String() + " as it does not exist")
}

// addrLocks is a striped set of locks: an address is held while the engine
// checks and writes its lease (Kea's ResourceHandler4). A goroutine never
// holds two stripes at once.
type addrLocks struct {
	seed    maphash.Seed
	stripes [1024]sync.Mutex
}

func (a *addrLocks) stripe(addr netip.Addr) *sync.Mutex {
	b := addr.Unmap().As4()
	return &a.stripes[maphash.Bytes(a.seed, b[:])&1023]
}

// Statistics.

func (e *Engine4) stat(name string, d int64) {
	if e.st != nil {
		_ = e.st.AddInt(name, d)
	}
}

// subnetStat returns "subnet[ID].name".
func subnetStat(id uint32, name string) string {
	return statNames.get(statKey{subnet: id, name: name})
}

// poolStat returns "subnet[ID].pool[PID].name".
func poolStat(id, pid uint32, name string) string {
	return statNames.get(statKey{subnet: id, pool: pid, pooled: true, name: name})
}

// statNames interns the per-subnet and per-pool statistic names, which
// the allocation path would otherwise build (and allocate) for every
// packet.
var statNames = &statNameCache{m: map[statKey]string{}}

type statKey struct {
	subnet, pool uint32
	pooled       bool
	name         string
}

type statNameCache struct {
	mu sync.RWMutex
	m  map[statKey]string
}

// statNameCacheMax bounds the cache (names past it are built every time).
const statNameCacheMax = 1 << 16

func (c *statNameCache) get(k statKey) string {
	c.mu.RLock()
	s, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = "subnet[" + strconv.FormatUint(uint64(k.subnet), 10) + "]."
	if k.pooled {
		s += "pool[" + strconv.FormatUint(uint64(k.pool), 10) + "]."
	}
	s += k.name
	c.mu.Lock()
	if len(c.m) < statNameCacheMax {
		c.m[k] = s
	}
	c.mu.Unlock()
	return s
}

// poolOf returns the pool of a subnet holding addr (class guards ignored),
// or nil.
func (ec *engineConfig) poolOf(subnetID uint32, addr netip.Addr) *poolRef {
	ref := ec.pools.find(addr)
	if ref == nil || ref.subnet.ID != subnetID {
		return nil
	}
	return ref
}

// subnetPoolStat adds d to a subnet statistic and to the same statistic of
// the pool holding addr (pool-level statistics, Kea 2.6).
func (e *Engine4) subnetPoolStat(ec *engineConfig, subnetID uint32, addr netip.Addr, name string, d int64) {
	e.stat(subnetStat(subnetID, name), d)
	if ref := ec.poolOf(subnetID, addr); ref != nil {
		e.stat(poolStat(subnetID, ref.pool.PoolID.Or(0), name), d)
	}
}

// poolID returns the pool-id of the pool of a subnet holding addr (0).
func (ec *engineConfig) poolID(subnetID uint32, addr netip.Addr) uint32 {
	if ref := ec.poolOf(subnetID, addr); ref != nil {
		return ref.pool.PoolID.Or(0)
	}
	return 0
}
