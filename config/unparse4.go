package config

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"sort"
	"strings"
)

// Unparse4 writes the configuration back as Kea's config-get shows it:
// the document {"Dhcp4": {...}} with defaults filled in the way Kea 2.2
// shows them (global defaults, and the parameters Kea's parser copies into
// every shared network and subnet), comments turned into user-context, and
// the keys beyond Kea 2.2 only when the file set them. Parsing the result
// gives the same configuration (see the round-trip test).
func Unparse4(c *Dhcp4) *Node {
	m := NewMap()
	g := &c.Scope
	gp := &g.ScopeParams

	m.Set("authoritative", NewBool(g.Authoritative.V))
	m.Set("boot-file-name", NewString(g.BootFileName.V))
	m.Set("calculate-tee-times", NewBool(gp.CalculateTeeTimes.V))
	unparseScopeExtras(m, gp, true)
	m.Set("ddns-generated-prefix", NewString(gp.DDNSGeneratedPrefix.Or(DefaultGeneratedPrefix)))
	m.Set("ddns-override-client-update", NewBool(gp.DDNSOverrideClientUpdate.V))
	m.Set("ddns-override-no-update", NewBool(gp.DDNSOverrideNoUpdate.V))
	m.Set("ddns-qualifying-suffix", NewString(gp.DDNSQualifyingSuffix.V))
	m.Set("ddns-replace-client-name", NewString(gp.DDNSReplaceClientName.Or(DefaultReplaceClientName)))
	m.Set("ddns-send-updates", NewBool(gp.DDNSSendUpdates.Or(true)))
	m.Set("ddns-update-on-renew", NewBool(gp.DDNSUpdateOnRenew.V))
	if gp.DDNSConflictResolutionMode.Set {
		m.Set("ddns-conflict-resolution-mode", NewString(gp.DDNSConflictResolutionMode.V))
	} else {
		m.Set("ddns-use-conflict-resolution", NewBool(gp.DDNSUseConflictResolution.Or(true)))
	}
	m.Set("decline-probation-period", u32Node(c.DeclineProbationPeriod.Or(DefaultDeclineProbation)))
	m.Set("dhcp-ddns", unparseDdns(c.DhcpDdns))
	m.Set("dhcp-queue-control", unparseQueue(c.DHCPQueueControl))
	m.Set("dhcp4o6-port", u16Node(c.Dhcp4o6Port.V))
	m.Set("early-global-reservations-lookup", NewBool(c.EarlyGlobalReservationsLookup.V))
	m.Set("echo-client-id", NewBool(c.EchoClientID.Or(true)))
	m.Set("expired-leases-processing", unparseELP(c.ExpiredLeasesProcessing))
	m.Set("hooks-libraries", unparseHooks(c.HooksLibraries))
	m.Set("host-reservation-identifiers", stringsNode(c.HostReservationIdentifiers.Or(
		[]string{"hw-address", "duid", "circuit-id", "client-id"})))
	m.Set("hostname-char-replacement", NewString(gp.HostnameCharReplacement.V))
	m.Set("hostname-char-set", NewString(gp.HostnameCharSet.Or(DefaultHostnameCharSet)))
	m.Set("interfaces-config", unparseInterfaces4(&c.InterfacesConfig))
	m.Set("ip-reservations-unique", NewBool(c.IPReservationsUnique.Or(true)))
	if c.LeaseDatabase != nil {
		m.Set("lease-database", unparseDatabase(c.LeaseDatabase))
	} else {
		ld := NewMap()
		ld.Set("type", NewString("memfile"))
		m.Set("lease-database", ld)
	}
	m.Set("match-client-id", NewBool(g.MatchClientID.Or(true)))
	m.Set("multi-threading", unparseMT(c.MultiThreading))
	m.Set("next-server", NewString(nextServer(g.NextServer)))
	m.Set("option-data", unparseOptionData(gp.OptionData))
	m.Set("option-def", unparseOptionDefs(c.OptionDefs))
	m.Set("parked-packet-limit", u32Node(c.ParkedPacketLimit.Or(DefaultParkedPacketLimit)))
	m.Set("reservations-global", NewBool(gp.ReservationsGlobal.V))
	m.Set("reservations-in-subnet", NewBool(gp.ReservationsInSubnet.Or(true)))
	m.Set("reservations-lookup-first", NewBool(c.ReservationsLookupFirst.V))
	m.Set("reservations-out-of-pool", NewBool(gp.ReservationsOutOfPool.V))
	sc := NewMap()
	sc.Set("lease-checks", NewString(c.SanityChecks.LeaseChecks))
	setOpt(sc, "extended-info-checks", c.SanityChecks.ExtendedInfoChecks, strNode)
	m.Set("sanity-checks", sc)
	m.Set("server-hostname", NewString(g.ServerHostname.V))
	m.Set("server-tag", NewString(c.ServerTag.V))
	m.Set("statistic-default-sample-age", u32Node(c.StatisticDefaultSampleAge.V))
	m.Set("statistic-default-sample-count", u32Node(c.StatisticDefaultSampleCount.Or(DefaultStatSampleCount)))
	m.Set("store-extended-info", NewBool(gp.StoreExtendedInfo.V))
	m.Set("t1-percent", NewFloat(gp.T1Percent.Or(DefaultT1Percent)))
	m.Set("t2-percent", NewFloat(gp.T2Percent.Or(DefaultT2Percent)))
	m.Set("valid-lifetime", u32Node(gp.ValidLifetime.Or(DefaultValidLifetime)))
	setOpt(m, "min-valid-lifetime", gp.MinValidLifetime, u32Node)
	setOpt(m, "max-valid-lifetime", gp.MaxValidLifetime, u32Node)
	setOpt(m, "renew-timer", gp.RenewTimer, u32Node)
	setOpt(m, "rebind-timer", gp.RebindTimer, u32Node)
	setOpt(m, "offer-lifetime", g.OfferLifetime, u32Node)
	setOpt(m, "stash-agent-options", c.StashAgentOptions, boolNode)
	setUserContext(m, gp.UserContext)

	if c.ControlSocket != nil {
		m.Set("control-socket", unparseControlSocket(c.ControlSocket))
	}
	if len(c.ControlSockets) > 0 {
		l := NewList()
		for _, cs := range c.ControlSockets {
			l.Items = append(l.Items, unparseControlSocket(cs))
		}
		m.Set("control-sockets", l)
	}
	if len(c.HostsDatabases) > 0 {
		if c.HostsDatabaseSingular && len(c.HostsDatabases) == 1 {
			m.Set("hosts-database", unparseDatabase(c.HostsDatabases[0]))
		} else {
			l := NewList()
			for _, db := range c.HostsDatabases {
				l.Items = append(l.Items, unparseDatabase(db))
			}
			m.Set("hosts-databases", l)
		}
	}
	if len(c.Loggers) > 0 {
		m.Set("loggers", unparseLoggers(c.Loggers))
	}
	if len(c.ClientClasses) > 0 {
		m.Set("client-classes", unparseClasses4(c.ClientClasses))
	}
	if len(c.Reservations) > 0 {
		m.Set("reservations", unparseReservations4(c.Reservations))
	}
	cm := unparseCompat(c.Compatibility)
	if len(cm.Entries) > 0 {
		m.Set("compatibility", cm)
	}
	if cc := c.ConfigControl; cc != nil {
		ccm := NewMap()
		if len(cc.ConfigDatabases) > 0 {
			l := NewList()
			for _, db := range cc.ConfigDatabases {
				l.Items = append(l.Items, unparseDatabase(db))
			}
			ccm.Set("config-databases", l)
		}
		ccm.Set("config-fetch-wait-time", u32Node(cc.ConfigFetchWaitTime.Or(30)))
		m.Set("config-control", ccm)
	}

	nets := NewList()
	for _, n := range c.SharedNetworks {
		nets.Items = append(nets.Items, unparseNetwork4(c, n))
	}
	m.Set("shared-networks", nets)
	m.Set("subnet4", unparseSubnets4(c, c.Subnets, nil))

	doc := NewMap()
	doc.Set("Dhcp4", m)
	return doc
}

// Hash4 is config-hash-get's value for the configuration.
func Hash4(c *Dhcp4) (string, error) { return Hash(Unparse4(c)) }

// unparseScopeExtras writes the scope keys Kea 2.2 shows only when set.
func unparseScopeExtras(m *Node, p *ScopeParams, global bool) {
	setOpt(m, "cache-threshold", p.CacheThreshold, floatNode)
	setOpt(m, "cache-max-age", p.CacheMaxAge, u32Node)
	setOpt(m, "ddns-ttl-percent", p.DDNSTTLPercent, floatNode)
	setOpt(m, "allocator", p.Allocator, strNode)
	if !global {
		setOpt(m, "reservations-global", p.ReservationsGlobal, boolNode)
		setOpt(m, "reservations-in-subnet", p.ReservationsInSubnet, boolNode)
		setOpt(m, "reservations-out-of-pool", p.ReservationsOutOfPool, boolNode)
		setOpt(m, "hostname-char-set", p.HostnameCharSet, strNode)
		setOpt(m, "hostname-char-replacement", p.HostnameCharReplacement, strNode)
		setOpt(m, "ddns-send-updates", p.DDNSSendUpdates, boolNode)
		setOpt(m, "ddns-override-no-update", p.DDNSOverrideNoUpdate, boolNode)
		setOpt(m, "ddns-override-client-update", p.DDNSOverrideClientUpdate, boolNode)
		setOpt(m, "ddns-replace-client-name", p.DDNSReplaceClientName, strNode)
		setOpt(m, "ddns-generated-prefix", p.DDNSGeneratedPrefix, strNode)
		setOpt(m, "ddns-qualifying-suffix", p.DDNSQualifyingSuffix, strNode)
		setOpt(m, "ddns-update-on-renew", p.DDNSUpdateOnRenew, boolNode)
		setOpt(m, "ddns-use-conflict-resolution", p.DDNSUseConflictResolution, boolNode)
		setOpt(m, "ddns-conflict-resolution-mode", p.DDNSConflictResolutionMode, strNode)
	}
}

// unparseInherited writes the parameters Kea's parser copies from the
// enclosing scope into a shared network or subnet (they show there in
// config-get). parent is the chain above the scope.
func unparseInherited(m *Node, own *ScopeParams, parent ...*ScopeParams) {
	unparseInheritedFam(m, 4, own, parent...)
}

// unparseInheritedFam is unparseInherited with the family's defaults.
func unparseInheritedFam(m *Node, family int, own *ScopeParams, parent ...*ScopeParams) {
	chain := append([]*ScopeParams{own}, parent...)
	pick32 := func(f func(*ScopeParams) Opt[uint32]) Opt[uint32] {
		for _, p := range chain {
			if f(p).Set {
				return f(p)
			}
		}
		return Opt[uint32]{}
	}
	valid := pick32(func(p *ScopeParams) Opt[uint32] { return p.ValidLifetime }).Or(DefaultValidLifetime)
	m.Set("valid-lifetime", u32Node(valid))
	m.Set("min-valid-lifetime", u32Node(pick32(func(p *ScopeParams) Opt[uint32] { return p.MinValidLifetime }).Or(valid)))
	m.Set("max-valid-lifetime", u32Node(pick32(func(p *ScopeParams) Opt[uint32] { return p.MaxValidLifetime }).Or(valid)))
	setOpt(m, "renew-timer", pick32(func(p *ScopeParams) Opt[uint32] { return p.RenewTimer }), u32Node)
	setOpt(m, "rebind-timer", pick32(func(p *ScopeParams) Opt[uint32] { return p.RebindTimer }), u32Node)
	calc, t1, t2, sei := Opt[bool]{}, Opt[float64]{}, Opt[float64]{}, Opt[bool]{}
	for _, p := range chain {
		calc, sei = orOpt(calc, p.CalculateTeeTimes), orOpt(sei, p.StoreExtendedInfo)
		t1, t2 = orOpt(t1, p.T1Percent), orOpt(t2, p.T2Percent)
	}
	defCalc, defT2 := false, DefaultT2Percent
	if family == 6 {
		defCalc, defT2 = true, DefaultT2Percent6
	}
	m.Set("calculate-tee-times", NewBool(calc.Or(defCalc)))
	m.Set("t1-percent", NewFloat(t1.Or(DefaultT1Percent)))
	m.Set("t2-percent", NewFloat(t2.Or(defT2)))
	m.Set("store-extended-info", NewBool(sei.V))
}

func unparseScope4(m *Node, s *Scope4) {
	setOpt(m, "match-client-id", s.MatchClientID, boolNode)
	setOpt(m, "authoritative", s.Authoritative, boolNode)
	setOpt(m, "next-server", s.NextServer, strNode)
	// Kea does not show an empty server-hostname or boot-file-name below
	// the global level ("" means inherit).
	if s.ServerHostname.V != "" {
		m.Set("server-hostname", NewString(s.ServerHostname.V))
	}
	if s.BootFileName.V != "" {
		m.Set("boot-file-name", NewString(s.BootFileName.V))
	}
	setOpt(m, "offer-lifetime", s.OfferLifetime, u32Node)
	unparseScopeExtras(m, &s.ScopeParams, false)
	m.Set("option-data", unparseOptionData(s.OptionData))
	setUserContext(m, s.UserContext)
}

func unparseSelectors(m *Node, s *Selectors) {
	setOpt(m, "interface", s.Interface, strNode)
	// Kea does not show an empty client-class.
	if s.ClientClass.V != "" {
		m.Set("client-class", NewString(s.ClientClass.V))
	}
	if len(s.RequireClientClasses) > 0 {
		m.Set("require-client-classes", stringsNode(s.RequireClientClasses))
	}
	rel := NewMap()
	var addrs []string
	if s.Relay != nil {
		addrs = s.Relay.IPAddresses
	}
	rel.Set("ip-addresses", stringsNode(addrs))
	m.Set("relay", rel)
}

func unparseNetwork4(c *Dhcp4, n *SharedNetwork4) *Node {
	m := NewMap()
	m.Set("name", NewString(n.Name))
	unparseInherited(m, &n.ScopeParams, &c.Scope.ScopeParams)
	unparseScope4(m, &n.Scope4)
	unparseSelectors(m, &n.Selectors)
	m.Set("subnet4", unparseSubnets4(c, n.Subnets, n))
	return m
}

func unparseSubnets4(c *Dhcp4, subs []*Subnet4, n *SharedNetwork4) *Node {
	l := NewList()
	for _, s := range subs {
		m := NewMap()
		m.Set("4o6-interface", NewString(s.FourOSixIface.V))
		m.Set("4o6-interface-id", NewString(s.FourOSixIfaceID.V))
		m.Set("4o6-subnet", NewString(s.FourOSixSubnet.V))
		m.Set("id", u32Node(s.ID))
		m.Set("subnet", NewString(s.Text))
		if n != nil {
			unparseInherited(m, &s.ScopeParams, &n.ScopeParams, &c.Scope.ScopeParams)
		} else {
			unparseInherited(m, &s.ScopeParams, &c.Scope.ScopeParams)
		}
		unparseScope4(m, &s.Scope4)
		unparseSelectors(m, &s.Selectors)
		// Kea's parser copies the network's relay into its subnets.
		rel := NewMap()
		rel.Set("ip-addresses", stringsNode(s.Eff.Relay))
		m.Set("relay", rel)
		pools := NewList()
		for _, p := range s.Pools {
			pools.Items = append(pools.Items, unparsePool4(p))
		}
		m.Set("pools", pools)
		m.Set("reservations", unparseReservations4(s.Reservations))
		l.Items = append(l.Items, m)
	}
	return l
}

func unparsePool4(p *Pool4) *Node {
	m := NewMap()
	m.Set("option-data", unparseOptionData(p.OptionData))
	m.Set("pool", NewString(poolText(p.First, p.Last)))
	setOpt(m, "pool-id", p.PoolID, u32Node)
	setOpt(m, "client-class", p.ClientClass, strNode)
	if len(p.RequireClientClasses) > 0 {
		m.Set("require-client-classes", stringsNode(p.RequireClientClasses))
	}
	setUserContext(m, p.UserContext)
	return m
}

// poolText is Kea's form of a pool: "a/len" when the range is exactly a
// prefix, else "first-last".
func poolText(first, last netip.Addr) string {
	for bits := 0; bits <= first.BitLen(); bits++ {
		p := netip.PrefixFrom(first, bits).Masked()
		if p.Addr() == first && lastAddr(p) == last {
			return p.String()
		}
	}
	return first.String() + "-" + last.String()
}

// identifierRank orders identifier types as Kea's host container does.
var identifierRank = map[string]int{"hw-address": 0, "duid": 1, "circuit-id": 2, "client-id": 3, "flex-id": 4}

func unparseReservations4(hs []*Reservation4) *Node {
	l := NewList()
	// Kea lists hosts in the order of its identifier index: identifier
	// bytes, then type.
	sorted := append([]*Reservation4(nil), hs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if c := bytes.Compare(a.IdentifierBytes, b.IdentifierBytes); c != 0 {
			return c < 0
		}
		return identifierRank[a.IdentifierType] < identifierRank[b.IdentifierType]
	})
	for _, h := range sorted {
		m := NewMap()
		m.Set("boot-file-name", NewString(h.BootFileName.V))
		m.Set("client-classes", stringsNode(h.ClientClasses))
		m.Set("hostname", NewString(h.Hostname))
		m.Set(h.IdentifierType, NewString(identifierText(h)))
		if h.IPAddress.Set {
			m.Set("ip-address", NewString(h.IPAddress.V.String()))
		}
		m.Set("next-server", NewString(nextServer(h.NextServer)))
		m.Set("option-data", unparseOptionData(h.OptionData))
		m.Set("server-hostname", NewString(h.ServerHostname.V))
		setUserContext(m, h.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

// identifierText is Kea's text of a host identifier: colon-separated
// lower-case hex for hw-address and duid, upper-case hex for the others.
func identifierText(h *Reservation4) string {
	if h.IdentifierType != "hw-address" && h.IdentifierType != "duid" {
		return upperHex(h.IdentifierBytes)
	}
	return colonHex(h.IdentifierBytes)
}

// upperHex is upper-case hex without separators.
func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// colonHex is lower-case hex bytes separated by colons.
func colonHex(b []byte) string {
	x := hex.EncodeToString(b)
	out := make([]byte, 0, len(x)*3/2)
	for i := 0; i < len(x); i += 2 {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, x[i:i+2]...)
	}
	return string(out)
}

func unparseClasses4(cs []*ClientClass4) *Node {
	l := NewList()
	for _, c := range cs {
		m := NewMap()
		m.Set("boot-file-name", NewString(c.BootFileName.V))
		m.Set("name", NewString(c.Name))
		m.Set("next-server", NewString(nextServer(c.NextServer)))
		m.Set("option-data", unparseOptionData(c.OptionData))
		m.Set("option-def", unparseOptionDefs(c.OptionDefs))
		m.Set("server-hostname", NewString(c.ServerHostname.V))
		setOpt(m, "test", c.Test, strNode)
		setOpt(m, "template-test", c.TemplateTest, strNode)
		if c.OnlyIfRequired {
			m.Set("only-if-required", NewBool(true))
		}
		setOpt(m, "valid-lifetime", c.ValidLifetime, u32Node)
		setOpt(m, "min-valid-lifetime", c.MinValid, u32Node)
		setOpt(m, "max-valid-lifetime", c.MaxValid, u32Node)
		setOpt(m, "offer-lifetime", c.OfferLifetime, u32Node)
		setUserContext(m, c.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

func unparseInterfaces4(ic *InterfacesConfig4) *Node {
	m := NewMap()
	m.Set("interfaces", stringsNode(ic.Interfaces))
	m.Set("re-detect", NewBool(ic.ReDetect.Or(true)))
	setOpt(m, "dhcp-socket-type", ic.DHCPSocketType, strNode)
	setOpt(m, "outbound-interface", ic.OutboundInterface, strNode)
	setOpt(m, "service-sockets-require-all", ic.ServiceSocketsRequireAll, boolNode)
	setOpt(m, "service-sockets-max-retries", ic.ServiceSocketsMaxRetries, u32Node)
	setOpt(m, "service-sockets-retry-wait-time", ic.ServiceSocketsRetryWaitTime, u32Node)
	setUserContext(m, ic.UserContext)
	return m
}

func unparseCompat(c Compatibility) *Node {
	m := NewMap()
	setOpt(m, "lenient-option-parsing", c.LenientOptionParsing, boolNode)
	setOpt(m, "ignore-dhcp-server-identifier", c.IgnoreDHCPServerIdentifier, boolNode)
	setOpt(m, "ignore-rai-link-selection", c.IgnoreRAILinkSelection, boolNode)
	setOpt(m, "exclude-first-last-24", c.ExcludeFirstLast24, boolNode)
	return m
}
