package config

// The small global maps both DHCP servers share, with Kea's defaults.

// ExpiredLeasesProcessing configures lease reclamation.
type ExpiredLeasesProcessing struct {
	ReclaimTimerWaitTime        uint32 // s
	FlushReclaimedTimerWaitTime uint32 // s
	HoldReclaimedTime           uint32 // s
	MaxReclaimLeases            uint32
	MaxReclaimTime              uint32 // ms
	UnwarnedReclaimCycles       uint32
}

// DefaultExpiredLeasesProcessing is Kea's default.
var DefaultExpiredLeasesProcessing = ExpiredLeasesProcessing{10, 25, 3600, 100, 250, 5}

// MultiThreading configures the packet worker pool.
type MultiThreading struct {
	Enable          bool
	ThreadPoolSize  uint32 // 0: one per CPU
	PacketQueueSize uint32 // 0: unlimited
	UserContext     *Node
	// written records which keys the file set.
	written map[string]bool
}

// DHCPQueueControl configures the single-threaded packet queue. Extra
// holds the custom keys a queue implementation from a hook may take.
type DHCPQueueControl struct {
	EnableQueue bool
	QueueType   string
	Capacity    uint32
	Extra       *Node
	Written     bool
}

// SanityChecks configures lease checks on load.
type SanityChecks struct {
	LeaseChecks        string // none, warn, fix, fix-del, del
	ExtendedInfoChecks Opt[string]
}

// Compatibility holds the DHCPv4 leniency flags.
type Compatibility struct {
	LenientOptionParsing       Opt[bool]
	IgnoreDHCPServerIdentifier Opt[bool]
	IgnoreRAILinkSelection     Opt[bool]
	ExcludeFirstLast24         Opt[bool]
}

// DhcpDdns is the connection of a DHCP server to kea-dhcp-ddns.
type DhcpDdns struct {
	EnableUpdates bool
	ServerIP      string
	ServerPort    uint32
	SenderIP      string
	SenderPort    uint32
	MaxQueueSize  uint32
	NCRProtocol   string
	NCRFormat     string
	UserContext   *Node
}

// ConfigControl configures the configuration backend.
type ConfigControl struct {
	ConfigDatabases     []*Database
	ConfigFetchWaitTime Opt[uint32]
}

func (d *decoder) readExpiredLeases(m *Node) ExpiredLeasesProcessing {
	e := DefaultExpiredLeasesProcessing
	if m == nil {
		return e
	}
	r := newReader(m)
	for _, f := range []struct {
		key string
		dst *uint32
	}{
		{"reclaim-timer-wait-time", &e.ReclaimTimerWaitTime},
		{"flush-reclaimed-timer-wait-time", &e.FlushReclaimedTimerWaitTime},
		{"hold-reclaimed-time", &e.HoldReclaimedTime},
		{"max-reclaim-leases", &e.MaxReclaimLeases},
		{"max-reclaim-time", &e.MaxReclaimTime},
		{"unwarned-reclaim-cycles", &e.UnwarnedReclaimCycles},
	} {
		var o Opt[uint32]
		r.u32(f.key, &o)
		if o.Set {
			*f.dst = o.V
		}
	}
	d.fail(r.err)
	return e
}

func (d *decoder) readMultiThreading(m *Node) MultiThreading {
	mt := MultiThreading{Enable: true, PacketQueueSize: 64, written: map[string]bool{}}
	if m == nil {
		return mt
	}
	r := newReader(m)
	var en Opt[bool]
	var tps, pqs Opt[uint32]
	r.bool("enable-multi-threading", &en)
	if v := m.Get("thread-pool-size"); v != nil && v.Int < 0 {
		r.errorf(v.Pos(), "thread pool size code must not be negative")
	}
	if v := m.Get("packet-queue-size"); v != nil && v.Int < 0 {
		r.errorf(v.Pos(), "packet queue size code must not be negative")
	}
	r.u32("thread-pool-size", &tps)
	r.u32("packet-queue-size", &pqs)
	mt.Enable, mt.ThreadPoolSize, mt.PacketQueueSize = en.Or(true), tps.Or(0), pqs.Or(64)
	for _, k := range []string{"enable-multi-threading", "thread-pool-size", "packet-queue-size"} {
		mt.written[k] = m.Has(k)
	}
	mt.UserContext = r.userContext()
	d.fail(r.err)
	return mt
}

func (d *decoder) readQueueControl(m *Node, defType string) DHCPQueueControl {
	q := DHCPQueueControl{QueueType: defType, Capacity: 64}
	if m == nil {
		return q
	}
	q.Written = true
	r := newReader(m)
	var en Opt[bool]
	var qt Opt[string]
	var c Opt[uint32]
	r.bool("enable-queue", &en)
	r.str("queue-type", &qt)
	r.u32("capacity", &c)
	q.EnableQueue, q.QueueType, q.Capacity = en.V, qt.Or(defType), c.Or(64)
	extra := NewMap()
	for _, e := range m.Entries {
		switch e.Key {
		case "enable-queue", "queue-type", "capacity":
		default:
			extra.Set(e.Key, e.Value.Clone())
		}
	}
	if len(extra.Entries) > 0 {
		q.Extra = extra
	}
	d.fail(r.err)
	return q
}

func (d *decoder) readSanityChecks(m *Node) SanityChecks {
	s := SanityChecks{LeaseChecks: "warn"}
	if m == nil {
		return s
	}
	r := newReader(m)
	var lc Opt[string]
	r.str("lease-checks", &lc)
	if lc.Set {
		switch lc.V {
		case "none", "warn", "fix", "fix-del", "del":
			s.LeaseChecks = lc.V
		default:
			v := m.Get("lease-checks")
			d.fail(syntaxErr(v.Span, "Unsupported 'lease-checks value: %s, supported values are: none, warn, fix, fix-del, del", lc.V))
		}
	}
	r.str("extended-info-checks", &s.ExtendedInfoChecks)
	if s.ExtendedInfoChecks.Set {
		switch s.ExtendedInfoChecks.V {
		case "none", "fix", "strict", "pedantic":
		default:
			v := m.Get("extended-info-checks")
			d.fail(syntaxErr(v.Span, "Unsupported 'extended-info-checks value: %s, supported values are: none, fix, strict, pedantic", s.ExtendedInfoChecks.V))
		}
	}
	d.fail(r.err)
	return s
}

func (d *decoder) readCompatibility(m *Node) Compatibility {
	var c Compatibility
	if m == nil {
		return c
	}
	r := newReader(m)
	r.bool("lenient-option-parsing", &c.LenientOptionParsing)
	r.bool("ignore-dhcp-server-identifier", &c.IgnoreDHCPServerIdentifier)
	r.bool("ignore-rai-link-selection", &c.IgnoreRAILinkSelection)
	r.bool("exclude-first-last-24", &c.ExcludeFirstLast24)
	d.fail(r.err)
	return c
}

func (d *decoder) readConfigControl(m *Node) *ConfigControl {
	if m == nil {
		return nil
	}
	r := newReader(m)
	cc := &ConfigControl{}
	r.u32("config-fetch-wait-time", &cc.ConfigFetchWaitTime)
	if l := m.Get("config-databases"); l != nil {
		for _, it := range l.Items {
			db := d.readDatabase(it, "config-database")
			if db != nil {
				cc.ConfigDatabases = append(cc.ConfigDatabases, db)
			}
		}
	}
	d.fail(r.err)
	return cc
}
