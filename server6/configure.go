package server6

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"time"

	"github.com/nestordhcp/nestor/alloc"
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/internal/leasedb"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
)

// check verifies a configuration without applying it.
func (s *Server) check(cfg *config.Dhcp6) (*snapshot, []hooks.LibraryConfig, error) {
	snap, err := compile(cfg)
	if err != nil {
		return nil, nil, err
	}
	libs, err := libraryConfigs(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := s.hooks.Verify(libs, cfg.MultiThreading.Enable); err != nil {
		return nil, nil, err
	}
	if cfg.LeaseDatabase != nil {
		if msg := config.MissingBackend("lease-database", cfg.LeaseDatabase.Type); msg != "" {
			return nil, nil, fmt.Errorf("%s", msg)
		}
	}
	return snap, libs, nil
}

// Configure applies a configuration: the server DUID, the lease store, the
// allocation engine, hook libraries, statistics, sockets and control
// sockets.
func (s *Server) Configure(cfg *config.Dhcp6) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.configure(cfg)
}

func (s *Server) configure(cfg *config.Dhcp6) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	snap, libs, err := s.check(cfg)
	if err != nil {
		return err
	}
	duid, err := s.serverDUID(cfg)
	if err != nil {
		return err
	}
	if err := s.openStore(cfg); err != nil {
		return err
	}
	if err := s.openHostDBs(cfg); err != nil {
		return err
	}
	s.stopPackets()
	s.duid = duid
	snap.duid = duid
	if s.engine == nil {
		s.engine = alloc.NewEngine6(cfg, s.store, s.hostSources(snap), s.hooks, s.stats, s.slog)
		s.reclaimer = alloc.NewReclaimer6(s.engine)
		s.engine.NameChangeRemove = func(l *lease.Lease6) { _ = s.QueueNCR6(true, l) }
	} else {
		s.engine.Reconfigure(cfg, s.hostSources(snap))
	}
	old := s.snap.Load()
	s.snap.Store(snap)
	if err := s.hooks.LoadLibraries(libs, cfg.MultiThreading.Enable); err != nil {
		return err
	}
	s.hooks.SetParkedPacketLimit(int64(cfg.ParkedPacketLimit.Or(config.DefaultParkedPacketLimit)))
	if old != nil {
		s.removeSubnetStats(old.cfg)
	}
	if err := s.setSubnetStats(cfg); err != nil {
		return err
	}
	if err := s.ctl.Apply(cfg.ControlSocket, cfg.ControlSockets); err != nil {
		return err
	}
	if err := s.configureDDNS(cfg); err != nil {
		return err
	}
	if err := s.startPackets(cfg); err != nil {
		return err
	}
	if err := s.openIPC(cfg.Dhcp4o6Port.V); err != nil {
		return err
	}
	if err := s.callSrvConfigured(cfg); err != nil {
		// A callout rejected the configuration: Kea rolls the staging
		// configuration back, so the subnets, pools and rules in force
		// stay (the libraries stay loaded, as in Kea).
		if old != nil {
			s.snap.Store(old)
			s.duid = old.duid
			s.engine.Reconfigure(old.cfg, old.hosts)
			_ = s.setSubnetStats(old.cfg)
		}
		return err
	}
	s.reclaimer.Start()
	s.reloaded = time.Now()
	return nil
}

// subnetStatNames are the per-subnet statistics a reconfiguration
// removes before setting them again (Kea's CfgSubnets6::removeStatistics):
// their samples start afresh with the new configuration.
var subnetStatNames = []string{"total-nas", "assigned-nas", "cumulative-assigned-nas",
	"total-pds", "assigned-pds", "cumulative-assigned-pds",
	"declined-addresses", "reclaimed-declined-addresses", "reclaimed-leases"}

// removeSubnetStats removes the statistics of old's subnets.
func (s *Server) removeSubnetStats(old *config.Dhcp6) {
	for _, sn := range old.AllSubnets {
		for _, n := range subnetStatNames {
			s.stats.Remove(fmt.Sprintf("subnet[%d].%s", sn.ID, n))
		}
	}
}

// setSubnetStats sets subnet[id].total-nas/total-pds from the pools and
// assigned-nas/assigned-pds and declined-addresses (per subnet and in all)
// from the lease store's counts (Kea's recountLeaseStats6: on the SQL
// stores one query of the lease6_stat / lease6_pool_stat tables).
func (s *Server) setSubnetStats(cfg *config.Dhcp6) error {
	var allDeclined int64
	defer func() { _ = s.stats.SetInt("declined-addresses", allDeclined) }()
	rows, err := s.store.LeaseStats6(0, 0)
	if err != nil {
		return err
	}
	type counts struct{ na, pd, declined int64 }
	bySubnet := map[uint32]*counts{}
	for _, r := range rows {
		c := bySubnet[r.SubnetID]
		if c == nil {
			c = &counts{}
			bySubnet[r.SubnetID] = c
		}
		switch {
		case r.State == lease.StateDeclined:
			c.declined += r.Count
			c.na += r.Count
		case r.State == lease.StateDefault && r.Type == lease.TypePD:
			c.pd += r.Count
		case r.State == lease.StateDefault:
			c.na += r.Count
		}
	}
	for _, sn := range cfg.AllSubnets {
		id := fmt.Sprintf("subnet[%d].", sn.ID)
		setBig := func(name string, v *big.Int) {
			if v.IsInt64() {
				_ = s.stats.SetInt(id+name, v.Int64())
				return
			}
			_ = s.stats.SetBig(id+name, v)
		}
		setBig("total-nas", s.engine.Capacity(sn.ID, lease.TypeNA))
		setBig("total-pds", s.engine.Capacity(sn.ID, lease.TypePD))
		c := bySubnet[sn.ID]
		if c == nil {
			c = &counts{}
		}
		_ = s.stats.SetInt(id+"assigned-nas", c.na)
		_ = s.stats.SetInt(id+"assigned-pds", c.pd)
		_ = s.stats.SetInt(id+"declined-addresses", c.declined)
		allDeclined += c.declined
		s.stats.Counter(id + "cumulative-assigned-nas")
		s.stats.Counter(id + "cumulative-assigned-pds")
		s.stats.Counter(id + "reclaimed-leases")
		s.stats.Counter(id + "reclaimed-declined-addresses")
	}
	return nil
}

// openStore opens the lease database named by lease-database (memfile,
// postgresql or mysql), keeping the open one when the parameters did not
// change.
func (s *Server) openStore(cfg *config.Dhcp6) error {
	o := leasedb.Opener{Server: s, Log: s.log, Release: s.releaseStore,
		SubnetCheck: leasedb.SubnetCheck(cfg.AllSubnets, func(sn *config.Subnet6) (uint32, netip.Prefix) { return sn.ID, sn.Prefix })}
	o.Sanity(cfg.SanityChecks, dhcpsrvLog)
	err := s.leases.Open(leasedb.V6, cfg.LeaseDatabase, cfg.MultiThreading, o)
	s.store = s.leases.Store
	return err
}

func (s *Server) stopPackets() {
	if s.sockets != nil {
		s.sockets.Close()
		s.sockets = nil
		s.sendSet.Store(nil)
	}
	if s.disp != nil {
		s.disp.Close()
		s.disp = nil
	}
	if s.reclaimer != nil {
		s.reclaimer.Stop()
	}
}

func (s *Server) startPackets(cfg *config.Dhcp6) error {
	mt := cfg.MultiThreading
	q := cfg.DHCPQueueControl
	dc := netio.KeaDispatch(mt.Enable, mt.ThreadPoolSize, mt.PacketQueueSize, q.EnableQueue, q.Capacity)
	s.grouper, _ = s.store.(lease.WriteGrouper)
	dc.BatchStart, dc.BatchEnd = s.batchStart, s.batchEnd
	s.disp = netio.NewDispatcher(dc, nil, s.handleBatched)
	if s.opts.NoSockets {
		return nil
	}
	ic := netio.DefaultIfacesConfig()
	c := cfg.InterfacesConfig
	ic.Interfaces = c.Interfaces
	ic.ReDetect = c.ReDetect.Or(true)
	ic.RequireAll = c.ServiceSocketsRequireAll.V
	ic.MaxRetries = c.ServiceSocketsMaxRetries.V
	if c.ServiceSocketsRetryWaitTime.Set {
		ic.RetryWait = time.Duration(c.ServiceSocketsRetryWaitTime.V) * time.Millisecond
	}
	set, err := netio.Open(netio.SetConfig{
		Family: netio.V6, Ifaces: ic, Port: s.opts.ServerPort,
		Detector: &s.detector, Dispatcher: s.disp,
		Logf: func(id, msg string) { dhcpsrvLog.LogLine(klog.Warn, id+" "+msg) },
		OnFatal: func(err error) {
			s.log.Fatal(keamsg.DHCP6_OPEN_SOCKETS_FAILED, err)
			s.Stop(1)
		},
	})
	if err != nil {
		return err
	}
	s.sockets = set
	if s.opts.Sender == nil {
		s.sender = set.Send
		s.sendSet.Store(set)
	}
	return nil
}

func libraryConfigs(cfg *config.Dhcp6) ([]hooks.LibraryConfig, error) {
	var out []hooks.LibraryConfig
	for _, l := range cfg.HooksLibraries {
		lc := hooks.LibraryConfig{Library: l.Library}
		if l.Parameters != nil {
			b, err := config.Compact(l.Parameters)
			if err != nil {
				return nil, err
			}
			lc.Parameters = json.RawMessage(b)
		}
		out = append(out, lc)
	}
	return out, nil
}

func (s *Server) callSrvConfigured(cfg *config.Dhcp6) error {
	if !s.hooks.CalloutsPresent(hooks.Dhcp6SrvConfigured) {
		return nil
	}
	doc, err := config.Compact(config.Unparse6(cfg))
	if err != nil {
		return err
	}
	return s.hooks.CallSrvConfigured(hooks.Dhcp6SrvConfigured, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "json_config", json.RawMessage(doc))
		hooks.Set(h, "server_config", cfg)
		hooks.Set(h, "network_state", s)
	})
}

// Close stops the packet path, the control sockets and the hook libraries
// and closes the lease store.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ipc.Close()
	s.stopPackets()
	s.ctl.Close()
	s.stopDDNS()
	s.hooks.UnloadLibraries()
	s.closeHostDBs()
	return s.leases.Close()
}
