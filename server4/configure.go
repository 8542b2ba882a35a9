package server4

import (
	"encoding/json"
	"fmt"
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

// defaultLFCInterval is Kea's lfc-interval default in seconds.

// check verifies a configuration without applying it (config-test and the
// first step of every reconfiguration): it compiles the runtime form and
// verifies the hook libraries.
func (s *Server) check(cfg *config.Dhcp4) (*snapshot, []hooks.LibraryConfig, error) {
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

// Configure applies a configuration: the lease store, the allocation
// engine, hook libraries, statistics, sockets and workers, control
// sockets and reclamation. On error the server keeps what it was running
// when the error comes before anything was changed (checks, lease file);
// errors after that (hook library loading, sockets) leave the new
// configuration partly applied, as Kea's do.
func (s *Server) Configure(cfg *config.Dhcp4) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.configure(cfg)
}

func (s *Server) configure(cfg *config.Dhcp4) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	snap, libs, err := s.check(cfg)
	if err != nil {
		return err
	}
	snap.useRouting = cfg.InterfacesConfig.DHCPSocketType.V == "udp" && cfg.InterfacesConfig.OutboundInterface.V == "use-routing"
	if err := s.openStore(cfg); err != nil {
		return err
	}
	if err := s.openHostDBs(cfg); err != nil {
		return err
	}
	old := s.snap.Load()

	// Stop the packet path while libraries and sockets change (Kea's
	// multi-threading critical section).
	s.stopPackets()
	if s.engine == nil {
		s.engine = alloc.NewEngine4(cfg, s.store, s.hostSources(snap), s.hooks, s.stats, s.slog)
		s.reclaimer = alloc.NewReclaimer4(s.engine)
		s.engine.NameChangeRemove = func(l *lease.Lease4) { _ = s.QueueNCR4(true, l) }
	} else {
		s.engine.Reconfigure(cfg, s.hostSources(snap))
	}
	s.snap.Store(snap)
	if err := s.hooks.LoadLibraries(libs, cfg.MultiThreading.Enable); err != nil {
		return err
	}
	s.hooks.SetParkedPacketLimit(int64(cfg.ParkedPacketLimit.Or(config.DefaultParkedPacketLimit)))
	if err := setSubnetStats(s.stats, old, snap, s.store); err != nil {
		return err
	}
	s.stats.SetDefaultLimits(cfg.StatisticDefaultSampleCount.Or(config.DefaultStatSampleCount), time.Duration(cfg.StatisticDefaultSampleAge.V)*time.Second)
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
			s.engine.Reconfigure(old.cfg, old.hosts)
			_ = setSubnetStats(s.stats, snap, old, s.store)
		}
		s.reclaimer.Start()
		return err
	}
	s.reclaimer.Start()
	s.reloaded = time.Now()
	return nil
}

// openStore opens the lease database named by lease-database (memfile,
// postgresql or mysql), keeping the open one when the parameters did not
// change.
func (s *Server) openStore(cfg *config.Dhcp4) error {
	o := leasedb.Opener{Server: s, Log: s.log, Release: s.releaseStore,
		SubnetCheck: leasedb.SubnetCheck(cfg.AllSubnets, func(sn *config.Subnet4) (uint32, netip.Prefix) { return sn.ID, sn.Prefix })}
	o.Sanity(cfg.SanityChecks, dhcpsrvLog)
	err := s.leases.Open(leasedb.V4, cfg.LeaseDatabase, cfg.MultiThreading, o)
	s.store = s.leases.Store
	return err
}

// stopPackets closes the sockets and waits for the packets in progress.
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

// startPackets starts the workers and opens the sockets.
func (s *Server) startPackets(cfg *config.Dhcp4) error {
	mt := cfg.MultiThreading
	q := cfg.DHCPQueueControl
	dc := netio.KeaDispatch(mt.Enable, mt.ThreadPoolSize, mt.PacketQueueSize, q.EnableQueue, q.Capacity)
	s.grouper, _ = s.store.(lease.WriteGrouper)
	dc.BatchStart, dc.BatchEnd = s.batchStart, s.batchEnd
	s.disp = netio.NewDispatcher(dc, nil, s.handleBatched)
	if s.opts.NoSockets {
		s.recordSocketAddrs()
		return nil
	}
	ic, err := ifacesConfig(cfg)
	if err != nil {
		return err
	}
	set, err := netio.Open(netio.SetConfig{
		Family:     netio.V4,
		Ifaces:     ic,
		Port:       s.opts.ServerPort,
		Detector:   &s.detector,
		Dispatcher: s.disp,
		Logf:       func(id, msg string) { dhcpsrvLog.LogLine(klog.Warn, id+" "+msg) },
		OnFatal: func(err error) {
			s.log.Fatal(keamsg.DHCP4_OPEN_SOCKETS_FAILED, err)
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
	s.recordSocketAddrs()
	return nil
}

// ifacesConfig maps interfaces-config to netio's form.
func ifacesConfig(cfg *config.Dhcp4) (netio.IfacesConfig, error) {
	ic := netio.DefaultIfacesConfig()
	c := cfg.InterfacesConfig
	ic.Interfaces = c.Interfaces
	if c.DHCPSocketType.Set {
		st, err := netio.ParseSocketType(c.DHCPSocketType.V)
		if err != nil {
			return ic, err
		}
		ic.SocketType = st
	}
	if c.OutboundInterface.Set {
		o, err := netio.ParseOutbound(c.OutboundInterface.V)
		if err != nil {
			return ic, err
		}
		ic.OutboundInterface = o
	}
	ic.ReDetect = c.ReDetect.Or(true)
	ic.RequireAll = c.ServiceSocketsRequireAll.V
	ic.MaxRetries = c.ServiceSocketsMaxRetries.V
	if c.ServiceSocketsRetryWaitTime.Set {
		ic.RetryWait = time.Duration(c.ServiceSocketsRetryWaitTime.V) * time.Millisecond
	}
	return ic, nil
}

// libraryConfigs turns hooks-libraries into the hooks manager's form.
func libraryConfigs(cfg *config.Dhcp4) ([]hooks.LibraryConfig, error) {
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

// callSrvConfigured runs dhcp4_srv_configured; a callout may reject the
// configuration.
func (s *Server) callSrvConfigured(cfg *config.Dhcp4) error {
	if !s.hooks.CalloutsPresent(hooks.Dhcp4SrvConfigured) {
		return nil
	}
	doc, err := config.Compact(config.Unparse4(cfg))
	if err != nil {
		return err
	}
	return s.hooks.CallSrvConfigured(hooks.Dhcp4SrvConfigured, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "json_config", json.RawMessage(doc))
		hooks.Set(h, "server_config", cfg)
		hooks.Set(h, "network_state", s)
	})
}

// Stop asks the server to stop with the exit value (SIGTERM, SIGINT,
// shutdown).
func (s *Server) Stop(exitValue int) {
	s.stopOnce.Do(func() { s.stopping <- exitValue })
}

// Close stops the packet path (sockets first, then the packets in
// progress finish), the timers and the control sockets, and closes the
// lease store.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ipc.Close()
	s.stopPackets()
	s.ctl.Close()
	s.stopDDNS()
	s.hooks.UnloadLibraries()
	s.closeHostDBs()
	if s.engine != nil {
		s.engine.Close()
	}
	return s.leases.Close()
}
