package server4

import (
	"errors"
	"fmt"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// handle is the netio handler: it processes one received packet on the
// calling worker goroutine.
func (s *Server) handle(np *netio.Packet) {
	w := s.getWorker()
	w.deferSend = false
	w.o6 = nil
	if !w.process(np) {
		s.putWorker(w)
	}
}

// process runs the pipeline for one query, in Kea's order
// (Dhcpv4Srv::processPacket and processDhcp4Query). It reports whether the
// query was parked: the worker then belongs to the parked query.
func (w *worker) process(np *netio.Packet) (parked bool) {
	s := w.srv
	w.reset()
	w.snap = s.snap.Load()
	st := s.pstats
	if len(np.Data) < dhcp4.HeaderLen {
		// Kea's Pkt4 refuses a buffer shorter than the BOOTP header
		// while receiving it: no statistic counts it.
		if s.log.DebugEnabled(dbgDetail) {
			s.log.Debug(dbgDetail, keamsg.DHCP4_BUFFER_RECEIVE_FAIL,
				fmt.Sprintf("Truncated DHCPv4 packet (len=%d) received, at least %d is expected.", len(np.Data), dhcp4.HeaderLen))
		}
		return false
	}
	w.load(np)
	st.received.Inc()
	if !s.enabled() {
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0008, w.label())
		return false
	}
	w.q.Classes.Add("ALL")

	skipUnpack := false
	if s.hooks.CalloutsPresent(hooks.Buffer4Receive) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query4", &w.q)
		s.hooks.Call(hooks.Buffer4Receive, h)
		status := h.Status()
		q, _ := hooks.Get[*pkt.Pkt4](h, "query4")
		state.Close()
		if status == hooks.Drop || q == nil {
			return false
		}
		skipUnpack = status == hooks.Skip
	}
	if !skipUnpack {
		err := w.q.Decode(w.q.Raw)
		if err == nil || dhcp4.KindOf(err) == dhcp4.ErrTruncatedOption {
			if ferr := checkFQDNOption(&w.q); ferr != nil {
				err = ferr
			}
		}
		if err != nil && (dhcp4.KindOf(err) != dhcp4.ErrTruncatedOption || errors.Is(err, errFQDN)) {
			if s.log.DebugEnabled(dbgDetail) {
				s.log.Debug(dbgDetail, keamsg.DHCP4_PACKET_DROP_0001, w.q.Src.Addr(), w.q.Dst.Addr(), w.q.IfName, err)
			}
			st.parseFailed.Inc()
			st.receiveDrop.Inc()
			return false
		}
	}
	mt := w.q.MessageType()
	st.countReceived(mt)

	if w.snap.stashAgentOpts {
		w.recoverStashedAgentOption()
	}
	w.classify1()

	if !w.accept(mt) {
		st.receiveDrop.Inc()
		return false
	}

	if s.hooks.CalloutsPresent(hooks.Pkt4Receive) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query4", &w.q)
		s.hooks.Call(hooks.Pkt4Receive, h)
		status := h.Status()
		state.Close()
		if status == hooks.Skip || status == hooks.Drop {
			return false
		}
		mt = w.q.MessageType()
	}
	if w.has("DROP") {
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0010, w.label())
		st.receiveDrop.Inc()
		return false
	}
	return w.processQuery(mt)
}

// processQuery is Kea's processDhcp4Query: the message handlers, then the
// lease hook points and the sending of the reply.
func (w *worker) processQuery(mt dhcp4.MessageType) (parked bool) {
	st := w.srv.pstats
	if w.snap.cfg.MultiThreading.Enable && lockable(mt) {
		keys, ok := w.srv.clients.tryLock(w)
		if !ok {
			return true
		}
		defer w.srv.clients.unlock(keys)
	}
	if err := w.sanityCheck(mt); err != nil {
		w.srv.log.Debug(dbgBasic, keamsg.DHCP4_PACKET_PROCESS_STD_EXCEPTION, err)
		st.receiveDrop.Inc()
		return false
	}
	if w.snap.earlyGlobal && (mt == dhcp4.DHCPDISCOVER || mt == dhcp4.DHCPREQUEST || mt == dhcp4.DHCPINFORM) {
		if !w.earlyGlobalLookup() {
			return false
		}
	}
	var err error
	switch mt {
	case dhcp4.DHCPDISCOVER:
		err = w.processDiscover()
	case dhcp4.DHCPREQUEST:
		err = w.processRequest()
	case dhcp4.DHCPRELEASE:
		err = w.processRelease()
	case dhcp4.DHCPDECLINE:
		err = w.processDecline()
	case dhcp4.DHCPINFORM:
		err = w.processInform()
	}
	if err != nil {
		w.srv.log.Debug(dbgBasic, keamsg.DHCP4_PACKET_PROCESS_STD_EXCEPTION, err)
		st.receiveDrop.Inc()
		return false
	}
	return w.commit(mt)
}

// commit calls leases4_committed (REQUEST, RELEASE, DECLINE) or
// lease4_offer (DISCOVER), parking the query when a callout asks for it,
// and sends the reply.
func (w *worker) commit(mt dhcp4.MessageType) (parked bool) {
	s := w.srv
	point := hooks.Leases4Committed
	switch mt {
	case dhcp4.DHCPDISCOVER:
		point = hooks.Lease4Offer
		if !w.hasResp {
			return false
		}
	case dhcp4.DHCPINFORM:
		w.send()
		return false
	}
	if !s.hooks.CalloutsPresent(point) {
		w.send()
		return false
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	hooks.Set(h, "query4", &w.q)
	if w.hasResp {
		hooks.Set(h, "response4", &w.r)
	} else {
		hooks.Set[*pkt.Pkt4](h, "response4", nil)
	}
	hooks.Set(h, "leases4", &w.leases)
	if point == hooks.Lease4Offer {
		hooks.Set(h, "offer_lifetime", w.actx.OfferLifetime)
		hooks.Set(h, "old_lease", w.actx.OldLease)
		hooks.Set(h, "host", w.host)
	} else {
		hooks.Set(h, "deleted_leases4", &w.deleted)
	}
	err := s.hooks.Park(point, &w.q, func() { s.unparked(w, point) })
	if err != nil {
		state.Close()
		s.queueFull()
		return false
	}
	s.hooks.Call(point, h)
	status := h.Status()
	if status == hooks.Park {
		return true
	}
	s.hooks.Drop(point, &w.q)
	if point == hooks.Lease4Offer && status != hooks.Drop && w.offerAddressInUse(h) {
		status = hooks.Drop
	}
	state.Close()
	if status == hooks.Drop {
		return false
	}
	w.send()
	return false
}

// unparked resumes a parked query: the reply is sent unless the
// lease4_offer callouts found the address in use.
func (s *Server) unparked(w *worker, point hooks.Point) {
	w.deferSend = false // sent at once: the parking batch may have ended
	h := w.q.CalloutHandle(s.hooks)
	drop := point == hooks.Lease4Offer && w.offerAddressInUse(h)
	h.ScopedState().Close()
	// The query's lease row may still be held by the batch that parked it
	// (a callout can resume the query before that batch ends): write the
	// held rows first, so that the lease is in the file before the reply.
	if g := s.grouper; g != nil && !drop {
		g.HoldWrites()
		if err := g.ReleaseWrites(); err != nil {
			s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, w.label(), err)
			drop = true
		}
	}
	if !drop {
		w.send()
	}
	s.putWorker(w)
}

// offerAddressInUse reads lease4_offer's offer_address_in_use and, when it
// is true, declines the offered lease (Kea's lease4_server_decline path).
func (w *worker) offerAddressInUse(h *hooks.CalloutHandle) bool {
	inUse, err := hooks.Get[bool](h, "offer_address_in_use")
	if err != nil || !inUse || w.lease == nil {
		return false
	}
	s := w.srv
	if old, err := s.engine.ServerDecline4(w.lease.Addr); err == nil && old != nil && s.hooks.CalloutsPresent(hooks.Lease4ServerDecline) {
		h.ScopedState()
		hooks.Set(h, "query4", &w.q)
		hooks.Set(h, "lease4", w.lease)
		s.hooks.Call(hooks.Lease4ServerDecline, h)
	}
	return true
}

// errFQDN marks the errors of checkFQDNOption.
var errFQDN = errors.New("DHCPv4 Client FQDN Option")

// fqdnError is an option 81 Kea's Option4ClientFqdn refuses to unpack.
type fqdnError string

func (e fqdnError) Error() string        { return string(e) }
func (e fqdnError) Is(target error) bool { return target == errFQDN }

// checkFQDNOption refuses, as Kea's Option4ClientFqdn does when the
// packet is unpacked, a Client FQDN option shorter than its three fixed
// fields or with both the S and N flags set (RFC 4702 section 2.1): the
// query is dropped as one that failed to parse (DHCP4_PACKET_DROP_0001,
// pkt4-parse-failed), whatever the DDNS configuration.
func checkFQDNOption(q *pkt.Pkt4) error {
	fq, ok := q.Get(dhcp4.OptionFQDN)
	if !ok {
		return nil
	}
	if len(fq) < 3 {
		return fqdnError("DHCPv4 Client FQDN Option (81) is truncated")
	}
	if fq[0]&(fqdnS|fqdnN) == fqdnS|fqdnN {
		return fqdnError("both N and S flag of the DHCPv4 Client FQDN Option are set. According to RFC 4702, if the N bit is 1 the S bit MUST be 0")
	}
	return nil
}
