package config

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// decodeDhcp6 reads the grammar-checked Dhcp6 map into the model, in the
// order Kea 2.2's configureDhcp6Server handles the keys, so that when a map
// has several problems the one reported is Kea's.
func (d *decoder) decodeDhcp6(m *Node) *Dhcp6 {
	c := &Dhcp6{}
	r := newReader(m)

	d.readScope6(r, &c.Scope)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	var hrid Opt[[]string]
	if m.Has("host-reservation-identifiers") {
		hrid = Some(r.strings("host-reservation-identifiers"))
	}
	c.HostReservationIdentifiers = hrid
	if m.Has("mac-sources") {
		c.MACSources = Some(r.strings("mac-sources"))
	}
	if m.Has("relay-supplied-options") {
		c.RelaySuppliedOptions = Some(r.strings("relay-supplied-options"))
	}
	r.str("data-directory", &c.DataDirectory)
	r.u16("dhcp4o6-port", &c.Dhcp4o6Port)
	r.u32("decline-probation-period", &c.DeclineProbationPeriod)
	r.str("server-tag", &c.ServerTag)
	r.u32("statistic-default-sample-count", &c.StatisticDefaultSampleCount)
	r.u32("statistic-default-sample-age", &c.StatisticDefaultSampleAge)
	r.u32("parked-packet-limit", &c.ParkedPacketLimit)
	r.bool("ip-reservations-unique", &c.IPReservationsUnique)
	r.bool("reservations-lookup-first", &c.ReservationsLookupFirst)
	r.bool("early-global-reservations-lookup", &c.EarlyGlobalReservationsLookup)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	for _, t := range []struct {
		name string
		def  uint32
		tr   [3]Opt[uint32]
	}{{"valid-lifetime", DefaultValidLifetime, validTriplet(&c.Scope.ScopeParams)},
		{"preferred-lifetime", DefaultPreferredLifetime, preferredTriplet(&c.Scope)}} {
		v, lo, hi := derivedTriplet(t.def, t.tr)
		if msg := checkTriplet(t.name, v, lo, hi, m.Pos()); msg != "" {
			d.fail(cfgErr(Pos{}, "%s", msg))
			return nil
		}
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
	if c.MACSources.Set && !d.failed() {
		d.checkMACSources(c.MACSources.V, r.keyPos("mac-sources"))
	}
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
		c.DHCPQueueControl = d.readQueueControl(m.Get("dhcp-queue-control"), "kea-ring6")
	}
	if !d.failed() {
		c.ServerID = d.readServerID(m.Get("server-id"))
	}
	if !d.failed() {
		c.SanityChecks = d.readSanityChecks(m.Get("sanity-checks"))
	}
	if !d.failed() {
		c.ExpiredLeasesProcessing = d.readExpiredLeases(m.Get("expired-leases-processing"))
	}
	if !d.failed() {
		c.ClientClasses = d.readClientClasses6(m.Get("client-classes"), c.Defs)
	}
	if d.failed() {
		return nil
	}

	// The rest, in Kea's (alphabetical) map order.
	c.Compatibility = d.readCompatibility(m.Get("compatibility"))
	if !d.failed() {
		c.ConfigControl = d.readConfigControl(m.Get("config-control"))
	}
	if c.DataDirectory.Set && !d.failed() {
		d.checkDataDirectory(c.DataDirectory.V)
	}
	if !d.failed() {
		c.DhcpDdns = d.readDhcpDdns(m.Get("dhcp-ddns"), &c.Scope.ScopeParams, 6)
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
		c.InterfacesConfig = d.readInterfaces6(m)
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
	if c.RelaySuppliedOptions.Set && !d.failed() {
		c.RelaySupplied = d.readRelaySupplied(c.RelaySuppliedOptions.V, c, r.keyPos("relay-supplied-options"))
	}
	if v := m.Get("reservations"); v != nil && !d.failed() {
		c.Reservations = d.readReservations6(v, nil, c)
	}
	if v := m.Get("shared-networks"); v != nil && !d.failed() {
		c.SharedNetworks = d.readSharedNetworks6(v, m.entry("shared-networks").KeyPos.Start, c)
	}
	if v := m.Get("subnet6"); v != nil && !d.failed() {
		c.Subnets = d.readSubnets6(v, nil, c)
	}
	if d.failed() {
		return nil
	}
	d.validate6(c)
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

// readScope6 reads a DHCPv6 scope (global, shared network or subnet).
func (d *decoder) readScope6(r *reader, s *Scope6) {
	d.readScopeParams(r, &s.ScopeParams)
	r.u32("preferred-lifetime", &s.PreferredLifetime)
	r.u32("min-preferred-lifetime", &s.MinPreferredLifetime)
	r.u32("max-preferred-lifetime", &s.MaxPreferredLifetime)
	r.str("pd-allocator", &s.PDAllocator)
	if r.err == nil && s.PDAllocator.Set {
		switch s.PDAllocator.V {
		case "iterative", "random", "flq":
		default:
			r.errorf(r.pos("pd-allocator"), "supported allocators are: iterative, random and flq")
		}
	}
}

// readLink6 reads interface-id and rapid-commit.
func (d *decoder) readLink6(r *reader, l *Link6) {
	r.str("interface-id", &l.InterfaceID)
	r.bool("rapid-commit", &l.RapidCommit)
}

var macSourceNames = map[string]bool{
	"any": true, "raw": true, "duid": true, "ipv6-link-local": true,
	"client-link-addr-option": true, "rfc6939": true, "remote-id": true, "rfc4649": true,
	"subscriber-id": true, "rfc4580": true, "docsis-cmts": true, "docsis-modem": true,
}

func (d *decoder) checkMACSources(srcs []string, at Pos) {
	for _, s := range srcs {
		if !macSourceNames[s] {
			d.fail(cfgErr(at, "Failed to convert '%s' to any recognized MAC source:Can't convert '%s' to any known MAC source.", s, s))
			return
		}
	}
}

// readRelaySupplied resolves relay-supplied-options entries (codes or
// names of DHCPv6 options) to codes.
func (d *decoder) readRelaySupplied(list []string, c *Dhcp6, at Pos) []uint16 {
	out := make([]uint16, 0, len(list))
	for _, s := range list {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if n < 0 || n > 65535 {
				d.fail(cfgErr(at, "invalid option code value specified '%s', the option code must not be greater than '65535'", s))
				return nil
			}
			out = append(out, uint16(n))
			continue
		}
		def := c.Defs.LookupName("dhcp6", s)
		if def == nil {
			d.fail(cfgErr(at, "unable to find option code for the  specified option name '%s' while parsing the list of enabled relay-supplied-options", s))
			return nil
		}
		out = append(out, def.Code)
	}
	return out
}

// DefaultDataDirectory is where Kea keeps its state files (the server
// DUID) when data-directory is not given.
const DefaultDataDirectory = "/var/lib/kea"

func (d *decoder) checkDataDirectory(dir string) {
	fi, err := os.Stat(dir)
	if err != nil {
		msg := err.Error()
		var errno syscall.Errno
		if errors.As(err, &errno) {
			msg = strerror(errno)
		}
		d.fail(cfgErr(Pos{}, "Bad directory '%s': %s", dir, msg))
		return
	}
	if !fi.IsDir() {
		d.fail(cfgErr(Pos{}, "'%s' is not a directory", dir))
	}
}

// strerror is the C library's text of an errno (Go's is lower-case).
func strerror(e syscall.Errno) string {
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (d *decoder) readServerID(m *Node) ServerID {
	sid := ServerID{Type: "LLT", Persist: true}
	if m == nil {
		return sid
	}
	sid.Written = true
	r := newReader(m)
	var typ, ident Opt[string]
	var htype Opt[uint16]
	var tm, ent Opt[uint32]
	var persist Opt[bool]
	r.str("type", &typ)
	r.u16("htype", &htype)
	r.str("identifier", &ident)
	r.u32("time", &tm)
	r.u32("enterprise-id", &ent)
	r.bool("persist", &persist)
	sid.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return sid
	}
	sid.Type, sid.HType, sid.Identifier, sid.Time, sid.EnterpriseID, sid.Persist =
		typ.Or("LLT"), htype.V, ident.V, tm.V, ent.V, persist.Or(true)
	if sid.Identifier != "" {
		if _, ok := parseIdentifier(sid.Identifier); !ok || strings.HasPrefix(sid.Identifier, "'") {
			d.fail(cfgErr(r.pos("identifier"), "identifier specified in the DUID configuration '%s' is not a valid string of hexadecimal digits", sid.Identifier))
		}
	}
	return sid
}

func (d *decoder) readInterfaces6(m *Node) InterfacesConfig6 {
	var ic InterfacesConfig6
	n := m.Get("interfaces-config")
	if n == nil {
		return ic
	}
	r := newReader(n)
	ic.Interfaces = r.strings("interfaces")
	r.bool("re-detect", &ic.ReDetect)
	r.bool("service-sockets-require-all", &ic.ServiceSocketsRequireAll)
	r.u32("service-sockets-max-retries", &ic.ServiceSocketsMaxRetries)
	r.u32("service-sockets-retry-wait-time", &ic.ServiceSocketsRetryWaitTime)
	ic.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return ic
	}
	keyPos := n.Pos()
	if e := n.entry("interfaces"); e != nil {
		keyPos = e.KeyPos.Start
	}
	l := n.Get("interfaces")
	if l == nil {
		return ic
	}
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
		var a netip.Addr
		if addr != "" {
			var err error
			a, err = netip.ParseAddr(addr)
			if err != nil || !a.Is6() || a.IsMulticast() || a.Zone() != "" {
				d.fail(cfgErr(keyPos, "Failed to select interface: address '%s' is not a valid IPv6 unicast address (%s)", addr, at))
				return ic
			}
		}
		if !d.interfaceExists(iface) {
			d.fail(cfgErr(keyPos, "Failed to select interface: interface '%s' doesn't exist in the system (%s)", iface, at))
			return ic
		}
		if addr != "" && !d.interfaceHasAddr(iface, a) {
			d.fail(cfgErr(keyPos, "Failed to select interface: interface '%s' doesn't have address '%s' assigned (%s)", iface, addr, at))
			return ic
		}
	}
	return ic
}

// interfaceHasAddr tells whether the interface has the address; with an
// InterfaceExists override (tests) every existing interface has it.
func (d *decoder) interfaceHasAddr(name string, a netip.Addr) bool {
	if d.opts.InterfaceExists != nil {
		return true
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return false
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return false
	}
	for _, x := range addrs {
		if ipn, ok := x.(*net.IPNet); ok {
			if b, ok := netip.AddrFromSlice(ipn.IP); ok && b.Unmap() == a {
				return true
			}
		}
	}
	return false
}
