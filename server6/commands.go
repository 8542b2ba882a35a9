package server6

import (
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/daemon"
	"github.com/nestordhcp/nestor/internal/version"
)

// BuildReport is the text of build-report; the command line sets it.
var BuildReport = version.Report

// registerCommands installs kea-dhcp6's built-in commands: the ones it
// shares with kea-dhcp4 (daemon.CoreCommands) and its own, each registered
// with one s.cmds.Register line after the core set.
func (s *Server) registerCommands() {
	s.core = &daemon.CoreCommands[config.Dhcp6]{
		Family:     "DHCPv6",
		Key:        "Dhcp6",
		ConfigFile: s.opts.ConfigFile,
		Mu:         &s.mu,
		Config:     s.Config,
		Parse: func(args []byte) (*config.Dhcp6, error) {
			cfg, _, err := config.ParseDhcp6("<string>", args, config.LoadOptions{})
			return cfg, err
		},
		Load: func(path string) (*config.Dhcp6, error) {
			cfg, _, err := config.LoadDhcp6File(path)
			return cfg, err
		},
		Unparse: config.Unparse6,
		Check: func(cfg *config.Dhcp6) error {
			_, _, err := s.check(cfg)
			return err
		},
		Apply:         s.configure,
		Loggers:       func(c *config.Dhcp6) []*config.Logger { return c.Loggers },
		ManageLogging: s.opts.ManageLogging,
		ServerTag:     func(c *config.Dhcp6) string { return c.ServerTag.V },
		Stop:          s.Stop,
		Status:        s.status,
		Started:       s.started,
		Reloaded:      s.reloadTime,
		LibReload: func(cfg *config.Dhcp6) error {
			libs, err := libraryConfigs(cfg)
			if err != nil {
				return err
			}
			return s.hooks.LoadLibraries(libs, cfg.MultiThreading.Enable)
		},
		Network:     &s.disabled,
		Stats:       s.stats,
		BuildReport: func() string { return BuildReport() },
	}
	if err := s.core.Register(s.cmds); err != nil {
		panic(err) // duplicate registration: a programming error
	}
	if err := s.cmds.Register("leases-reclaim", s.cmdLeasesReclaim); err != nil {
		panic(err)
	}
}

// reloadTime is when the configuration in force was applied.
func (s *Server) reloadTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reloaded
}

// status adds the multi-threading state and the sockets to status-get.
func (s *Server) status(args map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var mt *config.MultiThreading
	if cfg := s.Config(); cfg != nil {
		mt = &cfg.MultiThreading
	}
	daemon.PacketStatus(args, mt, s.disp, s.sockets)
}

// cmdLeasesReclaim is leases-reclaim: every expired address and prefix is
// reclaimed now, without the cycle limits; "remove" says whether they are
// deleted or kept as expired-reclaimed.
func (s *Server) cmdLeasesReclaim(c *ctrl.Command) ctrl.Answer {
	if c.Args == nil {
		return ctrl.Error("Missing mandatory 'remove' parameter.")
	}
	v, err := c.Args.Get("remove")
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	if v == nil {
		return ctrl.Error("Missing mandatory 'remove' parameter.")
	}
	remove, err := v.BoolValue()
	if err != nil {
		return ctrl.Error("'remove' parameter expected to be a boolean.")
	}
	s.mu.Lock()
	r := s.reclaimer
	s.mu.Unlock()
	if r == nil {
		return ctrl.Error("No lease database")
	}
	if _, err := r.ReclaimNow(remove); err != nil {
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Reclamation of expired leases is complete.")
}
