package server4

import (
	"errors"
	"fmt"

	"github.com/nestordhcp/nestor/dhcp4"
)

// processDiscover answers a DHCPDISCOVER with an OFFER, or not at all when
// no address can be offered (Kea never NAKs a DISCOVER).
func (w *worker) processDiscover() error {
	sn, drop := w.selectSubnet()
	if drop || !w.initExchange(sn, dhcp4.DHCPOFFER) {
		w.hasResp = false
		return nil
	}
	ok, err := w.assignLease()
	if err != nil || !ok || w.r.YIAddr.IsZero() {
		w.hasResp = false
		return err
	}
	w.finishReply()
	w.adjustIfaceData()
	w.appendServerID()
	return nil
}

// processRequest answers a DHCPREQUEST in any client state with an ACK or
// a NAK, or not at all (INIT-REBOOT of an unknown client on a
// non-authoritative server, address in no pool).
func (w *worker) processRequest() error {
	sn, drop := w.selectSubnet()
	if drop || !w.initExchange(sn, dhcp4.DHCPACK) {
		w.hasResp = false
		return nil
	}
	ok, err := w.assignLease()
	if err != nil || !ok {
		w.hasResp = false
		return err
	}
	if !w.r.YIAddr.IsZero() {
		w.finishReply()
	}
	w.adjustIfaceData()
	w.appendServerID()
	return nil
}

// processInform answers a DHCPINFORM with an ACK carrying options and no
// lease.
func (w *worker) processInform() error {
	sn, drop := w.selectSubnet()
	if drop || !w.initExchange(sn, dhcp4.DHCPACK) {
		w.hasResp = false
		return nil
	}
	w.finishReply()
	w.adjustIfaceData()
	if w.r.Dst.Addr() != w.q.GIAddr.Addr() {
		w.r.Hops = 0
		w.r.GIAddr = dhcp4.IPv4{}
		w.r.Del(dhcp4.OptionRelayAgentInformation)
	}
	w.appendServerID()
	return nil
}

// processRelease releases the client's lease of ciaddr. There is no reply.
func (w *worker) processRelease() error {
	w.setClientIdentity()
	addr := w.q.CIAddr.Addr()
	old, err := w.srv.engine.Release4(&w.actx, addr)
	if err != nil {
		return err
	}
	if old != nil {
		w.deleted = append(w.deleted, old)
		_ = w.srv.QueueNCR4(true, old)
	}
	return nil
}

var errDeclineNoAddr = errors.New("Mandatory 'Requested IP address' option missing in DHCPDECLINE")

// processDecline puts the declined address in probation. There is no
// reply.
func (w *worker) processDecline() error {
	req, ok := w.q.RequestedIP()
	if !ok {
		return fmt.Errorf("%w sent from %s", errDeclineNoAddr, w.label())
	}
	w.setClientIdentity()
	addr := req.Addr()
	old, err := w.srv.engine.Decline4(&w.actx, addr)
	if err != nil {
		return err
	}
	// leases4_committed sees the declined lease in leases4 and nothing
	// in deleted_leases4, as Kea 2.2's declineLease sets only new_lease_.
	if old != nil {
		_ = w.srv.QueueNCR4(true, old)
		if l, err := w.srv.store.Lease4(addr); err == nil {
			w.leases = append(w.leases, l)
		}
	}
	return nil
}

// setClientIdentity fills the allocation context with what RELEASE and
// DECLINE need: the query, hardware address and client identifier
// (always: no subnet is selected for these messages).
func (w *worker) setClientIdentity() {
	a := &w.actx
	a.Query = &w.q
	a.HWAddr.Bytes, a.HWAddr.Type = w.q.HWAddr(), uint16(w.q.HType)
	a.ClientID = w.q.ClientID()
	if w.q.HasCalloutHandle() {
		a.Callout = w.q.CalloutHandle(w.srv.hooks)
	}
}
