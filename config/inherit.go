package config

// EffectiveCommon is what a subnet of either server uses once inheritance
// is resolved: subnet, then its shared network, then global, then Kea's
// default. Client classes and host reservations override some of these per
// packet (the server applies them); pool options apply to addresses from
// that pool.
type EffectiveCommon struct {
	ValidLifetime    uint32
	MinValidLifetime uint32
	MaxValidLifetime uint32
	// RenewTimer and RebindTimer are unset when no scope gives them (then
	// they are computed when CalculateTeeTimes, else not sent).
	RenewTimer        Opt[uint32]
	RebindTimer       Opt[uint32]
	CalculateTeeTimes bool
	T1Percent         float64
	T2Percent         float64
	CacheThreshold    Opt[float64]
	CacheMaxAge       Opt[uint32]

	ReservationsGlobal    bool
	ReservationsInSubnet  bool
	ReservationsOutOfPool bool

	HostnameCharSet            string
	HostnameCharReplacement    string
	DDNSSendUpdates            bool
	DDNSOverrideNoUpdate       bool
	DDNSOverrideClientUpdate   bool
	DDNSReplaceClientName      string
	DDNSGeneratedPrefix        string
	DDNSQualifyingSuffix       string
	DDNSUpdateOnRenew          bool
	DDNSConflictResolutionMode string
	DDNSTTLPercent             Opt[float64]
	StoreExtendedInfo          bool
	Allocator                  string

	Interface            string
	Relay                []string
	ClientClass          string
	RequireClientClasses []string

	// Options holds the option-data that applies to the subnet, most
	// specific first: subnet, shared network, global. Pool, class and host
	// options come from the pools, classes and reservations.
	Options []*OptionData
}

// Effective4 is what a DHCPv4 subnet uses once inheritance is resolved.
type Effective4 struct {
	EffectiveCommon
	OfferLifetime uint32

	MatchClientID  bool
	Authoritative  bool
	NextServer     string
	ServerHostname string
	BootFileName   string
}

// resolve4 fills Eff of every subnet.
func resolve4(c *Dhcp4) {
	for _, s := range c.AllSubnets {
		s.Eff = effective4(c, s)
	}
}

func effective4(c *Dhcp4, s *Subnet4) Effective4 {
	g := &c.Scope
	var n *Scope4
	var nsel *Selectors
	if s.Network != nil {
		n, nsel = &s.Network.Scope4, &s.Network.Selectors
	} else {
		n, nsel = &Scope4{}, &Selectors{}
	}
	b4 := func(f func(*Scope4) Opt[bool]) Opt[bool] { return orOpt(f(&s.Scope4), f(n), f(g)) }

	e := Effective4{EffectiveCommon: effectiveCommon(4, &s.ScopeParams, &n.ScopeParams, &g.ScopeParams, &s.Selectors, nsel)}
	e.OfferLifetime = orOpt(s.OfferLifetime, n.OfferLifetime, g.OfferLifetime).V
	e.MatchClientID = b4(func(p *Scope4) Opt[bool] { return p.MatchClientID }).Or(true)
	e.Authoritative = b4(func(p *Scope4) Opt[bool] { return p.Authoritative }).V
	e.NextServer = nextServer(Some(firstNonEmpty(s.NextServer, n.NextServer, g.NextServer)))
	// As for next-server, Kea takes "" below the global level as unset.
	e.ServerHostname = firstNonEmpty(s.ServerHostname, n.ServerHostname, g.ServerHostname)
	e.BootFileName = firstNonEmpty(s.BootFileName, n.BootFileName, g.BootFileName)
	return e
}

// effectiveCommon resolves the parameters both servers share; sp, np and
// gp are the subnet, network (empty when none) and global scopes.
func effectiveCommon(family int, sp, np, gp *ScopeParams, ssel, nsel *Selectors) EffectiveCommon {
	u32 := func(f func(*ScopeParams) Opt[uint32]) Opt[uint32] { return orOpt(f(sp), f(np), f(gp)) }
	b := func(f func(*ScopeParams) Opt[bool]) Opt[bool] { return orOpt(f(sp), f(np), f(gp)) }
	str := func(f func(*ScopeParams) Opt[string]) Opt[string] { return orOpt(f(sp), f(np), f(gp)) }
	fl := func(f func(*ScopeParams) Opt[float64]) Opt[float64] { return orOpt(f(sp), f(np), f(gp)) }

	e := EffectiveCommon{}
	valid := u32(func(p *ScopeParams) Opt[uint32] { return p.ValidLifetime })
	e.ValidLifetime = valid.Or(DefaultValidLifetime)
	e.MinValidLifetime = u32(func(p *ScopeParams) Opt[uint32] { return p.MinValidLifetime }).Or(e.ValidLifetime)
	e.MaxValidLifetime = u32(func(p *ScopeParams) Opt[uint32] { return p.MaxValidLifetime }).Or(e.ValidLifetime)
	e.RenewTimer = u32(func(p *ScopeParams) Opt[uint32] { return p.RenewTimer })
	e.RebindTimer = u32(func(p *ScopeParams) Opt[uint32] { return p.RebindTimer })
	calc, t2 := false, DefaultT2Percent
	if family == 6 {
		calc, t2 = true, DefaultT2Percent6
	}
	e.CalculateTeeTimes = b(func(p *ScopeParams) Opt[bool] { return p.CalculateTeeTimes }).Or(calc)
	e.T1Percent = fl(func(p *ScopeParams) Opt[float64] { return p.T1Percent }).Or(DefaultT1Percent)
	e.T2Percent = fl(func(p *ScopeParams) Opt[float64] { return p.T2Percent }).Or(t2)
	e.CacheThreshold = fl(func(p *ScopeParams) Opt[float64] { return p.CacheThreshold })
	e.CacheMaxAge = u32(func(p *ScopeParams) Opt[uint32] { return p.CacheMaxAge })

	e.ReservationsGlobal = b(func(p *ScopeParams) Opt[bool] { return p.ReservationsGlobal }).V
	e.ReservationsInSubnet = b(func(p *ScopeParams) Opt[bool] { return p.ReservationsInSubnet }).Or(true)
	e.ReservationsOutOfPool = b(func(p *ScopeParams) Opt[bool] { return p.ReservationsOutOfPool }).V

	e.HostnameCharSet = str(func(p *ScopeParams) Opt[string] { return p.HostnameCharSet }).Or(DefaultHostnameCharSet)
	e.HostnameCharReplacement = str(func(p *ScopeParams) Opt[string] { return p.HostnameCharReplacement }).V
	e.DDNSSendUpdates = b(func(p *ScopeParams) Opt[bool] { return p.DDNSSendUpdates }).Or(true)
	e.DDNSOverrideNoUpdate = b(func(p *ScopeParams) Opt[bool] { return p.DDNSOverrideNoUpdate }).V
	e.DDNSOverrideClientUpdate = b(func(p *ScopeParams) Opt[bool] { return p.DDNSOverrideClientUpdate }).V
	e.DDNSReplaceClientName = str(func(p *ScopeParams) Opt[string] { return p.DDNSReplaceClientName }).Or(DefaultReplaceClientName)
	e.DDNSGeneratedPrefix = str(func(p *ScopeParams) Opt[string] { return p.DDNSGeneratedPrefix }).Or(DefaultGeneratedPrefix)
	e.DDNSQualifyingSuffix = str(func(p *ScopeParams) Opt[string] { return p.DDNSQualifyingSuffix }).V
	e.DDNSUpdateOnRenew = b(func(p *ScopeParams) Opt[bool] { return p.DDNSUpdateOnRenew }).V
	e.DDNSConflictResolutionMode = conflictMode(sp, np, gp)
	e.DDNSTTLPercent = fl(func(p *ScopeParams) Opt[float64] { return p.DDNSTTLPercent })
	e.StoreExtendedInfo = b(func(p *ScopeParams) Opt[bool] { return p.StoreExtendedInfo }).V
	e.Allocator = str(func(p *ScopeParams) Opt[string] { return p.Allocator }).Or(DefaultAllocator)

	e.Interface = orOpt(ssel.Interface, nsel.Interface).V
	switch {
	case ssel.Relay != nil:
		e.Relay = ssel.Relay.IPAddresses
	case nsel.Relay != nil:
		e.Relay = nsel.Relay.IPAddresses
	}
	e.ClientClass = orOpt(ssel.ClientClass, nsel.ClientClass).V
	e.RequireClientClasses = append(append([]string(nil), nsel.RequireClientClasses...), ssel.RequireClientClasses...)

	e.Options = append(e.Options, sp.OptionData...)
	e.Options = append(e.Options, np.OptionData...)
	e.Options = append(e.Options, gp.OptionData...)
	return e
}

func firstNonEmpty(chain ...Opt[string]) string {
	for _, o := range chain {
		if o.Set && o.V != "" {
			return o.V
		}
	}
	return ""
}

// nextServer: "" means unset at that level (inherit); the default is
// 0.0.0.0, which means "do not send".
func nextServer(o Opt[string]) string {
	if !o.Set || o.V == "" {
		return "0.0.0.0"
	}
	return o.V
}

// conflictMode resolves ddns-conflict-resolution-mode, falling back at each
// level to the deprecated ddns-use-conflict-resolution.
func conflictMode(chain ...*ScopeParams) string {
	for _, p := range chain {
		if p.DDNSConflictResolutionMode.Set {
			return p.DDNSConflictResolutionMode.V
		}
		if p.DDNSUseConflictResolution.Set {
			if p.DDNSUseConflictResolution.V {
				return "check-with-dhcid"
			}
			return "no-check-with-dhcid"
		}
	}
	return DefaultConflictMode
}

// Subnet returns the subnet with the id, or nil.
func (c *Dhcp4) Subnet(id uint32) *Subnet4 {
	for _, s := range c.AllSubnets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// ClientClass returns the class with the name, or nil.
func (c *Dhcp4) ClientClass(name string) *ClientClass4 {
	for _, cc := range c.ClientClasses {
		if cc.Name == name {
			return cc
		}
	}
	return nil
}
