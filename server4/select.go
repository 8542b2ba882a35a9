package server4

import (
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/pkt"
)

// selectSubnet is Kea's Dhcpv4Srv::selectSubnet: the configured rules,
// then the subnet4_select callouts. drop is set when a callout dropped the
// query.
func (w *worker) selectSubnet() (sn *subnet4, drop bool) {
	sn = w.selectSubnetQuiet()
	s := w.srv
	if !s.hooks.CalloutsPresent(hooks.Subnet4Select) {
		return sn, false
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	defer state.Close()
	hooks.Set(h, "query4", &w.q)
	var cs *config.Subnet4
	if sn != nil {
		cs = sn.cfg
	}
	hooks.Set(h, "subnet4", cs)
	all := Subnet4Collection(w.snap.cfg.AllSubnets)
	hooks.Set(h, "subnet4collection", &all)
	s.hooks.Call(hooks.Subnet4Select, h)
	switch h.Status() {
	case hooks.Skip:
		return nil, false
	case hooks.Drop:
		return nil, true
	}
	cs, _ = hooks.Get[*config.Subnet4](h, "subnet4")
	if cs == nil {
		return nil, false
	}
	return w.snap.byID[cs.ID], false
}

// selectSubnetQuiet applies Kea's CfgSubnets4::selectSubnet rules without
// calling hooks (also used by acceptDirectRequest).
func (w *worker) selectSubnetQuiet() *subnet4 {
	if w.o6 != nil {
		return w.selectSubnet4o6()
	}
	q := &w.q
	snap := w.snap
	// RAI link-selection, else (only without RAI) subnet-selection.
	var sel dhcp4.IPv4
	if rai, ok := q.RelayAgentInfo(); ok {
		if !snap.ignoreLinkSel {
			if ls, ok := rai.LinkSelection(); ok {
				sel = ls
			}
		}
	} else if v, ok := q.GetIPv4(dhcp4.OptionSubnetSelection); ok {
		sel = v
	}
	if !sel.IsZero() {
		return snap.byAddress(sel.Addr(), w.has)
	}
	if !q.GIAddr.IsZero() {
		g := q.GIAddr.Addr()
		for _, sn := range snap.bySelOrder {
			if containsAddr(sn.relay, g) && sn.admits(w.has) {
				return sn
			}
		}
	}
	var addr netip.Addr
	bcast := receivedOnBroadcast(q)
	switch {
	case !q.GIAddr.IsZero():
		addr = q.GIAddr.Addr()
	case !q.CIAddr.IsZero() && !bcast:
		addr = q.CIAddr.Addr()
	case validNonZero(q.Src.Addr()) && !bcast:
		addr = q.Src.Addr()
	case q.IfName != "":
		for _, sn := range snap.bySelOrder {
			if sn.iface == q.IfName && sn.admits(w.has) {
				return sn
			}
		}
		addr = w.ifaceAddr()
	}
	if !addr.IsValid() || addr.IsUnspecified() {
		return nil
	}
	return snap.byAddress(addr, w.has)
}

// byAddress returns the first subnet (by id) holding addr whose class
// guards admit the query.
func (s *snapshot) byAddress(addr netip.Addr, has func(string) bool) *subnet4 {
	for _, sn := range s.bySelOrder {
		if sn.prefix.Contains(addr) && sn.admits(has) {
			return sn
		}
	}
	return nil
}

// ifaceAddr is the first IPv4 address of the interface the query came in
// on.
func (w *worker) ifaceAddr() netip.Addr {
	if w.conn != nil {
		if ifc := w.conn.Spec().Iface; ifc != nil && len(ifc.Addrs4) > 0 {
			return ifc.Addrs4[0]
		}
	}
	return netip.Addr{}
}

func containsAddr(l []netip.Addr, a netip.Addr) bool {
	for _, x := range l {
		if x == a {
			return true
		}
	}
	return false
}

func validNonZero(a netip.Addr) bool { return a.IsValid() && !a.IsUnspecified() }

// networkSubnets returns the subnets a client of sn may use: its shared
// network's, or sn alone.
func (s *snapshot) networkSubnets(sn *subnet4) []*subnet4 {
	if sn.cfg.Network == nil {
		return []*subnet4{sn}
	}
	out := make([]*subnet4, 0, len(sn.cfg.Network.Subnets))
	for _, cs := range sn.cfg.Network.Subnets {
		if x := s.byID[cs.ID]; x != nil {
			out = append(out, x)
		}
	}
	return out
}

var _ = (*pkt.Pkt4)(nil)
