package server6

import (
	"net/netip"
	"sort"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
)

// snapshot is a configuration compiled for the packet path, built once per
// (re)configuration and then only read.
type snapshot struct {
	cfg *config.Dhcp6
	// bySelOrder is the order subnet selection walks: by subnet id.
	bySelOrder []*subnet6
	byID       map[uint32]*subnet6
	hosts      *host.ConfigStore6
	hostOpts   sync.Map // *host.Host6 -> *optSet
	hostIDs    []host.IdentifierType
	global     *optSet
	classes    []*class6
	byName     map[string]*class6
	duid       []byte
	// earlyGlobal is early-global-reservations-lookup.
	earlyGlobal bool
}

type subnet6 struct {
	cfg      *config.Subnet6
	id       uint32
	prefix   netip.Prefix
	iface    string
	ifaceID  string
	relay    []netip.Addr
	guard    string
	netGuard string
	// opts are the subnet's own options, netOpts its shared network's.
	opts, netOpts *optSet
	pools         []*pool6
	// require is require-client-classes: the shared network's, then the
	// subnet's.
	require []string
}

type pool6 struct {
	t     lease.Type
	pfx   netip.Prefix // pd-pool prefix (TypePD)
	first netip.Addr   // address range (TypeNA)
	last  netip.Addr
	dlen  int
	opts  *optSet
	// exclude is the PD_EXCLUDE (67) payload of a pd-pool with an
	// excluded-prefix, nil without one.
	exclude []byte
	// require is the pool's require-client-classes.
	require []string
}

type class6 struct {
	cfg  *config.ClientClass6
	name string
	opts *optSet
	// dependsKnown: the test uses KNOWN or UNKNOWN, directly or through
	// member() of another such class; it is evaluated after the host
	// lookup.
	dependsKnown bool
}

// contains reports whether the pool holds the address or prefix.
func (p *pool6) contains(t lease.Type, pr netip.Prefix) bool {
	if p.t != t {
		return false
	}
	if t == lease.TypePD {
		return pr.Bits() == p.dlen && p.pfx.Contains(pr.Addr())
	}
	a := pr.Addr()
	return a.Compare(p.first) >= 0 && a.Compare(p.last) <= 0
}

func (s *subnet6) pool(t lease.Type, pr netip.Prefix) *pool6 {
	for _, p := range s.pools {
		if p.contains(t, pr) {
			return p
		}
	}
	return nil
}

// admits reports whether a query in classes may use the subnet.
func (s *subnet6) admits(has func(string) bool) bool {
	if s.netGuard != "" && !has(s.netGuard) {
		return false
	}
	return s.guard == "" || has(s.guard)
}

// inRange reports whether addr is in the subnet's prefix.
func (s *subnet6) inRange(a netip.Addr) bool { return s.prefix.Contains(a) }

func compile(cfg *config.Dhcp6) (*snapshot, error) {
	s := &snapshot{
		cfg:    cfg,
		byID:   make(map[uint32]*subnet6, len(cfg.AllSubnets)),
		global: newOptSet(cfg.Scope.OptionData),
		byName: map[string]*class6{},

		earlyGlobal: cfg.EarlyGlobalReservationsLookup.V,
	}
	ids, err := host.ParseIdentifiers6(cfg.HostReservationIdentifiers.V)
	if err != nil {
		return nil, err
	}
	s.hostIDs = ids
	// A class whose test depends on KNOWN or UNKNOWN, or on a class that
	// does, is evaluated after the host lookup (Kea's second
	// evaluateClasses pass).
	deferred := map[string]bool{"KNOWN": true, "UNKNOWN": true}
	for _, cc := range cfg.ClientClasses {
		c := &class6{cfg: cc, name: cc.Name, opts: newOptSet(cc.OptionData)}
		if cc.Expr != nil {
			for _, m := range cc.Expr.Members() {
				if deferred[m] {
					c.dependsKnown = true
				}
			}
		}
		if c.dependsKnown {
			deferred[c.name] = true
		}
		s.classes = append(s.classes, c)
		s.byName[c.name] = c
	}
	netOpts := map[*config.SharedNetwork6]*optSet{}
	for _, n := range cfg.SharedNetworks {
		netOpts[n] = newOptSet(n.OptionData)
	}
	for _, cs := range cfg.AllSubnets {
		sn := &subnet6{
			cfg: cs, id: cs.ID, prefix: cs.Prefix.Masked(),
			iface: cs.Eff.Interface, ifaceID: cs.Eff.InterfaceID,
			guard: cs.ClientClass.V, opts: newOptSet(cs.OptionData),
		}
		if cs.Network != nil {
			sn.netOpts = netOpts[cs.Network]
			sn.netGuard = cs.Network.ClientClass.V
			sn.require = append(sn.require, cs.Network.RequireClientClasses...)
		}
		sn.require = append(sn.require, cs.RequireClientClasses...)
		for _, r := range cs.Eff.Relay {
			if a, err := netip.ParseAddr(r); err == nil {
				sn.relay = append(sn.relay, a)
			}
		}
		for _, p := range cs.Pools {
			sn.pools = append(sn.pools, &pool6{t: lease.TypeNA, first: p.First, last: p.Last, opts: newOptSet(p.OptionData),
				require: p.RequireClientClasses})
		}
		for _, p := range cs.PDPools {
			pl := &pool6{t: lease.TypePD, pfx: p.Prefix.Masked(), dlen: p.DelegatedLen, opts: newOptSet(p.OptionData),
				require: p.RequireClientClasses}
			if p.ExcludedPrefix.Set {
				pl.exclude = pdExclude(p.ExcludedPrefix.V, p.DelegatedLen)
			}
			sn.pools = append(sn.pools, pl)
		}
		s.bySelOrder = append(s.bySelOrder, sn)
		s.byID[sn.id] = sn
	}
	sort.Slice(s.bySelOrder, func(i, j int) bool { return s.bySelOrder[i].id < s.bySelOrder[j].id })
	hs, err := host.FromConfig6(cfg)
	if err != nil {
		return nil, err
	}
	s.hosts = hs
	return s, nil
}

// hostOptSet returns the compiled options of a reservation, compiled on
// first use.
func (s *snapshot) hostOptSet(h *host.Host6) *optSet {
	if h.Config == nil {
		// A hosts database's host is read anew on each lookup.
		return newOptSet(h.Options)
	}
	if v, ok := s.hostOpts.Load(h); ok {
		return v.(*optSet)
	}
	o := newOptSet(h.Options)
	s.hostOpts.Store(h, o)
	return o
}

// pdExclude is the PD_EXCLUDE payload (RFC 6603) for the prefixes of a
// pd-pool with an excluded-prefix: the excluded length, then the excluded
// prefix's bits after the delegated length, left-aligned in as few octets
// as hold them. The configuration checked that the excluded prefix is
// longer than the delegated one; its bits are relative, so the payload
// is the same for every prefix of the pool (as Kea sends it).
func pdExclude(excluded netip.Prefix, delegatedLen int) []byte {
	xl := excluded.Bits()
	n := xl - delegatedLen
	if n <= 0 {
		return nil
	}
	out := make([]byte, 1+(n+7)/8)
	out[0] = byte(xl)
	a := excluded.Addr().As16()
	for i := 0; i < n; i++ {
		pos := delegatedLen + i
		if a[pos/8]&(0x80>>uint(pos%8)) != 0 {
			out[1+i/8] |= 0x80 >> uint(i%8)
		}
	}
	return out
}
