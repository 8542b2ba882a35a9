package config

// Effective6 is what a DHCPv6 subnet uses once inheritance is resolved:
// subnet, then its shared network, then global, then the default.
type Effective6 struct {
	EffectiveCommon
	// PreferredLifetime is the value set (Kea 2.2's default 3600 when no
	// scope sets it); when that exceeds the valid lifetime it is 0.625 *
	// valid, as the Kea 2.6 ARM has the server do, so that no lease is
	// sent with a preferred lifetime above its valid lifetime. The min and
	// max bound a client's hint; they default to the preferred lifetime
	// as set (before that adjustment), as Kea 2.2 shows them.
	PreferredLifetime    uint32
	MinPreferredLifetime uint32
	MaxPreferredLifetime uint32
	PDAllocator          string
	InterfaceID          string
	RapidCommit          bool
}

// resolve6 fills Eff of every subnet.
func resolve6(c *Dhcp6) {
	for _, s := range c.AllSubnets {
		s.Eff = effective6(c, s)
	}
}

func effective6(c *Dhcp6, s *Subnet6) Effective6 {
	g := &c.Scope
	n, nsel, nl := &Scope6{}, &Selectors{}, &Link6{}
	if s.Network != nil {
		n, nsel, nl = &s.Network.Scope6, &s.Network.Selectors, &s.Network.Link6
	}
	u32 := func(f func(*Scope6) Opt[uint32]) Opt[uint32] { return orOpt(f(&s.Scope6), f(n), f(g)) }
	e := Effective6{EffectiveCommon: effectiveCommon(6, &s.ScopeParams, &n.ScopeParams, &g.ScopeParams, &s.Selectors, nsel)}
	pref := u32(func(p *Scope6) Opt[uint32] { return p.PreferredLifetime })
	e.PreferredLifetime = defaultPreferred(pref, e.ValidLifetime)
	raw := pref.Or(DefaultPreferredLifetime)
	e.MinPreferredLifetime = u32(func(p *Scope6) Opt[uint32] { return p.MinPreferredLifetime }).Or(raw)
	e.MaxPreferredLifetime = u32(func(p *Scope6) Opt[uint32] { return p.MaxPreferredLifetime }).Or(raw)
	e.PDAllocator = orOpt(s.PDAllocator, n.PDAllocator, g.PDAllocator).Or(DefaultAllocator)
	e.InterfaceID = orOpt(s.InterfaceID, nl.InterfaceID).V
	e.RapidCommit = orOpt(s.RapidCommit, nl.RapidCommit).V
	return e
}

// defaultPreferred is the preferred lifetime a subnet uses.
func defaultPreferred(p Opt[uint32], valid uint32) uint32 {
	v := p.Or(DefaultPreferredLifetime)
	if v <= valid {
		return v
	}
	return uint32(uint64(valid) * 5 / 8)
}

// Subnet returns the subnet with the id, or nil.
func (c *Dhcp6) Subnet(id uint32) *Subnet6 {
	for _, s := range c.AllSubnets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// ClientClass returns the class with the name, or nil.
func (c *Dhcp6) ClientClass(name string) *ClientClass6 {
	for _, cc := range c.ClientClasses {
		if cc.Name == name {
			return cc
		}
	}
	return nil
}
