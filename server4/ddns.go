package server4

import (
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
)

// configureDDNS applies dhcp-ddns (Kea's D2ClientMgr, internal/d2client).
func (s *Server) configureDDNS(cfg *config.Dhcp4) error {
	return s.d2.Configure(cfg.DhcpDdns, s.log, keamsg.DHCP4_DDNS_REQUEST_SEND_FAILED)
}

// stopDDNS stops the NCR sender, if any.
func (s *Server) stopDDNS() { s.d2.Stop(s.log) }

// ddnsEnabled is Kea's D2ClientMgr::ddnsEnabled.
func (s *Server) ddnsEnabled() bool { return s.d2.Enabled() }

// ddnsTTL is the NCR lease-length for the subnet's ddns-ttl-percent.
func ddnsTTL(valid uint32, percent config.Opt[float64]) uint32 {
	if percent.Set {
		return ncr.TTL(valid, percent.V)
	}
	return ncr.TTL(valid, 0)
}

// QueueNCR4 is Kea's queueNCR for a v4 lease: nothing when updates are
// off, the lease has no name or no DNS direction; the DHCID comes from the
// client identifier when the lease has one, else from the hardware
// address. It implements leasecmds.DDNS4.
func (s *Server) QueueNCR4(remove bool, l *lease.Lease4) error {
	snd := s.d2.Sender()
	if snd == nil || snd.Suspended() || l.Hostname == "" || (!l.FQDNFwd && !l.FQDNRev) {
		return nil
	}
	var id []byte
	kind := "add"
	if remove {
		kind = "remove"
	}
	if len(l.ClientID) > 0 {
		var err error
		if id, err = ncr.DHCID4ClientID(l.ClientID, l.Hostname); err != nil {
			s.log.Error(keamsg.DHCPSRV_QUEUE_NCR_FAILED, "", kind, l.Addr.String(), err.Error())
			return err
		}
	} else {
		if len(l.HWAddr.Bytes) == 0 {
			return nil
		}
		id = ncr.DHCID4HW(byte(l.HWAddr.Type), l.HWAddr.Bytes, l.Hostname)
	}
	r := &ncr.Request{Type: ncr.Add, Forward: l.FQDNFwd, Reverse: l.FQDNRev,
		FQDN: ncrName(l.Hostname), IPAddress: l.Addr.String(), DHCID: id,
		LeaseExpiresOn: l.CLTT + int64(l.ValidLifetime), LeaseLength: l.ValidLifetime,
		UseConflictResolution: true}
	if remove {
		r.Type = ncr.Remove
	}
	var percent config.Opt[float64]
	if snap := s.snap.Load(); snap != nil {
		if sn := snap.byID[l.SubnetID]; sn != nil {
			e := &sn.cfg.Eff
			r.UseConflictResolution = e.DDNSConflictResolutionMode != "no-check-with-dhcid" && e.DDNSConflictResolutionMode != "no-check-without-dhcid"
			percent = e.DDNSTTLPercent
		}
	}
	r.LeaseLength = ddnsTTL(l.ValidLifetime, percent)
	if s.log.DebugEnabled(dbgDetail) {
		s.log.Debug(dbgDetail, keamsg.DHCPSRV_QUEUE_NCR, "", kind, r.String())
	}
	if err := snd.Send(r); err != nil {
		return err
	}
	return nil
}

// ncrName is the lease's hostname as an NCR's fqdn: with the trailing
// dot (Kea's dns::Name text form).
func ncrName(h string) string {
	if h != "" && h[len(h)-1] != '.' {
		return h + "."
	}
	return h
}

// serverFlags is Kea's D2ClientMgr::analyzeFqdn: the S and N flags of the
// reply from the client's, ddns-override-no-update and
// ddns-override-client-update; with updates off, N.
func serverFlags(enabled, clientS, clientN bool, e *config.Effective4) (s, n bool) {
	switch {
	case !enabled:
		return false, true
	case clientS:
		return true, false
	case clientN:
		s = e.DDNSOverrideNoUpdate
		return s, !s
	default:
		return e.DDNSOverrideClientUpdate, false
	}
}

// updatesEnabled is Kea's DdnsParams::getEnableUpdates for the selected
// subnet: dhcp-ddns enable-updates and ddns-send-updates.
func (w *worker) updatesEnabled() bool {
	return w.subnet != nil && w.subnet.cfg.Eff.DDNSSendUpdates && w.srv.ddnsEnabled()
}

// callDdns4Update calls ddns4_update once the name and the DNS directions
// are known; a callout may change the hostname (the reply's option 81 or
// 12 follow) and the directions.
func (w *worker) callDdns4Update() {
	s := w.srv
	if w.subnet == nil || !s.hooks.CalloutsPresent(hooks.Ddns4Update) {
		return
	}
	// Kea calls it at the end of its FQDN and Hostname option
	// processing: only when one of them named the client.
	_, fq := w.q.Get(dhcp4.OptionFQDN)
	_, hn := w.r.Get(dhcp4.OptionHostName)
	if !fq && !hn {
		return
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	defer state.Close()
	a := &w.actx
	hooks.Set(h, "query4", &w.q)
	hooks.Set(h, "response4", &w.r)
	hooks.Set(h, "subnet4", w.subnet.cfg)
	hooks.Set(h, "hostname", a.Hostname)
	hooks.Set(h, "fwd-update", a.FwdDNS)
	hooks.Set(h, "rev-update", a.RevDNS)
	hooks.Set(h, "ddns-params", &w.subnet.cfg.Eff)
	s.hooks.Call(hooks.Ddns4Update, h)
	name, err1 := hooks.Get[string](h, "hostname")
	fwd, err2 := hooks.Get[bool](h, "fwd-update")
	rev, err3 := hooks.Get[bool](h, "rev-update")
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	if name == a.Hostname && fwd == a.FwdDNS && rev == a.RevDNS {
		return
	}
	s.log.Debug(dbgDetail, keamsg.DHCP4_HOOK_DDNS_UPDATE, a.Hostname, name, a.FwdDNS, fwd, a.RevDNS, rev)
	if name != a.Hostname {
		if fq, ok := w.r.Get(dhcp4.OptionFQDN); ok && len(fq) >= 3 {
			w.scratch = append(w.scratch[:0], fq[:3]...)
			w.scratch = encodeFQDNName(w.scratch, ncrName(name), fq[0]&fqdnE != 0)
			w.r.Set(dhcp4.OptionFQDN, w.scratch)
		} else if _, ok := w.r.Get(dhcp4.OptionHostName); ok {
			w.r.Set(dhcp4.OptionHostName, []byte(name))
		}
		a.Hostname = name
	}
	a.FwdDNS, a.RevDNS = fwd, rev
}

// createNameChangeRequests is Kea's createNameChangeRequests after a real
// allocation: the old lease's entries are removed when its name or
// directions differ; the new lease's are added unless this is a renewal
// with the same name and ddns-update-on-renew is off.
func (w *worker) createNameChangeRequests(l, old *lease.Lease4) {
	s := w.srv
	if !s.ddnsEnabled() {
		return
	}
	same := old != nil && old.Hostname == l.Hostname && old.FQDNFwd == l.FQDNFwd && old.FQDNRev == l.FQDNRev
	if old != nil && !same {
		_ = s.QueueNCR4(true, old)
	}
	if l.Hostname == "" || (!l.FQDNFwd && !l.FQDNRev) {
		return
	}
	if same && !w.subnet.cfg.Eff.DDNSUpdateOnRenew {
		return
	}
	if same {
		// Kea removes then re-adds the entries on a renewal with
		// ddns-update-on-renew.
		_ = s.QueueNCR4(true, old)
	}
	_ = s.QueueNCR4(false, l)
}
