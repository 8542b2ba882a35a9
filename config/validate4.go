package config

import "fmt"

// validate4 runs the checks Kea makes across the whole configuration once
// every part is read.
func (d *decoder) validate4(c *Dhcp4, m *Node) {
	resolve4(c)
	for _, s := range c.AllSubnets {
		e := &s.Eff
		if msg := checkTriplet("valid-lifetime", Some(e.ValidLifetime), Some(e.MinValidLifetime), Some(e.MaxValidLifetime), s.pos); msg != "" {
			d.fail(cfgErr(Pos{}, "subnet configuration failed: %s", msg))
			return
		}
		if msg := teeCheck(e.CalculateTeeTimes, Some(e.T1Percent), Some(e.T2Percent)); msg != "" {
			d.fail(cfgErr(Pos{}, "subnet configuration failed: %s", msg))
			return
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
