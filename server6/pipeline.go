package server6

import (
	"bytes"
	"net/netip"
	"slices"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// process runs the pipeline for one query in Kea's order
// (Dhcpv6Srv::processPacket and processDhcp6Query). It reports whether the
// query was parked: the worker then belongs to the parked query.
func (w *worker) process(np *netio.Packet) (parked bool) {
	s := w.srv
	w.reset()
	w.snap = s.snap.Load()
	w.load(np)
	st := s.pstats
	st.received.Inc()
	if !s.disabled.Enabled() || w.snap == nil {
		s.log.Debug(dbgBasic, keamsg.DHCP6_PACKET_DROP_DHCP_DISABLED, w.q.TransactionID)
		st.receiveDrop.Inc()
		return false
	}
	skipUnpack := false
	if s.hooks.CalloutsPresent(hooks.Buffer6Receive) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query6", &w.q)
		s.hooks.Call(hooks.Buffer6Receive, h)
		status := h.Status()
		state.Close()
		if status == hooks.Drop {
			st.receiveDrop.Inc()
			return false
		}
		skipUnpack = status == hooks.Skip
	}
	if !skipUnpack {
		// A truncated last option is dropped, not the query (Kea's
		// unpackOptions6).
		w.q.Lenient = true
		err := w.q.Decode(w.q.Raw)
		if err == nil && badClientFQDN(w.q.Options) {
			err = errBadFQDN
		}
		if err == nil {
			err = checkVendorClasses(&w.q.Packet, w.snap.cfg.Compatibility.LenientOptionParsing.V)
		}
		if err != nil && shortRelay(w.q.Raw) {
			// Kea unwraps relay levels only while a whole relay
			// header remains: a shorter relay message is no parse
			// failure but a query of a type the server does not
			// serve (pkt6-unknown-received).
			st.countReceived(dhcp6.MessageType(w.q.Raw[0]))
			st.receiveDrop.Inc()
			return false
		}
		if err != nil {
			if s.log.DebugEnabled(dbgDetail) {
				s.log.Debug(dbgDetail, keamsg.DHCP6_PACKET_DROP_PARSE_FAIL, w.q.Src.Addr(), w.q.Dst.Addr(), w.q.IfName, err)
			}
			st.parseFailed.Inc()
			st.receiveDrop.Inc()
			return false
		}
	}
	mt := w.q.MsgType
	st.countReceived(mt)
	w.classify()
	if !w.accept(mt) {
		st.receiveDrop.Inc()
		return false
	}
	if s.hooks.CalloutsPresent(hooks.Pkt6Receive) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query6", &w.q)
		s.hooks.Call(hooks.Pkt6Receive, h)
		status := h.Status()
		state.Close()
		if status == hooks.Skip || status == hooks.Drop {
			// Kea's DHCPv6 server counts this drop (its DHCPv4
			// server leaves it to the library).
			st.receiveDrop.Inc()
			return false
		}
	}
	if w.has("DROP") {
		s.log.Debug(dbgBasic, keamsg.DHCP6_PACKET_DROP_DROP_CLASS, w.q.TransactionID)
		st.receiveDrop.Inc()
		return false
	}
	if w.snap.earlyGlobal && !w.earlyGlobalLookup() {
		return false
	}
	if mt == dhcp6.MsgDHCPv4Query {
		w.processDhcp4Query()
		return false
	}
	var ok bool
	switch mt {
	case dhcp6.MsgSolicit:
		ok = w.processSolicit()
	case dhcp6.MsgRequest:
		ok = w.processRequest()
	case dhcp6.MsgRenew:
		ok = w.processRenew(false)
	case dhcp6.MsgRebind:
		ok = w.processRenew(true)
	case dhcp6.MsgRelease:
		ok = w.processRelease()
	case dhcp6.MsgDecline:
		ok = w.processDecline()
	case dhcp6.MsgConfirm:
		ok = w.processConfirm()
	case dhcp6.MsgInformationRequest:
		ok = w.processInfRequest()
	}
	if !ok {
		return false
	}
	if w.replyType == dhcp6.MsgReply && mt != dhcp6.MsgInformationRequest && mt != dhcp6.MsgConfirm && s.hooks.CalloutsPresent(hooks.Leases6Committed) {
		return w.committed()
	}
	w.send()
	return false
}

// committed runs leases6_committed, parking the query when a callout asks
// for it, and sends the reply. It reports whether the query was parked:
// the worker then belongs to the parked query.
func (w *worker) committed() (parked bool) {
	s := w.srv
	if !w.build() {
		return false
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	hooks.Set(h, "query6", &w.q)
	hooks.Set(h, "response6", &w.r)
	hooks.Set(h, "leases6", &w.leases)
	hooks.Set(h, "deleted_leases6", &w.deleted)
	if err := s.hooks.Park(hooks.Leases6Committed, &w.q, func() { s.unparked(w) }); err != nil {
		state.Close()
		s.queueFull()
		return false
	}
	s.hooks.Call(hooks.Leases6Committed, h)
	status := h.Status()
	if status == hooks.Park {
		return true
	}
	s.hooks.Drop(hooks.Leases6Committed, &w.q)
	state.Close()
	if status == hooks.Drop {
		return false
	}
	w.sendBuilt()
	return false
}

// unparked resumes a query parked at leases6_committed: the reply is sent.
func (s *Server) unparked(w *worker) {
	w.q.CalloutHandle(s.hooks).ScopedState().Close()
	// Sent at once: the batch that parked the query may have ended. Its
	// lease rows may still be held by that batch: write them first.
	w.deferSend = false
	if s.flushHeld(w.q.TransactionID) {
		w.sendBuilt()
	}
	s.putWorker(w)
}

// classify assigns ALL and the classes whose test matches and does not
// depend on KNOWN/UNKNOWN (Kea's classifyPacket); only-if-required
// classes are left out.
func (w *worker) classify() {
	w.q.Classes.Add("ALL")
	w.classifyByVendor()
	w.evaluateClasses(false)
}

// Vendor class data items that name the built-in class whichever item
// they are (Kea's DOCSIS3_CLASS_MODEM and DOCSIS3_CLASS_EROUTER).
const (
	docsis3Modem   = "docsis3.0"
	docsis3ERouter = "eRouter1.0"
)

// classifyByVendor is Kea's Dhcpv6Srv::classifyByVendor: the first
// VENDOR_CLASS (16) option with a data item puts the query in
// VENDOR_CLASS_docsis3.0 or VENDOR_CLASS_eRouter1.0 when an item says so,
// else in VENDOR_CLASS_ followed by its first item. The option was checked
// at decoding (checkVendorClasses); an item running past it (accepted with
// lenient-option-parsing) is the rest of the option.
func (w *worker) classifyByVendor() {
	o, ok := w.q.Options.Get(dhcp6.OptVendorClass)
	if !ok || len(o.Data) < 6 {
		return
	}
	var first []byte
	found := ""
	for rest, i := o.Data[4:], 0; len(rest) >= 2; i++ {
		n := min(int(rest[0])<<8|int(rest[1]), len(rest)-2)
		item := rest[2 : 2+n]
		if i == 0 {
			first = item
		}
		switch string(item) {
		case docsis3Modem:
			found = docsis3Modem
		case docsis3ERouter:
			if found == "" {
				found = docsis3ERouter
			}
		}
		rest = rest[2+n:]
	}
	if found == "" {
		found = string(first)
	}
	w.q.Classes.Add("VENDOR_CLASS_" + found)
}

// evaluateClasses is Kea's evaluateClasses: the tests of the classes that
// are not only-if-required, in configuration order, those depending on
// KNOWN or UNKNOWN when dependsKnown is set, the others when not.
func (w *worker) evaluateClasses(dependsKnown bool) {
	if len(w.snap.classes) == 0 {
		return
	}
	e := &w.ectx
	e.Pkt = &w.q.Packet
	e.Iface, e.Src, e.Dst, e.Len = w.q.IfName, w.q.Src.Addr(), w.q.Dst.Addr(), w.q.Len
	e.Member = w.has
	e.Defs = w.snap.cfg.Defs
	for _, c := range w.snap.classes {
		if c.cfg.OnlyIfRequired || c.cfg.Expr == nil || c.dependsKnown != dependsKnown {
			continue
		}
		if c.cfg.TemplateTest.Set {
			// A template class: a non-empty value puts the query in the
			// class and in SPAWN_<class>_<value> (Kea 2.6).
			if v, err := c.cfg.Expr.EvalString(e); err == nil && len(v) > 0 {
				w.q.Classes.Add(c.name)
				w.q.Classes.Add("SPAWN_" + c.name + "_" + string(v))
			}
			continue
		}
		if ok, err := c.cfg.Expr.EvalBool(e); err == nil && ok {
			w.q.Classes.Add(c.name)
		}
	}
}

// earlyGlobalLookup is Kea's earlyGHRLookup (early-global-reservations-
// lookup), run for every query before subnet selection: the client's
// global reservation is looked up with its host identifiers; when it
// reserves classes, the classes evaluated so far are removed, the
// reserved ones added and the first-pass classes evaluated again (so
// subnet selection and pool guards see them), then KNOWN and the classes
// depending on it. A query in DROP by then is dropped (false). The
// reservation is kept for the rest of the processing.
func (w *worker) earlyGlobalLookup() bool {
	s := w.srv
	a := &w.actx
	a.EarlyGlobalLookup = true
	cid, _ := w.q.ClientID()
	a.HostIdentifiers = w.hostIdentifiers(cid, w.hwAddr(cid).Bytes)
	g := s.engine.FindGlobalReservation6(a)
	if g == nil {
		return true
	}
	if len(g.ClientClasses) > 0 {
		w.removeEvaluatedClasses()
		for _, c := range g.ClientClasses {
			w.q.Classes.Add(c)
		}
		w.evaluateClasses(false)
	}
	w.q.Classes.Add("KNOWN")
	w.evaluateClasses(true)
	if w.has("DROP") {
		s.log.Debug(dbgBasic, keamsg.DHCP6_PACKET_DROP_DROP_CLASS_EARLY, w.q.TransactionID)
		s.pstats.receiveDrop.Inc()
		return false
	}
	w.hosts[0] = g
	return true
}

// removeEvaluatedClasses is Kea's removeDependentEvaluatedClasses: the
// query leaves every configured class that has a test (classes set by
// hooks stay).
func (w *worker) removeEvaluatedClasses() {
	kept := w.q.Classes[:0]
	for _, n := range w.q.Classes {
		if c := w.snap.byName[n]; c != nil && c.cfg.Expr != nil {
			continue
		}
		kept = append(kept, n)
	}
	w.q.Classes = kept
}

// requiredClassify evaluates the classes named by require-client-classes
// of the shared network, the subnet, then the pools of the addresses and
// prefixes given in this query, in that order, each once (Kea's
// requiredClassify); those whose test matches join the query's classes,
// so their options apply. A named class without a test is not added.
func (w *worker) requiredClassify() {
	sn := w.subnet
	if sn == nil {
		return
	}
	var seen []string
	filled := false
	eval := func(names []string) {
		for _, name := range names {
			if slices.Contains(seen, name) {
				continue
			}
			seen = append(seen, name)
			c := w.snap.byName[name]
			if c == nil || c.cfg.Expr == nil {
				continue
			}
			if !filled {
				filled = true
				e := &w.ectx
				e.Pkt = &w.q.Packet
				e.Iface, e.Src, e.Dst, e.Len = w.q.IfName, w.q.Src.Addr(), w.q.Dst.Addr(), w.q.Len
				e.Member = w.has
				e.Defs = w.snap.cfg.Defs
			}
			if ok, err := c.cfg.Expr.EvalBool(&w.ectx); err == nil && ok {
				w.q.Classes.Add(c.name)
			}
		}
	}
	eval(sn.require)
	for _, pr := range w.allocated {
		t := lease.TypeNA
		if pr.Bits() != 128 {
			t = lease.TypePD
		}
		if p := sn.pool(t, pr); p != nil {
			eval(p.require)
		}
	}
}

// accept is Kea's accept and sanityCheck: a message type the server
// handles, no unicast SOLICIT/CONFIRM/REBIND/INFORMATION-REQUEST from a
// direct client, the client and server identifiers each type requires or
// forbids, and a server identifier, when present, that is ours.
func (w *worker) accept(mt dhcp6.MessageType) bool {
	s := w.srv
	q := &w.q
	var needCID, needSID, noSID bool
	switch mt {
	case dhcp6.MsgSolicit, dhcp6.MsgConfirm, dhcp6.MsgRebind:
		needCID, noSID = true, true
	case dhcp6.MsgRequest, dhcp6.MsgRenew, dhcp6.MsgRelease, dhcp6.MsgDecline:
		needCID, needSID = true, true
	case dhcp6.MsgInformationRequest, dhcp6.MsgDHCPv4Query:
	default:
		return false
	}
	if len(q.Relays) == 0 && q.Dst.Addr().IsValid() && !q.Multicast() {
		switch mt {
		case dhcp6.MsgSolicit, dhcp6.MsgConfirm, dhcp6.MsgRebind, dhcp6.MsgInformationRequest:
			s.log.Debug(dbgBasic, keamsg.DHCP6_PACKET_DROP_UNICAST, q.TransactionID, mt.String())
			return false
		}
	}
	if q.Options.Count(dhcp6.OptClientID) > 1 || q.Options.Count(dhcp6.OptServerID) > 1 {
		return false
	}
	cid, hasCID := q.ClientID()
	if hasCID && cid.Validate() != nil {
		return false
	}
	if needCID && !hasCID {
		return false
	}
	sid, hasSID := q.ServerID()
	if (needSID && !hasSID) || (noSID && hasSID) {
		return false
	}
	if hasSID && !bytes.Equal(sid, s.duid) {
		s.log.Debug(dbgDetail, keamsg.DHCP6_PACKET_DROP_SERVERID_MISMATCH, q.TransactionID, sid.String(), formatDUID(s.duid))
		return false
	}
	return true
}

// selectSubnet is Kea's selectSubnet6: for a direct client (or a relayed
// one whose innermost relay gives no link address) the subnet of
// the arrival interface, else the one holding its source address; for a
// relayed one the subnet whose interface-id matches the relay's, else the
// one listing the relay's link address, else the one holding it.
func (w *worker) selectSubnet() *subnet6 {
	q := &w.q
	has := w.has
	snap := w.snap
	// A relayed query whose innermost relay gives no link address is
	// matched as a direct one (arrival interface, then source address),
	// as Kea's CfgSubnets6::selectSubnet does: its interface-id is not
	// looked at.
	if len(q.Relays) == 0 || !q.Relays[len(q.Relays)-1].LinkAddr.IsValid() ||
		q.Relays[len(q.Relays)-1].LinkAddr.IsUnspecified() {
		for _, sn := range snap.bySelOrder {
			if sn.iface != "" && sn.iface == q.IfName && sn.admits(has) {
				return sn
			}
		}
		src := q.Src.Addr()
		for _, sn := range snap.bySelOrder {
			if src.IsValid() && sn.inRange(src) && sn.admits(has) {
				return sn
			}
		}
		return nil
	}
	if o, _, ok := q.RelayOption(dhcp6.OptInterfaceID, true); ok {
		for _, sn := range snap.bySelOrder {
			if sn.ifaceID != "" && sn.ifaceID == string(o.Data) && sn.admits(has) {
				return sn
			}
		}
	}
	link := q.Relays[len(q.Relays)-1].LinkAddr
	for _, sn := range snap.bySelOrder {
		for _, r := range sn.relay {
			if r == link && sn.admits(has) {
				return sn
			}
		}
	}
	for _, sn := range snap.bySelOrder {
		if sn.inRange(link) && sn.admits(has) {
			return sn
		}
	}
	return nil
}

// initExchange selects the subnet (subnet6_select), looks up the client's
// reservations and fills the allocation context.
func (w *worker) initExchange() bool {
	s := w.srv
	sn := w.selectSubnet()
	if s.hooks.CalloutsPresent(hooks.Subnet6Select) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query6", &w.q)
		cs := subnetConfig(sn)
		hooks.Set(h, "subnet6", cs)
		all := Subnet6Collection(w.snap.cfg.AllSubnets)
		hooks.Set(h, "subnet6collection", &all)
		s.hooks.Call(hooks.Subnet6Select, h)
		status := h.Status()
		if status == hooks.Drop {
			state.Close()
			return false
		}
		if status == hooks.Skip {
			sn = nil
		} else if ncs, err := hooks.Get[*config.Subnet6](h, "subnet6"); err == nil && ncs != cs {
			sn = nil
			if ncs != nil {
				sn = w.snap.byID[ncs.ID]
			}
		}
		state.Close()
	}
	w.subnet = sn
	a := &w.actx
	a.Query = &w.q
	if w.q.HasCalloutHandle() {
		a.Callout = w.q.CalloutHandle(s.hooks)
	}
	cid, _ := w.q.ClientID()
	a.DUID = cid
	a.HWAddr = w.hwAddr(cid)
	a.Hosts = w.hosts
	a.NameFromHost = w.nameFromHost
	if sn != nil {
		a.Subnet = sn.cfg
		if !a.EarlyGlobalLookup {
			a.HostIdentifiers = w.hostIdentifiers(cid, a.HWAddr.Bytes)
		}
		s.engine.FindReservations6(a)
		w.host = a.CurrentHost()
	}
	if w.host != nil && len(w.host.ClientClasses) > 0 {
		// The classes evaluated so far may conflict with the reserved
		// ones: they are removed and evaluated again with them (Kea's
		// removeDependentEvaluatedClasses, setReservedClientClasses,
		// evaluateClasses).
		w.removeEvaluatedClasses()
		for _, c := range w.host.ClientClasses {
			w.q.Classes.Add(c)
		}
		w.evaluateClasses(false)
	}
	// KNOWN when the client has a reservation anywhere it may be served:
	// globally, in the subnet or in another subnet of its shared network
	// (Kea's initContext), then the classes depending on it.
	if len(a.Hosts) > 0 {
		w.q.Classes.Add("KNOWN")
	} else {
		w.q.Classes.Add("UNKNOWN")
	}
	w.evaluateClasses(true)
	if w.has("DROP") {
		s.log.Debug(dbgBasic, keamsg.DHCP6_PACKET_DROP_DROP_CLASS2, w.q.TransactionID)
		s.pstats.receiveDrop.Inc()
		return false
	}
	return true
}

// hwAddr finds the client's hardware address (mac-sources "any"): the
// relay's client link-layer address option, else a DUID-LLT or DUID-LL.
func (w *worker) hwAddr(duid dhcp6.DUID) lease.HWAddr {
	if n := len(w.q.Relays); n > 0 {
		if o, ok := w.q.Relays[n-1].Options.Get(dhcp6.OptClientLinklayerAddr); ok && len(o.Data) > 2 {
			return lease.HWAddr{Bytes: append([]byte(nil), o.Data[2:]...), Type: uint16(o.Data[0])<<8 | uint16(o.Data[1]), Source: lease.HWAddrSourceClientLinkAddr}
		}
	}
	if info, err := duid.Parse(); err == nil && (info.Type == dhcp6.DUIDLLT || info.Type == dhcp6.DUIDLL) && len(info.LinkAddr) > 0 {
		return lease.HWAddr{Bytes: append([]byte(nil), info.LinkAddr...), Type: info.HWType, Source: lease.HWAddrSourceDUID}
	}
	return lease.HWAddr{}
}

// send builds the reply and sends it.
func (w *worker) send() {
	if w.build() {
		w.sendBuilt()
	}
}

// build packs the reply with its relay levels into w.r, addressed to the
// client or relay; with pkt6_send, buffer6_send or leases6_committed
// callouts present it also decodes it, so that they see its fields.
func (w *worker) build() bool {
	s := w.srv
	q := &w.q
	enc, err := w.pack()
	if err != nil {
		s.log.Error(keamsg.DHCP6_PACK_FAIL, err)
		return false
	}
	w.enc = enc
	r := &w.r
	r.Reset()
	r.Raw = enc
	r.IfName, r.IfIndex = q.IfName, q.IfIndex
	r.Src = netip.AddrPortFrom(q.Dst.Addr(), s.serverPort())
	if q.Multicast() {
		r.Src = netip.AddrPortFrom(netip.Addr{}, s.serverPort())
	}
	r.Dst = w.replyDst()
	if s.hooks.CalloutsPresent(hooks.Pkt6Send) || s.hooks.CalloutsPresent(hooks.Buffer6Send) || s.hooks.CalloutsPresent(hooks.Leases6Committed) {
		if r.Decode(enc) != nil {
			return false
		}
	}
	return true
}

// sendBuilt runs pkt6_send on the built reply, packs it again if the
// callouts may have changed it, runs buffer6_send and sends it.
func (w *worker) sendBuilt() {
	s := w.srv
	q := &w.q
	r := &w.r
	if s.hooks.CalloutsPresent(hooks.Pkt6Send) {
		h := q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query6", q)
		hooks.Set(h, "response6", r)
		hooks.Set(h, "subnet6", subnetConfig(w.subnet))
		// Skip means the callouts packed the reply themselves (into
		// Raw); one that did not sends an empty datagram, as in Kea.
		r.Raw = nil
		s.hooks.Call(hooks.Pkt6Send, h)
		status := h.Status()
		state.Close()
		if status == hooks.Drop {
			return
		}
		if status != hooks.Skip {
			// Pack what the callouts left: r's options point into
			// w.enc, so pack into the other buffer.
			enc, err := r.AppendTo(w.enc2[:0])
			if err != nil {
				s.log.Error(keamsg.DHCP6_PACK_FAIL, err)
				return
			}
			w.enc2 = enc
			r.Raw = enc
		}
	}
	if s.hooks.CalloutsPresent(hooks.Buffer6Send) {
		h := q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "response6", r)
		s.hooks.Call(hooks.Buffer6Send, h)
		status := h.Status()
		state.Close()
		if status == hooks.Drop || status == hooks.Skip {
			return
		}
	}
	if w.deferSend {
		// Sent and counted at the end of the batch (batchEnd).
		if err := s.queueReply(w, r); err != nil {
			s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, q.TransactionID, err)
		}
		return
	}
	if err := w.transmit(r); err != nil {
		s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, q.TransactionID, err)
		return
	}
	s.pstats.countSent(w.replyType)
}

// replyDst is where the reply goes: the relay (port 547 or the relay's
// source port) or the client (port 546), or -P.
func (w *worker) replyDst() netip.AddrPort {
	q := &w.q
	port := uint16(clientPort6)
	if len(q.Relays) > 0 {
		port = serverPort6
		if sp, ok, err := q.Relays[0].SourcePort(); ok && err == nil && sp != 0 {
			port = q.Src.Port()
		}
	}
	if w.srv.opts.ClientPort != 0 {
		port = w.srv.opts.ClientPort
	}
	return netip.AddrPortFrom(q.Src.Addr(), port)
}

// pack encodes the reply: RELAY-REPL levels echoing interface-id and
// relay-source-port (Kea's copyRelayInfo), the header, then the options in
// code order.
func (w *worker) pack() ([]byte, error) {
	var b dhcp6.Builder
	b.Reset(w.enc[:0])
	for i := range w.q.Relays {
		b.OpenRelayReply(&w.q.Relays[i], dhcp6.OptInterfaceID, dhcp6.OptRelaySourcePort)
	}
	b.Header(w.replyType, w.q.TransactionID)
	sortItems(w.items)
	for _, it := range w.items {
		b.Raw(w.opt[it.start:it.end])
	}
	return b.Finish()
}

// sortItems orders by code, keeping the order of equal codes (insertion
// sort: replies have a handful of options).
func sortItems(a []item) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j].code < a[j-1].code; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func (w *worker) transmit(r *pkt.Pkt6) error {
	out := w.out
	n := copy(out.Payload(), r.Raw)
	if err := out.SetPayload(n); err != nil {
		return err
	}
	out.IfIndex, out.IfName = r.IfIndex, r.IfName
	out.Src, out.Dst = r.Src, r.Dst
	out.Conn = w.conn
	if s := w.srv; s.sender != nil {
		return s.sender(out)
	}
	return errNoSockets
}

// shortRelay reports whether b is a relay message too short for the relay
// header.
func shortRelay(b []byte) bool {
	return len(b) > 0 && len(b) < dhcp6.RelayHeaderLen && dhcp6.MessageType(b[0]).IsRelay()
}
