package config

// readDhcpDdns reads dhcp-ddns and moves its deprecated behavioural keys to
// the global ddns-* parameters of g, as Kea does: a global value already
// set wins and the alias is ignored, with Kea's log messages.
func (d *decoder) readDhcpDdns(m *Node, g *ScopeParams, family int) DhcpDdns {
	dd := DhcpDdns{ServerIP: "127.0.0.1", ServerPort: 53001, MaxQueueSize: 1024,
		NCRProtocol: "UDP", NCRFormat: "JSON"}
	if m == nil {
		dd.SenderIP = zeroAddr(dd.ServerIP)
		return dd
	}
	r := newReader(m)
	var en Opt[bool]
	var sip, snd, proto, format Opt[string]
	var sport, sndport, mqs Opt[uint32]
	r.bool("enable-updates", &en)
	r.str("server-ip", &sip)
	r.str("sender-ip", &snd)
	r.u32("server-port", &sport)
	r.u32("sender-port", &sndport)
	r.u32("max-queue-size", &mqs)
	r.str("ncr-protocol", &proto)
	r.str("ncr-format", &format)
	dd.EnableUpdates = en.V
	dd.ServerIP = sip.Or(dd.ServerIP)
	dd.ServerPort = sport.Or(dd.ServerPort)
	dd.SenderPort = sndport.V
	dd.MaxQueueSize = mqs.Or(dd.MaxQueueSize)
	dd.NCRProtocol = proto.Or(dd.NCRProtocol)
	dd.NCRFormat = format.Or(dd.NCRFormat)
	dd.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return dd
	}
	if !validAddr(dd.ServerIP, 0) {
		d.fail(cfgErr(r.pos("server-ip"), "invalid address (%s) specified for parameter 'server-ip'", dd.ServerIP))
		return dd
	}
	dd.SenderIP = snd.Or(zeroAddr(dd.ServerIP))
	if !validAddr(dd.SenderIP, 0) {
		d.fail(cfgErr(r.pos("sender-ip"), "invalid address (%s) specified for parameter 'sender-ip'", dd.SenderIP))
		return dd
	}
	if addrFamily(dd.ServerIP) != addrFamily(dd.SenderIP) {
		d.fail(cfgErr(r.pos("sender-ip"), "D2ClientConfig error: address family mismatch: server-ip: %s is: %s while sender-ip: %s is: %s",
			dd.ServerIP, famName(dd.ServerIP), dd.SenderIP, famName(dd.SenderIP)))
		return dd
	}
	if dd.NCRProtocol == "TCP" {
		d.fail(cfgErr(r.pos("ncr-protocol"), "D2ClientConfig error: NCR Protocol: TCP is not yet supported"))
		return dd
	}
	if dd.ServerIP == dd.SenderIP && dd.ServerPort == dd.SenderPort {
		d.fail(cfgErr(m.Pos(), "D2ClientConfig error: server and sender cannot share the exact same IP address/port: %s/%d", dd.ServerIP, dd.ServerPort))
		return dd
	}
	d.moveDdnsAliases(r, g)
	return dd
}

func (d *decoder) moveDdnsAliases(r *reader, g *ScopeParams) {
	strs := []struct {
		old, new string
		dst      *Opt[string]
	}{
		{"qualifying-suffix", "ddns-qualifying-suffix", &g.DDNSQualifyingSuffix},
		{"replace-client-name", "ddns-replace-client-name", &g.DDNSReplaceClientName},
		{"generated-prefix", "ddns-generated-prefix", &g.DDNSGeneratedPrefix},
		{"hostname-char-set", "hostname-char-set", &g.HostnameCharSet},
		{"hostname-char-replacement", "hostname-char-replacement", &g.HostnameCharReplacement},
	}
	for _, s := range strs {
		var v Opt[string]
		r.str(s.old, &v)
		d.moveAlias(r, s.old, s.new, v.Set, s.dst.Set, func() { *s.dst = v })
	}
	bools := []struct {
		old, new string
		dst      *Opt[bool]
	}{
		{"override-no-update", "ddns-override-no-update", &g.DDNSOverrideNoUpdate},
		{"override-client-update", "ddns-override-client-update", &g.DDNSOverrideClientUpdate},
	}
	for _, b := range bools {
		var v Opt[bool]
		r.bool(b.old, &v)
		d.moveAlias(r, b.old, b.new, v.Set, b.dst.Set, func() { *b.dst = v })
	}
}

func (d *decoder) moveAlias(r *reader, old, new string, have, globalSet bool, move func()) {
	if !have {
		return
	}
	if globalSet {
		d.warn("DHCPSRV_CFGMGR_DDNS_PARAMETER_IGNORED",
			"dhcp-ddns:"+old+" is deprecated, using existing global:"+new, r.pos(old))
		return
	}
	move()
	d.warn("DHCPSRV_CFGMGR_DDNS_PARAMETER_MOVED",
		"dhcp-ddns:"+old+" is deprecated, moving it to global:"+new, r.pos(old))
}
