package config

import (
	"bytes"
	"sort"
	"strconv"
)

// Unparse6 writes the configuration back as Kea's config-get shows it:
// the document {"Dhcp6": {...}} with defaults filled in the way Kea 2.2
// shows them (global defaults, and the parameters Kea's parser copies into
// every shared network and subnet), comments turned into user-context, and
// the keys beyond Kea 2.2 only when the file set them. Parsing the result
// gives the same configuration (see the round-trip test).
func Unparse6(c *Dhcp6) *Node {
	m := NewMap()
	g := &c.Scope
	gp := &g.ScopeParams

	m.Set("calculate-tee-times", NewBool(gp.CalculateTeeTimes.Or(true)))
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
	setOpt(m, "data-directory", c.DataDirectory, strNode)
	m.Set("decline-probation-period", u32Node(c.DeclineProbationPeriod.Or(DefaultDeclineProbation)))
	m.Set("dhcp-ddns", unparseDdns(c.DhcpDdns))
	m.Set("dhcp-queue-control", unparseQueue(c.DHCPQueueControl))
	m.Set("dhcp4o6-port", u16Node(c.Dhcp4o6Port.V))
	m.Set("early-global-reservations-lookup", NewBool(c.EarlyGlobalReservationsLookup.V))
	m.Set("expired-leases-processing", unparseELP(c.ExpiredLeasesProcessing))
	m.Set("hooks-libraries", unparseHooks(c.HooksLibraries))
	m.Set("host-reservation-identifiers", stringsNode(c.HostReservationIdentifiers.Or([]string{"hw-address", "duid"})))
	m.Set("hostname-char-replacement", NewString(gp.HostnameCharReplacement.V))
	m.Set("hostname-char-set", NewString(gp.HostnameCharSet.Or(DefaultHostnameCharSet)))
	m.Set("interfaces-config", unparseInterfaces6(&c.InterfacesConfig))
	m.Set("ip-reservations-unique", NewBool(c.IPReservationsUnique.Or(true)))
	if c.LeaseDatabase != nil {
		m.Set("lease-database", unparseDatabase(c.LeaseDatabase))
	} else {
		ld := NewMap()
		ld.Set("type", NewString("memfile"))
		m.Set("lease-database", ld)
	}
	m.Set("mac-sources", stringsNode(c.MACSources.Or([]string{"any"})))
	m.Set("multi-threading", unparseMT(c.MultiThreading))
	m.Set("option-data", unparseOptionData(gp.OptionData))
	m.Set("option-def", unparseOptionDefs(c.OptionDefs))
	m.Set("parked-packet-limit", u32Node(c.ParkedPacketLimit.Or(DefaultParkedPacketLimit)))
	m.Set("preferred-lifetime", u32Node(g.PreferredLifetime.Or(DefaultPreferredLifetime)))
	setOpt(m, "min-preferred-lifetime", g.MinPreferredLifetime, u32Node)
	setOpt(m, "max-preferred-lifetime", g.MaxPreferredLifetime, u32Node)
	m.Set("relay-supplied-options", unparseRelaySupplied(c.RelaySupplied))
	m.Set("reservations-global", NewBool(gp.ReservationsGlobal.V))
	m.Set("reservations-in-subnet", NewBool(gp.ReservationsInSubnet.Or(true)))
	m.Set("reservations-lookup-first", NewBool(c.ReservationsLookupFirst.V))
	m.Set("reservations-out-of-pool", NewBool(gp.ReservationsOutOfPool.V))
	sc := NewMap()
	sc.Set("lease-checks", NewString(c.SanityChecks.LeaseChecks))
	setOpt(sc, "extended-info-checks", c.SanityChecks.ExtendedInfoChecks, strNode)
	m.Set("sanity-checks", sc)
	m.Set("server-id", unparseServerID(c.ServerID))
	m.Set("server-tag", NewString(c.ServerTag.V))
	m.Set("statistic-default-sample-age", u32Node(c.StatisticDefaultSampleAge.V))
	m.Set("statistic-default-sample-count", u32Node(c.StatisticDefaultSampleCount.Or(DefaultStatSampleCount)))
	m.Set("store-extended-info", NewBool(gp.StoreExtendedInfo.V))
	m.Set("t1-percent", NewFloat(gp.T1Percent.Or(DefaultT1Percent)))
	m.Set("t2-percent", NewFloat(gp.T2Percent.Or(DefaultT2Percent6)))
	m.Set("valid-lifetime", u32Node(gp.ValidLifetime.Or(DefaultValidLifetime)))
	setOpt(m, "min-valid-lifetime", gp.MinValidLifetime, u32Node)
	setOpt(m, "max-valid-lifetime", gp.MaxValidLifetime, u32Node)
	setOpt(m, "renew-timer", gp.RenewTimer, u32Node)
	setOpt(m, "rebind-timer", gp.RebindTimer, u32Node)
	setOpt(m, "pd-allocator", g.PDAllocator, strNode)
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
		m.Set("client-classes", unparseClasses6(c.ClientClasses))
	}
	if len(c.Reservations) > 0 {
		m.Set("reservations", unparseReservations6(c.Reservations))
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
		nets.Items = append(nets.Items, unparseNetwork6(c, n))
	}
	m.Set("shared-networks", nets)
	m.Set("subnet6", unparseSubnets6(c, c.Subnets, nil))

	doc := NewMap()
	doc.Set("Dhcp6", m)
	return doc
}

// Hash6 is config-hash-get's value for the configuration.
func Hash6(c *Dhcp6) (string, error) { return Hash(Unparse6(c)) }

// unparseRelaySupplied shows the codes as Kea does: strings, option 65
// (always accepted) included, in code order.
func unparseRelaySupplied(codes []uint16) *Node {
	set := map[uint16]bool{65: true}
	for _, c := range codes {
		set[c] = true
	}
	var sorted []int
	for c := range set {
		sorted = append(sorted, int(c))
	}
	sort.Ints(sorted)
	l := NewList()
	for _, c := range sorted {
		l.Items = append(l.Items, NewString(strconv.Itoa(c)))
	}
	return l
}

func unparseServerID(s ServerID) *Node {
	m := NewMap()
	m.Set("enterprise-id", u32Node(s.EnterpriseID))
	m.Set("htype", u16Node(s.HType))
	m.Set("identifier", NewString(s.Identifier))
	m.Set("persist", NewBool(s.Persist))
	m.Set("time", u32Node(s.Time))
	m.Set("type", NewString(s.Type))
	setUserContext(m, s.UserContext)
	return m
}

func unparseInterfaces6(ic *InterfacesConfig6) *Node {
	m := NewMap()
	m.Set("interfaces", stringsNode(ic.Interfaces))
	m.Set("re-detect", NewBool(ic.ReDetect.Or(true)))
	setOpt(m, "service-sockets-require-all", ic.ServiceSocketsRequireAll, boolNode)
	setOpt(m, "service-sockets-max-retries", ic.ServiceSocketsMaxRetries, u32Node)
	setOpt(m, "service-sockets-retry-wait-time", ic.ServiceSocketsRetryWaitTime, u32Node)
	setUserContext(m, ic.UserContext)
	return m
}

// unparseInherited6 writes the parameters Kea's parser copies into a
// shared network or subnet (own first, then its parents).
func unparseInherited6(m *Node, own *Scope6, parent ...*Scope6) {
	ps := make([]*ScopeParams, len(parent))
	for i, p := range parent {
		ps[i] = &p.ScopeParams
	}
	unparseInheritedFam(m, 6, &own.ScopeParams, ps...)
	chain := append([]*Scope6{own}, parent...)
	var pref, lo, hi Opt[uint32]
	for _, s := range chain {
		pref, lo, hi = orOpt(pref, s.PreferredLifetime), orOpt(lo, s.MinPreferredLifetime), orOpt(hi, s.MaxPreferredLifetime)
	}
	p := pref.Or(DefaultPreferredLifetime)
	m.Set("preferred-lifetime", u32Node(p))
	m.Set("min-preferred-lifetime", u32Node(lo.Or(p)))
	m.Set("max-preferred-lifetime", u32Node(hi.Or(p)))
}

func unparseScope6(m *Node, s *Scope6) {
	setOpt(m, "pd-allocator", s.PDAllocator, strNode)
	unparseScopeExtras(m, &s.ScopeParams, false)
	m.Set("option-data", unparseOptionData(s.OptionData))
	setUserContext(m, s.UserContext)
}

// unparseLink6 writes interface-id when not empty and rapid-commit:
// always (Kea's default false) when always, else only when set.
func unparseLink6(m *Node, l *Link6, always bool) {
	if l.InterfaceID.V != "" {
		m.Set("interface-id", NewString(l.InterfaceID.V))
	}
	if always || l.RapidCommit.Set {
		m.Set("rapid-commit", NewBool(l.RapidCommit.V))
	}
}

func unparseNetwork6(c *Dhcp6, n *SharedNetwork6) *Node {
	m := NewMap()
	m.Set("name", NewString(n.Name))
	unparseInherited6(m, &n.Scope6, &c.Scope)
	unparseScope6(m, &n.Scope6)
	unparseSelectors(m, &n.Selectors)
	unparseLink6(m, &n.Link6, true)
	m.Set("subnet6", unparseSubnets6(c, n.Subnets, n))
	return m
}

func unparseSubnets6(c *Dhcp6, subs []*Subnet6, n *SharedNetwork6) *Node {
	l := NewList()
	for _, s := range subs {
		m := NewMap()
		m.Set("id", u32Node(s.ID))
		m.Set("subnet", NewString(s.Text))
		if n != nil {
			unparseInherited6(m, &s.Scope6, &n.Scope6, &c.Scope)
		} else {
			unparseInherited6(m, &s.Scope6, &c.Scope)
		}
		unparseScope6(m, &s.Scope6)
		unparseSelectors(m, &s.Selectors)
		// Kea's parser copies the network's relay into its subnets, not
		// its interface-id or rapid-commit.
		rel := NewMap()
		rel.Set("ip-addresses", stringsNode(s.Eff.Relay))
		m.Set("relay", rel)
		unparseLink6(m, &s.Link6, n == nil)
		pools := NewList()
		for _, p := range s.Pools {
			pools.Items = append(pools.Items, unparsePool6(p))
		}
		m.Set("pools", pools)
		pd := NewList()
		for _, p := range s.PDPools {
			pd.Items = append(pd.Items, unparsePDPool(p))
		}
		m.Set("pd-pools", pd)
		m.Set("reservations", unparseReservations6(s.Reservations))
		l.Items = append(l.Items, m)
	}
	return l
}

func unparsePool6(p *Pool6) *Node {
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

func unparsePDPool(p *PDPool6) *Node {
	m := NewMap()
	m.Set("delegated-len", NewInt(int64(p.DelegatedLen)))
	m.Set("option-data", unparseOptionData(p.OptionData))
	m.Set("prefix", NewString(p.Prefix.Addr().String()))
	m.Set("prefix-len", NewInt(int64(p.Prefix.Bits())))
	if p.ExcludedPrefix.Set {
		m.Set("excluded-prefix", NewString(p.ExcludedPrefix.V.Addr().String()))
		m.Set("excluded-prefix-len", NewInt(int64(p.ExcludedPrefix.V.Bits())))
	}
	setOpt(m, "pool-id", p.PoolID, u32Node)
	setOpt(m, "client-class", p.ClientClass, strNode)
	if len(p.RequireClientClasses) > 0 {
		m.Set("require-client-classes", stringsNode(p.RequireClientClasses))
	}
	setUserContext(m, p.UserContext)
	return m
}

func unparseReservations6(hs []*Reservation6) *Node {
	l := NewList()
	// Kea lists hosts in the order of its identifier index: identifier
	// bytes, then type.
	sorted := append([]*Reservation6(nil), hs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if c := bytes.Compare(a.IdentifierBytes, b.IdentifierBytes); c != 0 {
			return c < 0
		}
		return identifierRank[a.IdentifierType] < identifierRank[b.IdentifierType]
	})
	for _, h := range sorted {
		m := NewMap()
		m.Set("client-classes", stringsNode(h.ClientClasses))
		m.Set("hostname", NewString(h.Hostname))
		id := colonHex(h.IdentifierBytes)
		if h.IdentifierType == "flex-id" {
			id = upperHex(h.IdentifierBytes)
		}
		m.Set(h.IdentifierType, NewString(id))
		addrs := NewList()
		for _, a := range h.IPAddresses {
			addrs.Items = append(addrs.Items, NewString(a.String()))
		}
		m.Set("ip-addresses", addrs)
		m.Set("option-data", unparseOptionData(h.OptionData))
		pfx := NewList()
		for _, p := range h.Prefixes {
			pfx.Items = append(pfx.Items, NewString(p.String()))
		}
		m.Set("prefixes", pfx)
		setUserContext(m, h.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

func unparseClasses6(cs []*ClientClass6) *Node {
	l := NewList()
	for _, c := range cs {
		m := NewMap()
		m.Set("name", NewString(c.Name))
		m.Set("option-data", unparseOptionData(c.OptionData))
		if len(c.OptionDefs) > 0 {
			m.Set("option-def", unparseOptionDefs(c.OptionDefs))
		}
		setOpt(m, "test", c.Test, strNode)
		setOpt(m, "template-test", c.TemplateTest, strNode)
		if c.OnlyIfRequired {
			m.Set("only-if-required", NewBool(true))
		}
		setOpt(m, "valid-lifetime", c.ValidLifetime, u32Node)
		setOpt(m, "min-valid-lifetime", c.MinValid, u32Node)
		setOpt(m, "max-valid-lifetime", c.MaxValid, u32Node)
		setOpt(m, "preferred-lifetime", c.Preferred, u32Node)
		setOpt(m, "min-preferred-lifetime", c.MinPreferred, u32Node)
		setOpt(m, "max-preferred-lifetime", c.MaxPreferred, u32Node)
		setUserContext(m, c.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}
