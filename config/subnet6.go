package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// readSharedNetworks6 reads shared-networks; their subnets are parsed as
// part of each network (and so get auto ids before top-level subnets).
// Kea's DHCPv6 network parser adds the network's position to the errors it
// wraps.
func (d *decoder) readSharedNetworks6(l *Node, at Pos, c *Dhcp6) []*SharedNetwork6 {
	var out []*SharedNetwork6
	names := map[string]bool{}
	for _, it := range l.Items {
		r := newReader(it)
		sn := &SharedNetwork6{pos: it.Pos()}
		var name Opt[string]
		r.str("name", &name)
		if r.err == nil && !name.Set {
			r.errorf(it.Pos(), "missing parameter 'name' (%s)", it.Pos())
		}
		if r.err == nil && strings.TrimSpace(name.V) == "" {
			r.errorf(r.pos("name"), "Shared-network with subnets is missing mandatory 'name' parameter")
		}
		if r.err == nil && names[name.V] {
			r.errorf(at, "duplicate network '%s' found in the configuration", name.V)
		}
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		names[name.V] = true
		sn.Name = name.V
		d.readScope6(r, &sn.Scope6)
		d.readSelectors(r, &sn.Selectors, 6)
		d.readLink6(r, &sn.Link6)
		if r.err == nil {
			d.checkLifetimes6(r, func(msg string) *Error { return cfgErr(it.Pos(), "%s", msg) }, &sn.Scope6, &c.Scope)
		}
		if r.err == nil {
			if msg := teeCheck6(&sn.Scope6, &c.Scope); msg != "" {
				r.errorf(it.Pos(), "%s", msg)
			}
		}
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		if sn.Interface.Set && sn.InterfaceID.V != "" {
			d.fail(cfgErr(it.Pos(), "parser error: interface (defined for locally reachable subnets) and interface-id (defined for subnets reachable via relays) cannot be defined at the same time for shared network %s(%s)", sn.Name, it.Pos()))
			return nil
		}
		d.resolveOptions(sn.OptionData, c.Defs)
		if sn.Interface.Set && !d.failed() && !d.interfaceExists(sn.Interface.V) {
			d.fail(cfgErr(it.Pos(), "Specified network interface name %s for shared network %s is not present in the system (%s)", sn.Interface.V, sn.Name, r.pos("interface")))
		}
		if d.failed() {
			return nil
		}
		if sl := it.Get("subnet6"); sl != nil {
			sn.Subnets = d.readSubnets6(sl, sn, c)
			if d.failed() {
				return nil
			}
		}
		out = append(out, sn)
	}
	return out
}

// checkLifetimes6 checks a network's or subnet's valid and preferred
// triplets with the values Kea's parser copies into it; wrap makes the
// error.
func (d *decoder) checkLifetimes6(r *reader, wrap func(string) *Error, chain ...*Scope6) {
	var valid, pref [][3]Opt[uint32]
	for _, s := range chain {
		valid = append(valid, validTriplet(&s.ScopeParams))
		pref = append(pref, preferredTriplet(s))
	}
	v, lo, hi := derivedTriplet(DefaultValidLifetime, valid...)
	if msg := checkTriplet("valid-lifetime", v, lo, hi, r.m.Pos()); msg != "" {
		r.fail(wrap(msg))
		return
	}
	v, lo, hi = derivedTriplet(DefaultPreferredLifetime, pref...)
	if msg := checkTriplet("preferred-lifetime", v, lo, hi, r.m.Pos()); msg != "" {
		r.fail(wrap(msg))
	}
}

// readSubnets6 reads a subnet6 list, global (net nil) or of a network.
func (d *decoder) readSubnets6(l *Node, net *SharedNetwork6, c *Dhcp6) []*Subnet6 {
	var out []*Subnet6
	for _, it := range l.Items {
		s := d.readSubnet6(it, net, c)
		if s == nil {
			return nil
		}
		s.Network = net
		for _, prev := range c.AllSubnets {
			if prev.ID == s.ID {
				d.fail(cfgErr(it.Pos(), "ID of the new IPv6 subnet '%d' is already in use", s.ID))
				return nil
			}
			if prev.Text == s.Text {
				d.fail(cfgErr(it.Pos(), "subnet with the prefix of '%s' already exists", s.Text))
				return nil
			}
		}
		for _, h := range s.Reservations {
			h.SubnetID = s.ID
		}
		c.AllSubnets = append(c.AllSubnets, s)
		out = append(out, s)
	}
	return out
}

func (d *decoder) readSubnet6(it *Node, net *SharedNetwork6, c *Dhcp6) *Subnet6 {
	r := newReader(it)
	s := &Subnet6{pos: it.Pos()}
	var text Opt[string]
	r.str("subnet", &text)
	s.Text = text.V
	var id Opt[uint32]
	r.u32("id", &id)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	pfx, perr := parseSubnetPrefix(s.Text, 6)
	if perr != nil {
		msg := "subnet configuration failed: " + perr.msg
		if perr.noPos {
			d.fail(cfgErr(Pos{}, "%s", msg))
		} else {
			d.fail(cfgErr(r.pos("subnet"), "%s", msg))
		}
		return nil
	}
	s.Prefix = pfx
	if !id.Set || id.V == 0 {
		s.ID, s.IDAuto = d.nextSubnetID, true
		d.nextSubnetID++
	} else {
		s.ID = id.V
	}
	d.readScope6(r, &s.Scope6)
	d.readSelectors(r, &s.Selectors, 6)
	d.readLink6(r, &s.Link6)
	if r.err == nil {
		wrap := func(msg string) *Error { return cfgErr(Pos{}, "subnet configuration failed: %s", msg) }
		chain := []*Scope6{&s.Scope6, &c.Scope}
		if net != nil {
			chain = []*Scope6{&s.Scope6, &net.Scope6, &c.Scope}
		}
		d.checkLifetimes6(r, wrap, chain...)
		if msg := teeCheck6(chain...); r.err == nil && msg != "" {
			r.fail(wrap(msg))
		}
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if s.Interface.Set && s.InterfaceID.V != "" {
		d.fail(cfgErr(Pos{}, "subnet configuration failed: parser error: interface (defined for locally reachable subnets) and interface-id (defined for subnets reachable via relays) cannot be defined at the same time for subnet %s(%s)", s.Text, it.Pos()))
		return nil
	}
	if s.Interface.Set && !d.interfaceExists(s.Interface.V) {
		d.fail(cfgErr(r.pos("interface"), "subnet configuration failed: Specified network interface name %s for subnet %s is not present in the system", s.Interface.V, s.Text))
		return nil
	}
	if pl := it.Get("pools"); pl != nil {
		s.Pools = d.readPools6(pl, s, c)
		if d.failed() {
			return nil
		}
	}
	if pl := it.Get("pd-pools"); pl != nil {
		s.PDPools = d.readPDPools(pl, s, c)
		if d.failed() {
			return nil
		}
	}
	d.resolveOptions(s.OptionData, c.Defs)
	if d.failed() {
		return nil
	}
	if hl := it.Get("reservations"); hl != nil {
		s.Reservations = d.readReservations6(hl, s, c)
		if d.failed() {
			return nil
		}
	}
	return s
}

func (d *decoder) readPools6(l *Node, s *Subnet6, c *Dhcp6) []*Pool6 {
	var out []*Pool6
	for _, it := range l.Items {
		r := newReader(it)
		p := &Pool6{pos: it.Pos()}
		var txt Opt[string]
		r.str("pool", &txt)
		r.u32("pool-id", &p.PoolID)
		r.str("client-class", &p.ClientClass)
		p.RequireClientClasses = r.strings("require-client-classes")
		p.UserContext = r.userContext()
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		p.Text = txt.V
		first, last, msg := parsePool(txt.V, 6)
		if msg != "" {
			d.fail(cfgErr(r.pos("pool"), "%s", msg))
			return nil
		}
		p.First, p.Last = first, last
		p.OptionData = d.readOptionDataList(r)
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		d.resolveOptions(p.OptionData, c.Defs)
		if d.failed() {
			return nil
		}
		rng := first.String() + "-" + last.String()
		if !s.Prefix.Masked().Contains(first) || !s.Prefix.Masked().Contains(last) {
			d.fail(cfgErr(s.pos, "subnet configuration failed: a pool of type IA_NA, with the following address range: %s does not match the prefix of a subnet: %s to which it is being added", rng, s.Text))
			return nil
		}
		for _, q := range out {
			if !(last.Less(q.First) || q.Last.Less(first)) {
				d.fail(cfgErr(s.pos, "subnet configuration failed: a pool of type IA_NA, with the following address range: %s overlaps with an existing pool in the subnet: %s to which it is being added", rng, s.Text))
				return nil
			}
		}
		out = append(out, p)
	}
	return out
}

func (d *decoder) readPDPools(l *Node, s *Subnet6, c *Dhcp6) []*PDPool6 {
	var out []*PDPool6
	for _, it := range l.Items {
		r := newReader(it)
		p := &PDPool6{pos: it.Pos()}
		var pfx, excl Opt[string]
		var plen, dlen, elen Opt[uint8]
		r.str("prefix", &pfx)
		r.u8("prefix-len", &plen)
		r.u8("delegated-len", &dlen)
		r.str("excluded-prefix", &excl)
		r.u8("excluded-prefix-len", &elen)
		r.u32("pool-id", &p.PoolID)
		r.str("client-class", &p.ClientClass)
		p.RequireClientClasses = r.strings("require-client-classes")
		p.UserContext = r.userContext()
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		p.OptionData = d.readOptionDataList(r)
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		d.resolveOptions(p.OptionData, c.Defs)
		if d.failed() {
			return nil
		}
		msg := p.set(pfx.V, int(plen.V), int(dlen.V), excl.Or("::"), int(elen.V))
		if msg != "" {
			d.fail(cfgErr(it.Pos(), "%s", msg))
			return nil
		}
		first, last := p.Prefix.Addr(), lastAddr(p.Prefix.Masked())
		for _, q := range out {
			qf, ql := q.Prefix.Addr(), lastAddr(q.Prefix.Masked())
			if !(last.Less(qf) || ql.Less(first)) {
				d.fail(cfgErr(s.pos, "subnet configuration failed: a pool of type IA_PD, with the following address range: %s-%s overlaps with an existing pool in the subnet: %s to which it is being added", first, last, s.Text))
				return nil
			}
		}
		out = append(out, p)
	}
	return out
}

// set fills the pool's prefixes the way Kea's Pool6 constructor checks
// them and returns its message, or "".
func (p *PDPool6) set(prefix string, plen, dlen int, excl string, elen int) string {
	a, err := netip.ParseAddr(prefix)
	if err != nil || a.Zone() != "" {
		return "Failed to convert string to address '" + prefix + "': Invalid argument"
	}
	if !a.Is6() {
		return "Invalid Pool6 address boundaries: not IPv6"
	}
	if plen > 128 {
		return fmt.Sprintf("Invalid prefix length: %d", plen)
	}
	if plen > dlen {
		return fmt.Sprintf("Delegated length (%d) must be longer than or equal to prefix length (%d)", dlen, plen)
	}
	if dlen > 128 {
		// Kea 2.2 accepts this and could never delegate such a prefix.
		return fmt.Sprintf("Delegated length (%d) must not be greater than 128", dlen)
	}
	p.Prefix, p.DelegatedLen = netip.PrefixFrom(a, plen), dlen
	e, err := netip.ParseAddr(excl)
	if err != nil || e.Zone() != "" {
		return "Failed to convert string to address '" + excl + "': Invalid argument"
	}
	if !e.Is6() {
		return "Invalid Pool6 address boundaries: not IPv6"
	}
	if e.IsUnspecified() && elen == 0 {
		return ""
	}
	deleg := a.String() + "/" + fmt.Sprint(dlen)
	switch {
	case elen == 0 || elen > 128:
		return fmt.Sprintf("invalid excluded prefix %s/%d", e, elen)
	case elen <= dlen:
		return fmt.Sprintf("length of the excluded prefix %s/%d must be greater than the length of the delegated prefix %s", e, elen, deleg)
	case netip.PrefixFrom(e, dlen).Masked() != netip.PrefixFrom(a, dlen).Masked():
		return fmt.Sprintf("excluded prefix %s/%d must have the same common prefix part of %d as the delegated prefix %s", e, elen, dlen, deleg)
	}
	p.ExcludedPrefix = Some(netip.PrefixFrom(e, elen))
	return ""
}
