package server6

import (
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
)

// configureDDNS applies dhcp-ddns (Kea's D2ClientMgr, internal/d2client).
func (s *Server) configureDDNS(cfg *config.Dhcp6) error {
	return s.d2.Configure(cfg.DhcpDdns, s.log, keamsg.DHCP6_DDNS_REQUEST_SEND_FAILED)
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

// ncrName is a hostname as an NCR's fqdn, with the trailing dot.
func ncrName(h string) string {
	if h != "" && h[len(h)-1] != '.' {
		return h + "."
	}
	return h
}

// newNCR builds a request for one address; expires is Kea's
// lease-expires-on (0 in the ADD requests of the DHCPv6 server).
func (s *Server) newNCR(t ncr.ChangeType, fwd, rev bool, name, addr string, duid []byte, expires int64, valid, subnetID uint32) *ncr.Request {
	r := &ncr.Request{Type: t, Forward: fwd, Reverse: rev, FQDN: ncrName(name), IPAddress: addr,
		DHCID: ncr.DHCID6(duid, name), LeaseExpiresOn: expires, UseConflictResolution: true}
	var percent config.Opt[float64]
	if snap := s.snap.Load(); snap != nil {
		if sn := snap.byID[subnetID]; sn != nil {
			e := &sn.cfg.Eff
			r.UseConflictResolution = e.DDNSConflictResolutionMode != "no-check-with-dhcid" && e.DDNSConflictResolutionMode != "no-check-without-dhcid"
			percent = e.DDNSTTLPercent
		}
	}
	r.LeaseLength = ddnsTTL(valid, percent)
	return r
}

// QueueNCR6 is Kea's queueNCR for a v6 lease: address leases with a name,
// a DNS direction and a DUID only, when updates are enabled. It implements
// leasecmds.DDNS6.
func (s *Server) QueueNCR6(remove bool, l *lease.Lease6) error {
	snd := s.d2.Sender()
	if snd == nil || snd.Suspended() || l.Type != lease.TypeNA || l.Hostname == "" ||
		(!l.FQDNFwd && !l.FQDNRev) || len(l.DUID) == 0 {
		return nil
	}
	t := ncr.Add
	if remove {
		t = ncr.Remove
	}
	r := s.newNCR(t, l.FQDNFwd, l.FQDNRev, l.Hostname, l.Addr.String(), l.DUID, l.CLTT+int64(l.ValidLifetime), l.ValidLifetime, l.SubnetID)
	if s.log.DebugEnabled(dbgDetail) {
		s.log.Debug(dbgDetail, keamsg.DHCPSRV_QUEUE_NCR, "", t.String(), r.String())
	}
	return snd.Send(r)
}

// serverFlags is Kea's D2ClientMgr::analyzeFqdn: the S and N flags of the
// reply from the client's, ddns-override-no-update and
// ddns-override-client-update; with updates off, N.
func serverFlags(enabled, clientS, clientN bool, e *config.EffectiveCommon) (s, n bool) {
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
// subnet.
func (w *worker) updatesEnabled() bool {
	return w.subnet != nil && w.subnet.cfg.Eff.DDNSSendUpdates && w.srv.ddnsEnabled()
}

// callDdns6Update calls ddns6_update once the name and the directions are
// known, before the leases are assigned; a callout may change them.
func (w *worker) callDdns6Update() {
	s := w.srv
	if !w.fqdnSent || w.subnet == nil || !s.hooks.CalloutsPresent(hooks.Ddns6Update) {
		return
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	defer state.Close()
	a := &w.actx
	hooks.Set(h, "query6", &w.q)
	hooks.Set(h, "response6", &w.r)
	hooks.Set(h, "subnet6", w.subnet.cfg)
	hooks.Set(h, "hostname", w.fqdnName)
	hooks.Set(h, "fwd-update", a.FwdDNS)
	hooks.Set(h, "rev-update", a.RevDNS)
	hooks.Set(h, "ddns-params", &w.subnet.cfg.Eff)
	s.hooks.Call(hooks.Ddns6Update, h)
	name, err1 := hooks.Get[string](h, "hostname")
	fwd, err2 := hooks.Get[bool](h, "fwd-update")
	rev, err3 := hooks.Get[bool](h, "rev-update")
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	if name != w.fqdnName {
		w.fqdnName = name
		a.Hostname = name
	}
	if fwd != a.FwdDNS || rev != a.RevDNS {
		a.FwdDNS, a.RevDNS = fwd, rev
		// The reply's flags follow the directions.
		f := w.fqdnFlags &^ (fqdnS | fqdnN)
		if fwd {
			f |= fqdnS
		}
		if !fwd && !rev {
			f |= fqdnN
		}
		w.fqdnFlags = f
	}
}

// createNameChangeRequests is Kea's Dhcpv6Srv::createNameChangeRequests
// with its conditionalNCRRemoval: the DNS entries of leases that changed
// name or directions (or that the engine removed) go, and one ADD request
// is made for the first address of the reply's IA_NAs, unless the lease
// was only extended with the same name and ddns-update-on-renew is off.
func (w *worker) createNameChangeRequests() {
	s := w.srv
	if !w.updatesEnabled() || !w.fqdnSent {
		return
	}
	fwd, rev := w.fqdnFlags&fqdnS != 0, w.fqdnFlags&fqdnN == 0
	name := w.fqdnName
	for _, p := range w.ddnsRemoved {
		_ = s.QueueNCR6(true, p)
	}
	onRenew := w.subnet.cfg.Eff.DDNSUpdateOnRenew
	for _, p := range w.ddnsPrev {
		// With ddns-update-on-renew Kea removes the entries of an
		// extended lease and adds them again, name changed or not.
		if p.Hostname != "" && (onRenew || p.Hostname != name || p.FQDNFwd != fwd || p.FQDNRev != rev) {
			s.log.Debug(dbgDetail, keamsg.DHCP6_DDNS_REMOVE_OLD_LEASE_FQDN, w.q.TransactionID, p.Addr.String(), name, rev, fwd)
			_ = s.QueueNCR6(true, p)
		}
	}
	if w.fqdnFlags&fqdnN != 0 || name == "" {
		return
	}
	a, ok := w.firstReplyAddr()
	if !ok {
		return
	}
	extendedOnly := false
	for _, p := range w.ddnsPrev {
		if p.Addr == a && p.Hostname == name && p.FQDNFwd == fwd && p.FQDNRev == rev {
			extendedOnly = true
			break
		}
	}
	if !(fwd || rev) || (extendedOnly && !onRenew) {
		return
	}
	var valid uint32
	for _, l := range w.leases {
		if l.Type == lease.TypeNA && l.Addr == a {
			valid = l.ValidLifetime
		}
	}
	r := s.newNCR(ncr.Add, fwd, rev, name, a.String(), w.actx.DUID, 0, valid, w.subnet.id)
	if s.log.DebugEnabled(dbgDetail) {
		s.log.Debug(dbgDetail, keamsg.DHCP6_DDNS_CREATE_ADD_NAME_CHANGE_REQUEST, r.String())
	}
	if snd := s.d2.Sender(); snd != nil {
		_ = snd.Send(r)
	}
}
