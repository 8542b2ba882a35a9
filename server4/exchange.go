package server4

import (
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
)

// initExchange is Kea's Dhcpv4Exchange constructor: the allocation
// context, the host lookup, KNOWN/UNKNOWN and the second classification
// pass, then the response with its default fields and options. It reports
// false when the query is to be dropped (member of DROP).
func (w *worker) initExchange(sn *subnet4, respType dhcp4.MessageType) bool {
	w.subnet = sn
	a := &w.actx
	a.Query = &w.q
	a.Callout = nil
	if w.q.HasCalloutHandle() {
		a.Callout = w.q.CalloutHandle(w.srv.hooks)
	}
	a.HWAddr = lease.HWAddr{Bytes: w.q.HWAddr(), Type: uint16(w.q.HType), Source: lease.HWAddrSourceRaw}
	a.Hosts = w.hosts
	if sn != nil {
		a.Subnet = sn.cfg
		if sn.cfg.Eff.MatchClientID {
			a.ClientID = w.q.ClientID()
		}
		if sn.cfg.Eff.ReservationsInSubnet || sn.cfg.Eff.ReservationsGlobal {
			if !a.EarlyGlobalLookup {
				w.hostIdentifiers()
			}
			w.srv.engine.FindReservations(a)
		}
	}
	w.host = a.CurrentHost()
	if w.host != nil && len(w.host.ClientClasses) > 0 {
		// The classes evaluated so far may conflict with the reserved
		// ones (a test "not member('reserved')" held before): they are
		// removed, the reserved classes added and the first-pass classes
		// evaluated again (Kea's removeDependentEvaluatedClasses,
		// setReservedClientClasses, evaluateClasses).
		w.removeEvaluatedClasses()
		for _, c := range w.host.ClientClasses {
			w.q.Classes.Add(c)
		}
		w.evaluate(w.snap.phase1)
	}
	w.classify2(len(a.Hosts) > 0)
	if w.has("DROP") {
		w.srv.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0013, w.label())
		return false
	}
	w.initResponse(respType)
	return true
}

// hostIdentifiers fills the client's host identifiers in the configured
// order.
func (w *worker) hostIdentifiers() {
	var circuit []byte
	if rai, ok := w.q.RelayAgentInfo(); ok {
		circuit, _ = rai.CircuitID()
	}
	flex, hasFlex := w.flexIdentifier()
	var flexID []byte
	if hasFlex && flex.Type == host.IdentFlexID {
		flexID = flex.Value
	}
	w.ids = host.AppendClientIdentifiers4(w.ids[:0], w.snap.hostIDs, w.q.HWAddr(), w.q.ClientID(), circuit, flexID)
	if hasFlex && flex.Type != host.IdentFlexID {
		w.ids = w.insertIdentifier(w.ids, flex)
	}
	w.actx.HostIdentifiers = w.ids
}

// initResponse starts the reply: Kea's copyDefaultFields and
// copyDefaultOptions.
func (w *worker) initResponse(t dhcp4.MessageType) {
	q, r := &w.q, &w.r
	r.Reset()
	r.Op = dhcp4.BootReply
	r.HType, r.HLen, r.CHAddr = q.HType, q.HLen, q.CHAddr
	r.Xid = q.Xid
	r.Hops = q.Hops
	r.GIAddr = q.GIAddr
	r.Flags = q.Flags
	if q.MessageType() != dhcp4.DHCPDISCOVER {
		r.CIAddr = q.CIAddr
	}
	r.IfName, r.IfIndex = q.IfName, q.IfIndex
	r.SetMessageType(t)
	if w.snap.echoClientID {
		if cid, ok := q.Get(dhcp4.OptionClientIdentifier); ok {
			r.Set(dhcp4.OptionClientIdentifier, cid)
		}
	}
	if rai, ok := q.Get(dhcp4.OptionRelayAgentInformation); ok && len(rai) > 0 {
		r.Set(dhcp4.OptionRelayAgentInformation, rai)
	}
	if ss, ok := q.Get(dhcp4.OptionSubnetSelection); ok {
		r.Set(dhcp4.OptionSubnetSelection, ss)
	}
	w.hasResp = true
}

// nak turns the reply into a DHCPNAK.
func (w *worker) nak() {
	w.r.SetMessageType(dhcp4.DHCPNAK)
	w.r.YIAddr = dhcp4.IPv4{}
	w.r.Del(dhcp4.OptionFQDN)
	w.r.Del(dhcp4.OptionHostName)
}

// finishReply adds what every reply with a lease (or to an INFORM) gets:
// required classes, configured options, fixed fields.
func (w *worker) finishReply() {
	w.requiredClassify(w.r.YIAddr)
	w.buildOptionList()
	w.appendRequestedOptions()
	w.appendRequestedVendorOptions()
	w.appendBasicOptions()
	w.setFixedFields()
}
