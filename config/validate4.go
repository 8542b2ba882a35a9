package config

import "fmt"

// checkTriplet checks a lifetime triplet (min <= default <= max) as Kea's
// parseIntTriplet does and returns its message, or "". name is
// "valid-lifetime" or "preferred-lifetime".
func checkTriplet(name string, val, min, max Opt[uint32]) string {
	switch {
	case val.Set && min.Set && min.V > val.V:
		return fmt.Sprintf("the value of min-%s (%d) is not less than (default) %s (%d)", name, min.V, name, val.V)
	case val.Set && max.Set && val.V > max.V:
		return fmt.Sprintf("the value of (default) %s (%d) is not less than max-%s (%d)", name, val.V, name, max.V)
	case !val.Set && min.Set && max.Set && min.V > max.V:
		return fmt.Sprintf("the value of min-%s (%d) is not less than max-%s (%d)", name, min.V, name, max.V)
	}
	return ""
}

func (d *decoder) checkGlobalLifetimes(s *Scope4) {
	p := &s.ScopeParams
	if msg := checkTriplet("valid-lifetime", p.ValidLifetime, p.MinValidLifetime, p.MaxValidLifetime); msg != "" {
		d.fail(cfgErr(Pos{}, "%s", msg))
	}
}

// checkScopeLifetimes checks a subnet's or network's triplet after Kea's
// parser copied the global values into it.
func (d *decoder) checkScopeLifetimes(r *reader, p *ScopeParams) {
	if msg := checkTriplet("valid-lifetime", p.ValidLifetime, p.MinValidLifetime, p.MaxValidLifetime); msg != "" {
		r.fail(cfgErr(Pos{}, "subnet configuration failed: %s", msg))
	}
}

// validate4 runs the checks Kea makes across the whole configuration once
// every part is read.
func (d *decoder) validate4(c *Dhcp4, m *Node) {
	resolve4(c)
	for _, s := range c.AllSubnets {
		e := &s.Eff
		if msg := checkTriplet("valid-lifetime", Some(e.ValidLifetime), Some(e.MinValidLifetime), Some(e.MaxValidLifetime)); msg != "" {
			d.fail(cfgErr(Pos{}, "subnet configuration failed: %s", msg))
			return
		}
		if e.CalculateTeeTimes {
			for _, k := range []struct {
				name string
				v    float64
			}{{"t1-percent", e.T1Percent}, {"t2-percent", e.T2Percent}} {
				if k.v <= 0 || k.v >= 1 {
					d.fail(cfgErr(Pos{}, "subnet configuration failed: %s:  %g is invalid, it must be greater than 0.0 and less than 1.0", k.name, k.v))
					return
				}
			}
			if e.T1Percent >= e.T2Percent {
				d.fail(cfgErr(Pos{}, "subnet configuration failed: t1-percent:  %g is invalid, it must be less than t2-percent: %g", e.T1Percent, e.T2Percent))
				return
			}
		}
		if e.RenewTimer.Set && e.RebindTimer.Set && e.RenewTimer.V > e.RebindTimer.V {
			d.warn("DHCPSRV_CFGMGR_RENEW_GTR_REBIND",
				fmt.Sprintf("in subnet %s renew-timer %d is greater than rebind-timer %d, renew-timer will not be sent", s.Text, e.RenewTimer.V, e.RebindTimer.V), s.pos)
		}
		if e.RebindTimer.Set && e.RebindTimer.V > e.ValidLifetime {
			d.warn("DHCPSRV_CFGMGR_REBIND_GTR_VALID",
				fmt.Sprintf("in subnet %s rebind-timer %d is greater than valid-lifetime %d, rebind-timer will not be sent", s.Text, e.RebindTimer.V, e.ValidLifetime), s.pos)
		}
	}
	for _, n := range c.SharedNetworks {
		iface := n.Interface
		auth := n.Authoritative
		for _, s := range n.Subnets {
			if s.Interface.Set {
				if iface.Set && iface.V != s.Interface.V {
					d.fail(cfgErr(Pos{}, "Subnet %s has specified interface %s, but earlier subnet in the same shared-network or the shared-network itself used %s",
						s.Text, s.Interface.V, iface.V))
					return
				}
				iface = s.Interface
			}
			if s.Eff.Authoritative != orOpt(auth, c.Scope.Authoritative).V {
				d.fail(cfgErr(Pos{}, "Subnet %s has different authoritative setting %t than the shared-network itself: %t",
					s.Text, s.Eff.Authoritative, orOpt(auth, c.Scope.Authoritative).V))
				return
			}
		}
	}
	d.checkReservationsUnique(c)
}

// checkReservationsUnique refuses two reservations of one address in a
// subnet (or globally) unless ip-reservations-unique is false.
func (d *decoder) checkReservationsUnique(c *Dhcp4) {
	if !c.IPReservationsUnique.Or(true) {
		return
	}
	check := func(hs []*Reservation4, id uint32) bool {
		seen := map[string]*Reservation4{}
		for _, h := range hs {
			if !h.IPAddress.Set {
				continue
			}
			a := h.IPAddress.V.String()
			if _, dup := seen[a]; dup {
				d.fail(cfgErr(Pos{}, "failed to add new host using the %s to the IPv4 subnet id '%d' for the address %s: There's already a reservation for this address",
					hostLabel(h), id, a))
				return false
			}
			seen[a] = h
		}
		return true
	}
	if !check(c.Reservations, 0) {
		return
	}
	for _, s := range c.AllSubnets {
		if !check(s.Reservations, s.ID) {
			return
		}
	}
}
