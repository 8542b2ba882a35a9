package config

import "fmt"

// validate6 runs the checks Kea makes across the whole DHCPv6
// configuration once every part is read.
func (d *decoder) validate6(c *Dhcp6) {
	resolve6(c)
	for _, s := range c.AllSubnets {
		e := &s.Eff
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
		var rapid bool
		for i, s := range n.Subnets {
			// rapid-commit (as the subnet inherits it) is the first
			// subnet's in every subnet of the network.
			if i == 0 {
				rapid = s.Eff.RapidCommit
			} else if s.Eff.RapidCommit != rapid {
				d.fail(cfgErr(Pos{}, "All subnets in a shared network must have the same rapid-commit value. Subnet %s has specified rapid-commit %t, but earlier subnet in the same shared-network or the shared-network itself used rapid-commit %t",
					s.Text, s.Eff.RapidCommit, rapid))
				return
			}
			if s.Interface.Set {
				if iface.Set && iface.V != s.Interface.V {
					d.fail(cfgErr(Pos{}, "Subnet %s has specified interface %s, but earlier subnet in the same shared-network or the shared-network itself used %s",
						s.Text, s.Interface.V, iface.V))
					return
				}
				iface = s.Interface
			}
		}
	}
}
