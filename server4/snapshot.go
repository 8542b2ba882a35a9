package server4

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/option"
)

// snapshot is a configuration compiled for the packet path. It is built
// once per (re)configuration and never changed; workers read it through an
// atomic pointer.
type snapshot struct {
	cfg     *config.Dhcp4
	subnets []*subnet4 // config.AllSubnets order
	// bySelOrder is the order subnet selection walks: by subnet id, as
	// Kea's subnet container is ordered.
	bySelOrder []*subnet4
	hosts      *host.ConfigStore
	hostOpts   sync.Map // *host.Host -> *optSet
	byID       map[uint32]*subnet4
	global     *optSet

	classes []*class4 // configuration order
	byName  map[string]*class4
	// phase1 are evaluated before subnet selection, phase2 after the host
	// lookup (they depend on KNOWN or UNKNOWN).
	phase1, phase2 []*class4

	// serverIDs holds every configured dhcp-server-identifier value.
	serverIDs map[[4]byte]bool

	echoClientID   bool
	ignoreServerID bool
	ignoreLinkSel  bool
	// hostIDs is host-reservation-identifiers, in order.
	hostIDs          []host.IdentifierType
	earlyGlobal      bool
	stashAgentOpts   bool
	useRouting       bool
	declineProbation uint32
}

type subnet4 struct {
	cfg    *config.Subnet4
	id     uint32
	prefix netip.Prefix
	mask   [4]byte
	// opts are the subnet's own options, netOpts its shared network's.
	opts, netOpts   *optSet
	relay           []netip.Addr
	iface           string
	guard, netGuard string
	pools           []*pool4
	// require is require-client-classes: the shared network's, then the
	// subnet's.
	require []string
}

type pool4 struct {
	cfg         *config.Pool4
	first, last netip.Addr
	opts        *optSet
	guard       string
	require     []string
}

type class4 struct {
	cfg            *config.ClientClass4
	name           string
	expr           *eval.Expr
	template       bool
	onlyIfRequired bool
	dependsKnown   bool
	opts           *optSet
}

// contains reports whether a is in the pool.
func (p *pool4) contains(a netip.Addr) bool {
	return a.Compare(p.first) >= 0 && a.Compare(p.last) <= 0
}

// pool returns the pool of the subnet holding a, or nil.
func (s *subnet4) pool(a netip.Addr) *pool4 {
	for _, p := range s.pools {
		if p.contains(a) {
			return p
		}
	}
	return nil
}

// admits reports whether a query in classes may use the subnet: the class
// guards of the subnet and of its shared network (Kea's clientSupported).
func (s *subnet4) admits(has func(string) bool) bool {
	if s.netGuard != "" && !has(s.netGuard) {
		return false
	}
	return s.guard == "" || has(s.guard)
}

// compile builds the runtime form of a configuration.
func compile(cfg *config.Dhcp4) (*snapshot, error) {
	s := &snapshot{
		cfg:              cfg,
		byID:             make(map[uint32]*subnet4, len(cfg.AllSubnets)),
		global:           newOptSet(cfg.Scope.OptionData),
		byName:           map[string]*class4{},
		serverIDs:        map[[4]byte]bool{},
		echoClientID:     cfg.EchoClientID.Or(true),
		ignoreServerID:   cfg.Compatibility.IgnoreDHCPServerIdentifier.V,
		ignoreLinkSel:    cfg.Compatibility.IgnoreRAILinkSelection.V,
		earlyGlobal:      cfg.EarlyGlobalReservationsLookup.V,
		stashAgentOpts:   cfg.StashAgentOptions.V,
		declineProbation: cfg.DeclineProbationPeriod.Or(config.DefaultDeclineProbation),
	}
	ids, err := host.ParseIdentifiers(cfg.HostReservationIdentifiers.V)
	if err != nil {
		return nil, err
	}
	s.hostIDs = ids
	s.addSID(s.global)
	if err := s.compileClasses(cfg); err != nil {
		return nil, err
	}
	netOpts := map[*config.SharedNetwork4]*optSet{}
	for _, n := range cfg.SharedNetworks {
		o := newOptSet(n.OptionData)
		netOpts[n] = o
		s.addSID(o)
	}
	for _, cs := range cfg.AllSubnets {
		sn := &subnet4{
			cfg:    cs,
			id:     cs.ID,
			prefix: cs.Prefix.Masked(),
			opts:   newOptSet(cs.OptionData),
			iface:  cs.Eff.Interface,
			guard:  cs.ClientClass.V,
		}
		m := netipMask(cs.Prefix.Bits())
		sn.mask = m
		s.addSID(sn.opts)
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
			sn.pools = append(sn.pools, &pool4{
				cfg: p, first: p.First, last: p.Last,
				opts: newOptSet(p.OptionData), guard: p.ClientClass.V,
				require: p.RequireClientClasses,
			})
		}
		s.subnets = append(s.subnets, sn)
		s.byID[sn.id] = sn
	}
	s.bySelOrder = append([]*subnet4(nil), s.subnets...)
	sort.Slice(s.bySelOrder, func(i, j int) bool { return s.bySelOrder[i].id < s.bySelOrder[j].id })
	hs, err := host.FromConfig4(cfg)
	if err != nil {
		return nil, err
	}
	s.hosts = hs
	return s, nil
}

func (s *snapshot) addSID(o *optSet) {
	if o != nil && o.hasSID {
		s.serverIDs[o.serverID] = true
	}
}

// netipMask returns the IPv4 netmask of a prefix length.
func netipMask(bits int) [4]byte {
	var m uint32
	if bits > 0 {
		m = ^uint32(0) << (32 - bits)
	}
	return [4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}
}

// compileClasses compiles the client classes and sorts them into the
// evaluation phases. A class whose test depends on KNOWN or UNKNOWN, or on
// a class that does, is evaluated after the host lookup.
func (s *snapshot) compileClasses(cfg *config.Dhcp4) error {
	deferred := map[string]bool{"KNOWN": true, "UNKNOWN": true}
	for _, cc := range cfg.ClientClasses {
		c := &class4{cfg: cc, name: cc.Name, onlyIfRequired: cc.OnlyIfRequired, opts: newOptSet(cc.OptionData)}
		c.expr = classExpr(cc)
		src, kind := cc.Test, eval.Bool
		if cc.TemplateTest.Set {
			src, kind, c.template = cc.TemplateTest, eval.String, true
		}
		if c.expr == nil && src.Set {
			defs := cc.Defs
			if defs == nil {
				defs = cfg.Defs
			}
			x, err := eval.Compile(option.V4, kind, src.V, &eval.Options{Defs: defs, ClassDefined: func(string) bool { return true }})
			if err != nil {
				return fmt.Errorf("client class %s: %w", cc.Name, err)
			}
			c.expr = x
		}
		if c.expr != nil {
			for _, m := range c.expr.Members() {
				if deferred[m] {
					c.dependsKnown = true
				}
			}
		}
		if c.dependsKnown {
			deferred[c.name] = true
		}
		if !c.onlyIfRequired {
			if c.expr != nil {
				if c.dependsKnown {
					s.phase2 = append(s.phase2, c)
				} else {
					s.phase1 = append(s.phase1, c)
				}
			}
		}
		s.classes = append(s.classes, c)
		s.byName[c.name] = c
	}
	return nil
}

// classExpr returns the expression the configuration loader compiled for
// the class, if it did.
func classExpr(c *config.ClientClass4) *eval.Expr {
	var x any = c.Expr
	e, _ := x.(*eval.Expr)
	return e
}
