package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// readSharedNetworks4 reads shared-networks; their subnets are parsed as
// part of each network (and so get auto ids before top-level subnets).
func (d *decoder) readSharedNetworks4(l *Node, at Pos, c *Dhcp4) []*SharedNetwork4 {
	var out []*SharedNetwork4
	names := map[string]bool{}
	for _, it := range l.Items {
		r := newReader(it)
		sn := &SharedNetwork4{pos: it.Pos()}
		var name Opt[string]
		r.str("name", &name)
		if r.err == nil && !name.Set {
			r.errorf(it.Pos(), "missing parameter 'name'")
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
		d.readScope4(r, &sn.Scope4)
		d.readSelectors(r, &sn.Selectors, 4)
		if r.err == nil {
			d.checkScopeLifetimes(r, &sn.ScopeParams, &c.Scope.ScopeParams)
		}
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		d.resolveOptions(sn.OptionData, c.Defs)
		if sn.NextServer.Set && sn.NextServer.V != "" && !validAddr(sn.NextServer.V, 4) {
			d.fail(cfgErr(r.pos("next-server"), "invalid parameter next-server : %s(%s)", sn.NextServer.V, r.pos("next-server")))
		}
		if sn.Interface.Set && !d.failed() && !d.interfaceExists(sn.Interface.V) {
			d.fail(cfgErr(r.pos("interface"), "Specified network interface name %s for shared network %s is not present in the system", sn.Interface.V, sn.Name))
		}
		if d.failed() {
			return nil
		}
		if sl := it.Get("subnet4"); sl != nil {
			sn.Subnets = d.readSubnets4(sl, sn, c)
			if d.failed() {
				return nil
			}
		}
		out = append(out, sn)
	}
	return out
}

// readSubnets4 reads a subnet4 list, global (net nil) or of a network.
func (d *decoder) readSubnets4(l *Node, net *SharedNetwork4, c *Dhcp4) []*Subnet4 {
	var out []*Subnet4
	for _, it := range l.Items {
		s := d.readSubnet4(it, net, c)
		if s == nil {
			return nil
		}
		s.Network = net
		for _, prev := range c.AllSubnets {
			if prev.ID == s.ID {
				d.fail(cfgErr(it.Pos(), "ID of the new IPv4 subnet '%d' is already in use", s.ID))
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

func (d *decoder) readSubnet4(it *Node, net *SharedNetwork4, c *Dhcp4) *Subnet4 {
	r := newReader(it)
	s := &Subnet4{pos: it.Pos()}
	var text Opt[string]
	r.str("subnet", &text)
	s.Text = text.V
	var id Opt[uint32]
	r.u32("id", &id)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	pfx, perr := parseSubnetPrefix(s.Text, 4)
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
	d.readScope4(r, &s.Scope4)
	d.readSelectors(r, &s.Selectors, 4)
	r.str("4o6-interface", &s.FourOSixIface)
	r.str("4o6-interface-id", &s.FourOSixIfaceID)
	r.str("4o6-subnet", &s.FourOSixSubnet)
	if r.err == nil {
		if net != nil {
			d.checkScopeLifetimes(r, &s.ScopeParams, &net.ScopeParams, &c.Scope.ScopeParams)
		} else {
			d.checkScopeLifetimes(r, &s.ScopeParams, &c.Scope.ScopeParams)
		}
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if s.NextServer.Set && s.NextServer.V != "" && !validAddr(s.NextServer.V, 4) {
		d.fail(cfgErr(Pos{}, "subnet configuration failed: invalid parameter next-server : %s(%s)", s.NextServer.V, r.pos("next-server")))
		return nil
	}
	if s.FourOSixSubnet.Set && s.FourOSixSubnet.V != "" {
		if _, err := netip.ParsePrefix(s.FourOSixSubnet.V); err != nil {
			d.fail(cfgErr(Pos{}, "subnet configuration failed: Invalid 4o6-subnet: %s (%s)", s.FourOSixSubnet.V, r.pos("4o6-subnet")))
			return nil
		}
	}
	if s.Interface.Set && !d.interfaceExists(s.Interface.V) {
		d.fail(cfgErr(r.pos("interface"), "subnet configuration failed: Specified network interface name %s for subnet %s is not present in the system", s.Interface.V, s.Text))
		return nil
	}
	if pl := it.Get("pools"); pl != nil {
		s.Pools = d.readPools4(pl, s, c)
		if d.failed() {
			return nil
		}
	}
	d.resolveOptions(s.OptionData, c.Defs)
	if d.failed() {
		return nil
	}
	if hl := it.Get("reservations"); hl != nil {
		s.Reservations = d.readReservations4(hl, s, c.Defs)
		if d.failed() {
			return nil
		}
	}
	return s
}

type prefixError struct {
	msg   string
	noPos bool
}

// parseSubnetPrefix reads "addr/len" as Kea's subnet parser does: the
// address need not be the network address ("192.0.2.1/24").
func parseSubnetPrefix(s string, family int) (netip.Prefix, *prefixError) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return netip.Prefix{}, &prefixError{msg: "Invalid subnet syntax (prefix/len expected):" + s}
	}
	addrText, lenText := s[:slash], s[slash+1:]
	a, err := netip.ParseAddr(addrText)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, &prefixError{msg: "Failed to convert string to address '" + addrText + "': Invalid argument", noPos: true}
	}
	bits := 32
	if family == 6 {
		bits = 128
		if a.Is4() {
			return netip.Prefix{}, &prefixError{msg: "Non IPv6 prefix " + addrText + " specified in subnet6", noPos: true}
		}
	}
	n, err := strconv.Atoi(lenText)
	if err != nil || n < 0 {
		return netip.Prefix{}, &prefixError{msg: "prefix length: '" + lenText + "' is not an integer"}
	}
	if (family == 4 && !a.Is4()) || (family == 6 && !a.Is6()) || n == 0 || n > bits {
		return netip.Prefix{}, &prefixError{msg: fmt.Sprintf("Invalid prefix length specified for subnet: %d", n)}
	}
	return netip.PrefixFrom(a, n), nil
}

func (d *decoder) readPools4(l *Node, s *Subnet4, c *Dhcp4) []*Pool4 {
	var out []*Pool4
	for _, it := range l.Items {
		r := newReader(it)
		p := &Pool4{pos: it.Pos()}
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
		first, last, msg := parsePool(txt.V, 4)
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
			d.fail(cfgErr(s.pos, "subnet configuration failed: a pool of type V4, with the following address range: %s does not match the prefix of a subnet: %s to which it is being added", rng, s.Text))
			return nil
		}
		for _, q := range out {
			if !(last.Less(q.First) || q.Last.Less(first)) {
				d.fail(cfgErr(s.pos, "subnet configuration failed: a pool of type V4, with the following address range: %s overlaps with an existing pool in the subnet: %s to which it is being added", rng, s.Text))
				return nil
			}
		}
		out = append(out, p)
	}
	return out
}

// parsePool reads "first - last" or "prefix/len" of the family; msg is
// Kea's error.
func parsePool(txt string, family int) (netip.Addr, netip.Addr, string) {
	bits := 32
	if family == 6 {
		bits = 128
	}
	fam := func(a netip.Addr) bool { return (family == 4 && a.Is4()) || (family == 6 && a.Is6()) }
	t := strings.TrimSpace(txt)
	if i := strings.IndexByte(t, '/'); i >= 0 {
		a, err := netip.ParseAddr(strings.TrimSpace(t[:i]))
		n, nerr := strconv.Atoi(strings.TrimSpace(t[i+1:]))
		if err != nil || !fam(a) || nerr != nil || n < 0 || n > bits {
			return netip.Addr{}, netip.Addr{}, "Failed to create pool defined by: " + txt
		}
		p := netip.PrefixFrom(a, n).Masked()
		return p.Addr(), lastAddr(p), ""
	}
	if i := strings.IndexByte(t, '-'); i >= 0 {
		a, err1 := netip.ParseAddr(strings.TrimSpace(t[:i]))
		b, err2 := netip.ParseAddr(strings.TrimSpace(t[i+1:]))
		if err1 != nil || err2 != nil || !fam(a) || !fam(b) || b.Less(a) {
			return netip.Addr{}, netip.Addr{}, "Failed to create pool defined by: " + txt
		}
		return a, b, ""
	}
	return netip.Addr{}, netip.Addr{}, "invalid pool definition: " + txt +
		". There are two acceptable formats <min address-max address> or <prefix/len>"
}

// lastAddr is the last address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
