package config

import (
	"github.com/nestordhcp/nestor/option"
)

// decodeDhcp4 reads the grammar-checked Dhcp4 map into the model, in the
// order Kea 2.2's configureDhcp4Server handles the keys, so that when a map
// has several problems the one reported is Kea's.
func (d *decoder) decodeDhcp4(m *Node, top *Node) *Dhcp4 {
	c := &Dhcp4{}
	r := newReader(m)

	// Global scalars and the scope of the inheritance chain.
	d.readScope4(r, &c.Scope)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	var hrid Opt[[]string]
	if m.Has("host-reservation-identifiers") {
		hrid = Some(r.strings("host-reservation-identifiers"))
	}
	c.HostReservationIdentifiers = hrid
	r.u16("dhcp4o6-port", &c.Dhcp4o6Port)
	r.bool("echo-client-id", &c.EchoClientID)
	r.u32("decline-probation-period", &c.DeclineProbationPeriod)
	r.str("server-tag", &c.ServerTag)
	r.u32("statistic-default-sample-count", &c.StatisticDefaultSampleCount)
	r.u32("statistic-default-sample-age", &c.StatisticDefaultSampleAge)
	r.u32("parked-packet-limit", &c.ParkedPacketLimit)
	r.bool("ip-reservations-unique", &c.IPReservationsUnique)
	r.bool("reservations-lookup-first", &c.ReservationsLookupFirst)
	r.bool("early-global-reservations-lookup", &c.EarlyGlobalReservationsLookup)
	r.bool("stash-agent-options", &c.StashAgentOptions)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if d.checkGlobalLifetimes(&c.Scope); d.failed() {
		return nil
	}
	if c.Scope.NextServer.Set && c.Scope.NextServer.V != "" && !validAddr(c.Scope.NextServer.V, 4) {
		d.fail(cfgErr(r.pos("next-server"), "invalid parameter next-server : %s", c.Scope.NextServer.V))
		return nil
	}

	// The keys Kea handles before the others.
	c.OptionDefs = d.readOptionDefList(r)
	d.fail(r.err)
	if d.failed() {
		return nil
	}
	c.Defs = d.buildDefs(c.OptionDefs)
	if d.failed() {
		return nil
	}
	d.resolveOptions(c.Scope.OptionData, c.Defs)
	if cs := m.Get("control-socket"); cs != nil && !d.failed() {
		c.ControlSocket = d.readControlSocket(cs, false)
	}
	if l := m.Get("control-sockets"); l != nil && !d.failed() {
		for _, it := range l.Items {
			if cs := d.readControlSocket(it, true); cs != nil {
				c.ControlSockets = append(c.ControlSockets, cs)
			}
		}
	}
	if !d.failed() {
		c.DHCPQueueControl = d.readQueueControl(m.Get("dhcp-queue-control"), "kea-ring4")
	}
	if hrid.Set && !d.failed() {
		d.checkHostIdentifiers(m.Get("host-reservation-identifiers"), hrid.V)
	}
	if !d.failed() {
		c.SanityChecks = d.readSanityChecks(m.Get("sanity-checks"))
	}
	if !d.failed() {
		c.ExpiredLeasesProcessing = d.readExpiredLeases(m.Get("expired-leases-processing"))
	}
	if !d.failed() {
		c.ClientClasses = d.readClientClasses4(m.Get("client-classes"), c.Defs)
	}
	if d.failed() {
		return nil
	}

	// The rest, in Kea's (alphabetical) map order.
	c.Compatibility = d.readCompatibility(m.Get("compatibility"))
	if !d.failed() {
		c.ConfigControl = d.readConfigControl(m.Get("config-control"))
	}
	if !d.failed() {
		c.DhcpDdns = d.readDhcpDdns(m.Get("dhcp-ddns"), &c.Scope.ScopeParams, 4)
	}
	if !d.failed() {
		c.HooksLibraries = d.readHooksLibraries(m.Get("hooks-libraries"))
	}
	if v := m.Get("hosts-database"); v != nil && !d.failed() {
		c.HostsDatabaseSingular = true
		if db := d.readDatabase(v, "hosts-database"); db != nil {
			c.HostsDatabases = append(c.HostsDatabases, db)
		}
	}
	if v := m.Get("hosts-databases"); v != nil && !d.failed() {
		for _, it := range v.Items {
			if db := d.readDatabase(it, "hosts-database"); db != nil {
				c.HostsDatabases = append(c.HostsDatabases, db)
			}
		}
	}
	if !d.failed() {
		c.InterfacesConfig = d.readInterfaces4(m)
	}
	if v := m.Get("lease-database"); v != nil && !d.failed() {
		c.LeaseDatabase = d.readDatabase(v, "lease-database")
	}
	if !d.failed() {
		c.Loggers = d.readLoggers(m.Get("loggers"))
	}
	if !d.failed() {
		c.MultiThreading = d.readMultiThreading(m.Get("multi-threading"))
	}
	if v := m.Get("reservations"); v != nil && !d.failed() {
		c.Reservations = d.readReservations4(v, nil, c.Defs)
	}
	if v := m.Get("shared-networks"); v != nil && !d.failed() {
		c.SharedNetworks = d.readSharedNetworks4(v, m.entry("shared-networks").KeyPos.Start, c)
	}
	if v := m.Get("subnet4"); v != nil && !d.failed() {
		c.Subnets = d.readSubnets4(v, nil, c)
	}
	if d.failed() {
		return nil
	}
	d.validate4(c, m)
	if d.failed() {
		return nil
	}
	if e := m.entry("hooks-libraries"); e != nil && !d.opts.NoHookCheck {
		d.checkHooks(c.HooksLibraries, e.KeyPos.Start)
	}
	if d.failed() {
		return nil
	}
	return c
}

// buildDefs checks the global option-def entries and returns the standard
// set with them added.
func (d *decoder) buildDefs(defs []*OptionDef) *option.DefSet {
	var custom []*option.Definition
	for _, def := range defs {
		od, err := d.checkOptionDef(def, false)
		if err != nil {
			d.fail(err)
			return nil
		}
		custom = append(custom, od)
	}
	set, i, err := extendDefs(option.Standard(d.universe()), custom)
	if err != nil {
		d.fail(cfgErr(defs[i].pos, "%s", err.Error()))
		return nil
	}
	return set
}

// extendDefs returns base plus custom. A custom definition may replace a
// base one Kea lets option-def replace (option 43, and the vendor spaces);
// two custom definitions may not clash. On error, i is the culprit.
func extendDefs(base *option.DefSet, custom []*option.Definition) (*option.DefSet, int, error) {
	type key struct {
		space string
		code  uint16
	}
	over := map[key]bool{}
	overName := map[[2]string]bool{}
	chk := option.NewDefSet(base.Universe)
	for i, c := range custom {
		if err := chk.Add(c); err != nil {
			return nil, i, err
		}
		over[key{c.Space, c.Code}] = true
		overName[[2]string{c.Space, c.Name}] = true
	}
	if len(custom) == 0 {
		return base, 0, nil
	}
	out := option.NewDefSet(base.Universe)
	for _, sp := range base.SpaceNames() {
		for _, def := range base.Space(sp).Definitions() {
			if over[key{sp, def.Code}] || overName[[2]string{sp, def.Name}] {
				continue
			}
			if err := out.Add(def); err != nil {
				return nil, 0, err
			}
		}
	}
	for i, c := range custom {
		if err := out.Add(c); err != nil {
			return nil, i, err
		}
	}
	return out, 0, nil
}

func (d *decoder) checkHostIdentifiers(n *Node, ids []string) {
	if len(ids) == 0 {
		d.fail(cfgErr(n.Pos(), "at least one host identifier must be specified"))
		return
	}
	for i, id := range ids {
		switch id {
		case "hw-address", "duid", "circuit-id", "client-id", "flex-id":
		default:
			d.fail(cfgErr(n.Items[i].Pos(), "invalid host identifier name '%s'", id))
			return
		}
	}
}

func (d *decoder) readInterfaces4(m *Node) InterfacesConfig4 {
	var ic InterfacesConfig4
	n := m.Get("interfaces-config")
	if n == nil {
		return ic
	}
	r := newReader(n)
	ic.Interfaces = r.strings("interfaces")
	r.str("dhcp-socket-type", &ic.DHCPSocketType)
	r.str("outbound-interface", &ic.OutboundInterface)
	r.bool("re-detect", &ic.ReDetect)
	r.bool("service-sockets-require-all", &ic.ServiceSocketsRequireAll)
	r.u32("service-sockets-max-retries", &ic.ServiceSocketsMaxRetries)
	r.u32("service-sockets-retry-wait-time", &ic.ServiceSocketsRetryWaitTime)
	ic.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return ic
	}
	// Kea places the interfaces-config element at its "interfaces" key.
	keyPos := n.Pos()
	if e := n.entry("interfaces"); e != nil {
		keyPos = e.KeyPos.Start
	}
	if l := n.Get("interfaces"); l != nil {
		for i, name := range ic.Interfaces {
			at := l.Items[i].Pos()
			if name == "*" {
				continue
			}
			iface, addr := splitIfaceAddr(name)
			if iface == "" {
				d.fail(cfgErr(keyPos, "Failed to select interface: empty interface name (%s)", at))
				return ic
			}
			if addr != "" && !validAddr(addr, d.family) {
				d.fail(cfgErr(keyPos, "Failed to select interface: invalid address '%s' specified for interface '%s' (%s)", addr, iface, at))
				return ic
			}
			if !d.interfaceExists(iface) {
				d.fail(cfgErr(keyPos, "Failed to select interface: interface '%s' doesn't exist in the system (%s)", iface, at))
				return ic
			}
		}
	}
	return ic
}

func splitIfaceAddr(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
