package server4

import (
	"math"
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
)

// assignLease is Kea's Dhcpv4Srv::assignLease for DISCOVER and REQUEST:
// the INIT-REBOOT checks, the allocation, and the lease's part of the
// reply (yiaddr, lease time, subnet mask, T1/T2), or a NAK. It returns
// false when the query must get no answer at all.
func (w *worker) assignLease() (bool, error) {
	q := &w.q
	fake := q.MessageType() == dhcp4.DHCPDISCOVER
	var hint netip.Addr
	reqAddr, hasReq := q.RequestedIP()
	switch {
	case hasReq:
		hint = reqAddr.Addr()
	case !q.CIAddr.IsZero():
		hint = q.CIAddr.Addr()
	}
	_, hasSID := q.Get(dhcp4.OptionServerIdentifier)
	sn := w.subnet

	if !fake && !hasSID && hasReq {
		// INIT-REBOOT.
		if w.srv.log.Enabled(klog.Info) {
			w.srv.log.Info(keamsg.DHCP4_INIT_REBOOT, w.label(), hint)
		}
		l := w.findClientLease()
		authoritative := sn != nil && sn.cfg.Eff.Authoritative
		known := l != nil && l.BelongsTo(q.HWAddr(), w.actx.ClientID)
		if !authoritative && !known {
			w.srv.log.Debug(dbgDetail, keamsg.DHCP4_NO_LEASE_INIT_REBOOT, w.label(), hint)
			return false, nil
		}
		if (known && l.Addr != hint) || (!known && authoritative) || sn == nil {
			w.srv.log.Debug(dbgDetail, keamsg.DHCP4_PACKET_NAK_0002, w.label(), hint)
			w.nak()
			return true, nil
		}
	}
	if sn == nil {
		w.srv.log.Error(keamsg.DHCP4_PACKET_NAK_0001, w.label(), q.Src.Addr(), q.MessageType().String())
		w.nak()
		return true, nil
	}
	a := &w.actx
	a.RequestedAddr = hint
	a.FakeAllocation = fake
	if lt, ok := q.LeaseTime(); ok {
		a.RequestedLifetime = lt
	}
	w.processClientName()
	w.callDdns4Update()
	a.ExtendedInfo = w.extendedInfo(sn)
	l, old, err := w.srv.engine.Allocate4(a)
	if err != nil {
		return false, err
	}
	if a.Subnet != nil && a.Subnet.ID != sn.id {
		sn = w.snap.byID[a.Subnet.ID]
		w.subnet = sn
		w.host = a.CurrentHost()
	}
	if l == nil {
		if a.UnknownRequestedAddr && !w.srv.engine.InAnyPool(w.subnet.cfg, hint) {
			w.srv.log.Debug(dbgDetail, keamsg.DHCP4_UNKNOWN_ADDRESS_REQUESTED, w.label(), q.CIAddr, hint)
			return false, nil
		}
		if fake {
			w.srv.log.Debug(dbgDetail, keamsg.DHCP4_PACKET_NAK_0003, w.label(), q.CIAddr, hint)
		} else {
			w.srv.log.Debug(dbgDetail, keamsg.DHCP4_PACKET_NAK_0004, w.label(), q.CIAddr, hint)
		}
		w.nak()
		return true, nil
	}
	w.lease = l
	w.leases = append(w.leases, l)
	if old != nil && old.Addr != l.Addr && !fake {
		w.deleted = append(w.deleted, old)
	}
	valid := l.ValidLifetime
	if log := w.srv.log; log.Enabled(klog.Info) {
		if fake {
			log.Info(keamsg.DHCP4_LEASE_ADVERT, w.label(), l.Addr)
		} else {
			log.Info(keamsg.DHCP4_LEASE_ALLOC, w.label(), l.Addr, valid)
		}
	}
	r := &w.r
	r.YIAddr = dhcp4.IPv4(l.Addr.As4())
	if !fake {
		r.CIAddr = q.CIAddr
	}
	w.postAllocateName(l)
	if !fake {
		w.createNameChangeRequests(l, old)
	}
	if a.ReusableLifetime > 0 {
		valid = a.ReusableLifetime
		w.srv.log.Info(keamsg.DHCP4_LEASE_REUSE, w.label(), l.Addr, valid)
	}
	if fake && a.OfferLifetime > 0 {
		// The OFFER tells the valid lifetime, not the offer-lifetime.
		valid = w.offeredValid()
	}
	r.SetUint32(dhcp4.OptionLeaseTime, valid)
	w.subnetMask(sn)
	w.setTeeTimes(valid, sn)
	return true, nil
}

// offeredValid is the valid lifetime a lease written with an
// offer-lifetime would get on REQUEST.
func (w *worker) offeredValid() uint32 {
	e := &w.subnet.cfg.Eff
	v := e.ValidLifetime
	if lt := w.actx.RequestedLifetime; lt > 0 {
		v = min(max(lt, e.MinValidLifetime), e.MaxValidLifetime)
	}
	return v
}

// setTeeTimes adds T2 when it is below the valid lifetime and T1 when it
// is below T2 (or the valid lifetime), explicit values first, else
// calculated ones when calculate-tee-times is on (Kea's setTeeTimes).
func (w *worker) setTeeTimes(valid uint32, sn *subnet4) {
	e := &sn.cfg.Eff
	var t2 uint32
	if e.RebindTimer.Set {
		t2 = e.RebindTimer.V
	} else if e.CalculateTeeTimes {
		t2 = uint32(math.Round(e.T2Percent * float64(valid)))
	}
	ceiling := valid
	if t2 > 0 && t2 < ceiling {
		w.r.SetUint32(dhcp4.OptionRebindingTime, t2)
		ceiling = t2
	}
	var t1 uint32
	if e.RenewTimer.Set {
		t1 = e.RenewTimer.V
	} else if e.CalculateTeeTimes {
		t1 = uint32(math.Round(e.T1Percent * float64(valid)))
	}
	if t1 > 0 && t1 < ceiling {
		w.r.SetUint32(dhcp4.OptionRenewalTime, t1)
	}
}

// findClientLease finds the client's lease for INIT-REBOOT within the
// subnets it may use: by client identifier first (subnets with
// match-client-id), then by hardware address.
func (w *worker) findClientLease() *lease.Lease4 {
	sn := w.subnet
	if sn == nil {
		return nil
	}
	store := w.srv.store
	subnets := w.snap.networkSubnets(sn)
	if cid := w.actx.ClientID; len(cid) > 0 {
		ls, _ := store.Leases4ByClientID(cid)
		for _, l := range ls {
			for _, s := range subnets {
				if l.SubnetID == s.id && s.cfg.Eff.MatchClientID && s.admits(w.has) {
					return l
				}
			}
		}
	}
	if hw := w.q.HWAddr(); len(hw) > 0 {
		ls, _ := store.Leases4ByHWAddr(hw)
		for _, l := range ls {
			for _, s := range subnets {
				if l.SubnetID == s.id && s.admits(w.has) {
					return l
				}
			}
		}
	}
	return nil
}
