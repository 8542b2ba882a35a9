package server6

import (
	"encoding/binary"
	"math"
	"net/netip"
	"slices"
	"strconv"

	"github.com/nestordhcp/nestor/alloc"
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
)

// Kea's status messages.
const (
	msgNoSubnet    = "Server could not select subnet for this client"
	msgNoSubnetPD  = "Sorry, no subnet available."
	msgNoAddrs     = "Sorry, no address could be assigned at this time."
	msgNoPrefixes  = "Sorry, no prefixes could be allocated."
	msgNoBindingNA = "Sorry, no known leases for this duid/iaid."
	msgNoBindingPD = "Sorry, no known PD leases for this duid/iaid."
)

func subnetConfig(sn *subnet6) *config.Subnet6 {
	if sn == nil {
		return nil
	}
	return sn.cfg
}

// startReply begins a reply of type t with CLIENTID and SERVERID.
func (w *worker) startReply(t dhcp6.MessageType) {
	w.replyType = t
	if cid, ok := w.q.Options.Get(dhcp6.OptClientID); ok {
		w.add(dhcp6.OptClientID, cid.Data)
	}
	w.add(dhcp6.OptServerID, w.srv.duid)
}

func (w *worker) processSolicit() bool {
	if !w.initExchange() {
		return false
	}
	rapid := w.q.RapidCommit() && w.subnet != nil && w.subnet.cfg.Eff.RapidCommit
	if rapid {
		w.startReply(dhcp6.MsgReply)
		w.add(dhcp6.OptRapidCommit, nil)
	} else {
		w.startReply(dhcp6.MsgAdvertise)
	}
	w.processClientFQDN()
	w.callDdns6Update()
	w.assignIAs(!rapid, nil)
	w.finishFQDN()
	if rapid {
		w.createNameChangeRequests()
	}
	w.appendOptions()
	return true
}

func (w *worker) processRequest() bool {
	if !w.initExchange() {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	w.processClientFQDN()
	w.callDdns6Update()
	w.assignIAs(false, nil)
	w.finishFQDN()
	w.createNameChangeRequests()
	w.appendOptions()
	return true
}

func (w *worker) processRenew(rebind bool) bool {
	if !w.initExchange() {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	w.processClientFQDN()
	w.callDdns6Update()
	w.assignIAs(false, &rebind)
	w.finishFQDN()
	w.createNameChangeRequests()
	w.appendOptions()
	return true
}

// assignIAs processes every IA_NA and IA_PD of the query: allocation
// (SOLICIT, REQUEST) or extension (RENEW, REBIND when renew is set). The
// IA_NAs go first, then the IA_PDs, each kind in the query's order: Kea
// keeps a packet's options ordered by code, which decides which IA a
// reservation goes to and the order the leases are written in.
func (w *worker) assignIAs(fake bool, renew *bool) {
	w.actx.FakeAllocation = fake
	w.actx.ExtendedInfo = w.extendedInfo()
	opts := w.q.Options
	for _, kind := range [...]struct {
		code dhcp6.OptionCode
		t    lease.Type
	}{{dhcp6.OptIANA, lease.TypeNA}, {dhcp6.OptIAPD, lease.TypePD}} {
		for i := range opts {
			if opts[i].Code != kind.code {
				continue
			}
			ia, err := dhcp6.ParseIA(opts[i].Data)
			if err != nil {
				continue
			}
			w.assignIA(kind.t, kind.code, ia, renew)
		}
	}
	// A reservation found in another subnet of the shared network, where
	// the engine went, gives its options and classes (Kea's host_subnet_
	// and conditionallySetReservedClientClasses).
	if w.host == nil {
		if h := w.actx.CurrentHost(); h != nil {
			w.host = h
			for _, c := range h.ClientClasses {
				w.q.Classes.Add(c)
			}
		}
	}
}

func (w *worker) assignIA(t lease.Type, code dhcp6.OptionCode, ia dhcp6.IA, renew *bool) {
	ictx := alloc.IA6{Type: t, IAID: ia.IAID, Allocated: &w.allocated}
	it := ia.Options.Iter()
	for it.Next() {
		o := it.Option()
		switch {
		case t == lease.TypeNA && o.Code == dhcp6.OptIAAddr:
			if a, err := dhcp6.ParseIAAddr(o.Data); err == nil {
				ictx.Hints = append(ictx.Hints, alloc.Hint6{Prefix: netip.PrefixFrom(a.Addr, 128), Preferred: a.Preferred, Valid: a.Valid})
			}
		case t == lease.TypePD && o.Code == dhcp6.OptIAPrefix:
			if p, err := dhcp6.ParseIAPrefix(o.Data); err == nil {
				ictx.Hints = append(ictx.Hints, alloc.Hint6{Prefix: p.Prefix, Preferred: p.Preferred, Valid: p.Valid})
			}
		}
	}
	start := w.openIA(code, ia.IAID, 0, 0)
	noneStatus, noneMsg := dhcp6.StatusNoAddrsAvail, msgNoAddrs
	if t == lease.TypePD {
		noneStatus, noneMsg = dhcp6.StatusNoPrefixAvail, msgNoPrefixes
	}
	if w.subnet == nil {
		if renew != nil {
			noneStatus, noneMsg = dhcp6.StatusNoBinding, msgNoBindingNA
			if t == lease.TypePD {
				noneMsg = msgNoBindingPD
			}
		} else if t == lease.TypePD {
			noneMsg = msgNoSubnetPD
		} else {
			noneMsg = msgNoSubnet
		}
		w.addStatus(noneStatus, noneMsg)
		w.closeIA(start)
		return
	}
	var res alloc.Result6
	var err error
	if renew != nil {
		if w.srv.hooks.CalloutsPresent(hooks.Lease6Renew) || w.srv.hooks.CalloutsPresent(hooks.Lease6Rebind) {
			ictx.Response = &dhcp6.IA{IAID: ia.IAID}
		}
		res, err = w.srv.engine.Renew6(&w.actx, &ictx, *renew)
	} else {
		res, err = w.srv.engine.Allocate6(&w.actx, &ictx)
	}
	// The engine may have moved to another subnet of the shared network
	// (the client's lease is there, or the selected one is full): the
	// reply's timers and options follow, as Kea's ctx.subnet_ does.
	if cs := w.actx.Subnet; cs != nil && cs != w.subnet.cfg {
		if sn := w.snap.byID[cs.ID]; sn != nil {
			w.subnet = sn
		}
	}
	w.ddnsPrev = append(w.ddnsPrev, res.Previous...)
	w.ddnsRemoved = append(w.ddnsRemoved, res.RemovedLeases...)
	if err != nil || len(res.Leases) == 0 {
		w.addStatus(noneStatus, noneMsg)
		w.hookedIA(start, ictx.Response)
		w.closeIA(start)
		return
	}
	minPref := uint32(math.MaxUint32)
	// A prefix of a pd-pool with an excluded-prefix carries PD_EXCLUDE
	// when the client asked for it in its ORO (Kea's assignIA_PD and
	// extendIA_PD).
	excludeAsked := t == lease.TypePD && w.requested(dhcp6.OptPDExclude)
	for _, l := range res.Leases {
		pr := netip.PrefixFrom(l.Addr, int(l.PrefixLen))
		p := w.subnet.pool(t, pr)
		if t == lease.TypePD {
			var exclude []byte
			if excludeAsked && p != nil {
				exclude = p.exclude
			}
			w.addIAPrefixExclude(pr, l.PreferredLifetime, l.ValidLifetime, exclude)
		} else {
			w.addIAAddr(l.Addr, l.PreferredLifetime, l.ValidLifetime)
		}
		minPref = min(minPref, l.PreferredLifetime)
		if p != nil && p.opts != nil {
			w.pools = append(w.pools, p)
		}
		if !w.actx.FakeAllocation {
			w.leases = append(w.leases, l)
		}
		w.logLease(t, l, ia.IAID, renew != nil, res.Reused[l.Addr])
	}
	// What the client holds but may no longer use, with zero lifetimes.
	for _, pr := range res.Removed {
		if t == lease.TypePD {
			w.addIAPrefix(pr, 0, 0)
		} else {
			w.addIAAddr(pr.Addr(), 0, 0)
		}
	}
	if renew != nil {
		for _, h := range ictx.Hints {
			if !holds(res, h.Prefix) && !removed(res, h.Prefix) && !h.Prefix.Addr().IsUnspecified() {
				if t == lease.TypePD {
					w.addIAPrefix(h.Prefix, 0, 0)
				} else {
					w.addIAAddr(h.Prefix.Addr(), 0, 0)
				}
			}
		}
	}
	t1, t2 := teeTimes(&w.subnet.cfg.Eff, minPref)
	w.setT1T2(start, t1, t2)
	w.hookedIA(start, ictx.Response)
	w.closeIA(start)
}

// logLease logs a lease given to the client as Kea's assignIA_NA/PD and
// extendIA_NA/PD do: advertised (SOLICIT), allocated (REQUEST), renewed,
// or reused (lease caching) with the remaining valid lifetime.
func (w *worker) logLease(t lease.Type, l *lease.Lease6, iaid uint32, renew, reused bool) {
	log := w.srv.log
	if !log.Enabled(klog.Info) {
		return
	}
	pd := t == lease.TypePD
	switch {
	case reused && pd:
		log.Info(keamsg.DHCP6_PD_LEASE_REUSE, w.label(), l.Addr, l.PrefixLen, iaid, lifetimeText(l.ValidLifetime))
	case reused:
		log.Info(keamsg.DHCP6_LEASE_REUSE, w.label(), l.Addr, iaid, lifetimeText(l.ValidLifetime))
	case renew && pd:
		log.Info(keamsg.DHCP6_PD_LEASE_RENEW, w.label(), l.Addr, l.PrefixLen, iaid)
	case renew:
		log.Info(keamsg.DHCP6_LEASE_RENEW, w.label(), l.Addr, iaid)
	case w.actx.FakeAllocation && pd:
		log.Info(keamsg.DHCP6_PD_LEASE_ADVERT, w.label(), l.Addr, l.PrefixLen, iaid)
	case w.actx.FakeAllocation:
		log.Info(keamsg.DHCP6_LEASE_ADVERT, w.label(), l.Addr, iaid)
	case pd:
		log.Info(keamsg.DHCP6_PD_LEASE_ALLOC, w.label(), l.Addr, l.PrefixLen, iaid, l.ValidLifetime)
	default:
		log.Info(keamsg.DHCP6_LEASE_ALLOC, w.label(), l.Addr, iaid, l.ValidLifetime)
	}
}

// lifetimeText is Kea's Lease::lifetimeToText.
func lifetimeText(v uint32) string {
	if v == lease.InfiniteLifetime {
		return "infinity"
	}
	return strconv.FormatUint(uint64(v), 10)
}

// label is Kea 2.2's Pkt6::getLabel as its lease messages show it:
// "duid=[00:03:...], tid=0x1".
func (w *worker) label() string {
	b := make([]byte, 0, 80)
	b = append(b, "duid=["...)
	if len(w.actx.DUID) > 0 {
		b = append(b, dhcp6.DUID(w.actx.DUID).String()...)
	} else {
		b = append(b, "no info"...)
	}
	b = append(b, "], tid=0x"...)
	b = strconv.AppendUint(b, uint64(w.q.TransactionID), 16)
	return string(b)
}

// hookedIA puts into the IA opened at start what the lease6_renew or
// lease6_rebind callouts changed in their ia_na/ia_pd (resp, nil when
// none ran): the IAID, and the options they added, after the server's
// own. T1 and T2 are the server's, as Kea sets them after the callouts.
// Malformed options are not sent.
func (w *worker) hookedIA(start int, resp *dhcp6.IA) {
	if resp == nil {
		return
	}
	b := w.opt[start+4:]
	b[0], b[1], b[2], b[3] = byte(resp.IAID>>24), byte(resp.IAID>>16), byte(resp.IAID>>8), byte(resp.IAID)
	if len(resp.Options) == 0 {
		return
	}
	if resp.Options.Validate() != nil {
		return
	}
	w.opt = append(w.opt, resp.Options...)
}

// requested reports whether the query's ORO lists the option.
func (w *worker) requested(code dhcp6.OptionCode) bool {
	oro, _ := w.q.ORO()
	for i := 0; i < oro.Len(); i++ {
		if oro.At(i) == code {
			return true
		}
	}
	return false
}

func holds(r alloc.Result6, p netip.Prefix) bool {
	for _, l := range r.Leases {
		if l.Addr == p.Addr() {
			return true
		}
	}
	return false
}

func removed(r alloc.Result6, p netip.Prefix) bool {
	for _, x := range r.Removed {
		if x.Addr() == p.Addr() {
			return true
		}
	}
	return false
}

// teeTimes is Kea's setTeeTimes: renew-timer and rebind-timer when set,
// else computed from the preferred lifetime when calculate-tee-times is
// on; T1 is sent only when below T2 (0 otherwise, T1 equal to T2
// included, as Kea 2.2 sends it).
func teeTimes(eff *config.Effective6, pref uint32) (t1, t2 uint32) {
	switch {
	case eff.RebindTimer.Set:
		t2 = eff.RebindTimer.V
	case eff.CalculateTeeTimes:
		t2 = uint32(math.Round(eff.T2Percent * float64(pref)))
	}
	switch {
	case eff.RenewTimer.Set:
		t1 = eff.RenewTimer.V
	case eff.CalculateTeeTimes:
		t1 = uint32(math.Round(eff.T1Percent * float64(pref)))
	}
	if t1 >= t2 {
		t1 = 0
	}
	return t1, t2
}

func (w *worker) processRelease() bool {
	if !w.initExchange() {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	general := dhcp6.StatusSuccess
	w.forEachIA(func(t lease.Type, code dhcp6.OptionCode, ia dhcp6.IA) {
		start := w.openIA(code, ia.IAID, 0, 0)
		status, msg := w.releaseIA(t, ia)
		if status != dhcp6.StatusSuccess {
			general = status
		}
		w.addStatus(status, msg)
		w.closeIA(start)
	})
	w.addTopStatus(general, "Summary status for all processed IA_NAs")
	return true
}

func (w *worker) releaseIA(t lease.Type, ia dhcp6.IA) (dhcp6.StatusCode, string) {
	noBinding := "Sorry, no known leases for this duid/iaid, can't release."
	if t == lease.TypePD {
		noBinding = "Sorry, no known leases for this duid/iaid, can't release."
	}
	status, msg := dhcp6.StatusNoBinding, noBinding
	it := ia.Options.Iter()
	for it.Next() {
		o := it.Option()
		var pr netip.Prefix
		switch {
		case t == lease.TypeNA && o.Code == dhcp6.OptIAAddr:
			a, err := dhcp6.ParseIAAddr(o.Data)
			if err != nil {
				continue
			}
			pr = netip.PrefixFrom(a.Addr, 128)
		case t == lease.TypePD && o.Code == dhcp6.OptIAPrefix:
			p, err := dhcp6.ParseIAPrefix(o.Data)
			if err != nil {
				continue
			}
			pr = p.Prefix
		default:
			continue
		}
		out, l, err := w.srv.engine.Release6(&w.actx, t, ia.IAID, pr)
		switch {
		case err != nil || out == alloc.NoLease:
			return dhcp6.StatusNoBinding, noBinding
		case out == alloc.NotOwner:
			return dhcp6.StatusNoBinding, "This address does not belong to you, you can't release it"
		case out == alloc.WrongIAID: // Kea says "address" for prefixes too
			return dhcp6.StatusNoBinding, "This is your address, but you used wrong IAID"
		}
		if l != nil {
			w.deleted = append(w.deleted, l)
			_ = w.srv.QueueNCR6(true, l)
		}
		status, msg = dhcp6.StatusSuccess, "Lease released. Thank you, please come again."
	}
	return status, msg
}

func (w *worker) processDecline() bool {
	if !w.initExchange() {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	drop := false
	w.forEachIA(func(t lease.Type, code dhcp6.OptionCode, ia dhcp6.IA) {
		if t != lease.TypeNA {
			return
		}
		start := w.openIA(code, ia.IAID, 0, 0)
		status, msg := dhcp6.StatusNoBinding, "No addresses sent in IA_NA"
		it := ia.Options.Iter()
		for it.Next() {
			o := it.Option()
			if o.Code != dhcp6.OptIAAddr {
				continue
			}
			a, err := dhcp6.ParseIAAddr(o.Data)
			if err != nil {
				continue
			}
			out, l, err := w.srv.engine.Decline6(&w.actx, ia.IAID, a.Addr)
			switch {
			case out == alloc.Dropped:
				drop = true
			case err != nil || out == alloc.NoLease:
				status, msg = dhcp6.StatusNoBinding, "Server does not know about such an address."
			case out == alloc.NotOwner:
				status, msg = dhcp6.StatusNoBinding, "This address does not belong to you, you can't decline it"
			case out == alloc.WrongIAID:
				status, msg = dhcp6.StatusNoBinding, "This is your address, but you used wrong IAID"
			default:
				if l != nil {
					w.deleted = append(w.deleted, l)
					_ = w.srv.QueueNCR6(true, l)
				}
				status, msg = dhcp6.StatusSuccess, "Lease declined. Hopefully the next one will be better."
				continue
			}
			break
		}
		w.addStatus(status, msg)
		w.closeIA(start)
	})
	return !drop
}

// forEachIA calls fn for every IA_NA and IA_PD of the query.
func (w *worker) forEachIA(fn func(t lease.Type, code dhcp6.OptionCode, ia dhcp6.IA)) {
	for _, o := range w.q.Options {
		t := lease.TypeNA
		switch o.Code {
		case dhcp6.OptIANA:
		case dhcp6.OptIAPD:
			t = lease.TypePD
		default:
			continue
		}
		if ia, err := dhcp6.ParseIA(o.Data); err == nil {
			fn(t, o.Code, ia)
		}
	}
}

// processConfirm is Kea's processConfirm: the addresses of every IA_NA
// must be in the selected subnet. A CONFIRM without addresses, or for
// which no subnet is found, gets no reply.
func (w *worker) processConfirm() bool {
	if !w.initExchange() {
		return false
	}
	var addrs int
	var offLink netip.Addr
	w.forEachIA(func(t lease.Type, _ dhcp6.OptionCode, ia dhcp6.IA) {
		if t != lease.TypeNA {
			return
		}
		it := ia.Options.Iter()
		for it.Next() {
			o := it.Option()
			if o.Code != dhcp6.OptIAAddr {
				continue
			}
			a, err := dhcp6.ParseIAAddr(o.Data)
			if err != nil {
				continue
			}
			addrs++
			if !offLink.IsValid() && (w.subnet == nil || !w.subnet.inRange(a.Addr)) {
				offLink = a.Addr
			}
		}
	})
	if addrs == 0 || w.subnet == nil {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	// Kea names the first address found off-link.
	if offLink.IsValid() {
		w.addTopStatus(dhcp6.StatusNotOnLink, "Address "+offLink.String()+" is not on link.")
	} else {
		w.addTopStatus(dhcp6.StatusSuccess, "All addresses are on-link")
	}
	w.appendOptions()
	return true
}

func (w *worker) processInfRequest() bool {
	if !w.initExchange() {
		return false
	}
	w.startReply(dhcp6.MsgReply)
	w.appendOptions()
	return true
}

// appendOptions adds the options the client asked for in its ORO and the
// always-send ones, each from the most specific scope that has it: host,
// pool, subnet, shared network, classes, global.
func (w *worker) appendOptions() {
	w.requiredClassify()
	lv := w.levels[:0]
	if w.host != nil && len(w.host.Options) > 0 {
		lv = append(lv, w.snap.hostOptSet(w.host))
	}
	for _, p := range w.pools {
		lv = append(lv, p.opts)
	}
	if sn := w.subnet; sn != nil {
		lv = append(lv, sn.opts, sn.netOpts)
	}
	for _, name := range w.q.Classes {
		if c := w.snap.byName[name]; c != nil {
			lv = append(lv, c.opts)
		}
	}
	lv = append(lv, w.snap.global)
	w.levels = lv
	oro, _ := w.q.ORO()
	for i := 0; i < oro.Len(); i++ {
		w.addConfigured(uint16(oro.At(i)), false)
	}
	for _, o := range lv {
		if o == nil {
			continue
		}
		for _, c := range o.codes {
			if o.always[c] {
				w.addConfigured(c, true)
			}
		}
	}
	w.appendVendorOptions()
}

// docsisEnterprise is CableLabs' enterprise number, whose VENDOR_OPTS
// sub-option 1 is the vendor ORO (Kea's DOCSIS3_V6_ORO in vendor-4491).
const docsisEnterprise = 4491

// appendVendorOptions is Kea's appendRequestedVendorOptions: for each
// enterprise named by a vendor-class (16) or VENDOR_OPTS (17) option of the
// query, or by a VENDOR_OPTS already in the reply, in ascending order, the
// sub-options the client's vendor ORO asks for (DOCSIS: sub-option 1 of
// its VENDOR_OPTS) and the always-send ones of that vendor-<enterprise>
// space, each from the first scope that has it, in a VENDOR_OPTS of that
// enterprise (the reply's own when there is one, whose vendor ORO is then
// not looked at, as Kea 2.2 answers). Nothing without a selected subnet.
func (w *worker) appendVendorOptions() {
	if w.subnet == nil {
		return
	}
	var ids []uint32
	addID := func(id uint32) {
		i, found := slices.BinarySearch(ids, id)
		if !found {
			ids = slices.Insert(ids, i, id)
		}
	}
	var requested map[uint32][]uint16
	request := func(id uint32, code uint16) {
		if requested == nil {
			requested = map[uint32][]uint16{}
		}
		r := requested[id]
		if i, found := slices.BinarySearch(r, code); !found {
			requested[id] = slices.Insert(r, i, code)
		}
	}
	opts := w.q.Options
	for i := opts.Next(dhcp6.OptVendorClass, 0); i >= 0; i = opts.Next(dhcp6.OptVendorClass, i+1) {
		if d := opts[i].Data; len(d) >= 4 {
			addID(binary.BigEndian.Uint32(d))
		}
	}
	var answered []uint32
	for _, it := range w.items {
		if it.code == uint16(dhcp6.OptVendorOpts) && it.end-it.start >= 8 {
			id := binary.BigEndian.Uint32(w.opt[it.start+4:])
			addID(id)
			answered = append(answered, id)
		}
	}
	for i := opts.Next(dhcp6.OptVendorOpts, 0); i >= 0; i = opts.Next(dhcp6.OptVendorOpts, i+1) {
		d := opts[i].Data
		if len(d) < 4 {
			continue
		}
		id := binary.BigEndian.Uint32(d)
		addID(id)
		// The vendor ORO of an enterprise whose VENDOR_OPTS the reply
		// already has (a configured vendor-opts the ORO asked for) is
		// not looked at: Kea 2.2 then sends only the always-send
		// sub-options.
		if id != docsisEnterprise || slices.Contains(answered, id) {
			continue
		}
		it := dhcp6.View(d[4:]).Iter()
		for it.Next() {
			if o := it.Option(); o.Code == 1 {
				for j := 0; j+1 < len(o.Data); j += 2 {
					request(id, binary.BigEndian.Uint16(o.Data[j:]))
				}
				break
			}
		}
	}
	for _, id := range ids {
		for _, lv := range w.levels {
			if vs := lv.vendorSet(id); vs != nil {
				for _, c := range vs.codes {
					if vs.always[c] {
						request(id, c)
					}
				}
			}
		}
		codes := requested[id]
		if len(codes) == 0 {
			continue
		}
		// The reply's VENDOR_OPTS of this enterprise, if any.
		at := -1
		for k, it := range w.items {
			if it.code == uint16(dhcp6.OptVendorOpts) && it.end-it.start >= 8 && binary.BigEndian.Uint32(w.opt[it.start+4:]) == id {
				at = k
				break
			}
		}
		var payload []byte
		if at >= 0 {
			payload = append(payload, w.opt[w.items[at].start+4:w.items[at].end]...)
		} else {
			payload = binary.BigEndian.AppendUint32(payload, id)
		}
		added := false
		for _, c := range codes {
			if _, ok, _ := dhcp6.View(payload[4:]).Get(dhcp6.OptionCode(c)); ok {
				continue
			}
			for _, lv := range w.levels {
				vs := lv.vendorSet(id)
				if vs == nil {
					continue
				}
				if p, ok := vs.get(c); ok {
					if !vs.never[c] {
						payload = appendOption(payload, c, p)
						added = true
					}
					break
				}
			}
		}
		if !added {
			continue
		}
		if at >= 0 {
			start := len(w.opt)
			w.opt = appendOption(w.opt, uint16(dhcp6.OptVendorOpts), payload)
			w.items[at].start, w.items[at].end = start, len(w.opt)
		} else {
			w.add(dhcp6.OptVendorOpts, payload)
		}
	}
}

// addConfigured adds the configured option code from the first level that
// has it, unless it is never-send there or already in the reply.
func (w *worker) addConfigured(code uint16, always bool) {
	switch dhcp6.OptionCode(code) {
	case dhcp6.OptClientID, dhcp6.OptServerID, dhcp6.OptIANA, dhcp6.OptIAPD, dhcp6.OptStatusCode, dhcp6.OptRapidCommit:
		return
	}
	if w.hasItem(code) {
		return
	}
	for _, o := range w.levels {
		if o == nil {
			continue
		}
		if p, ok := o.get(code); ok {
			if o.never[code] || (always && !o.always[code]) {
				return
			}
			w.add(dhcp6.OptionCode(code), p)
			return
		}
	}
}
