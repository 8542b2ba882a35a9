package server6

import (
	"github.com/nestordhcp/nestor/internal/daemon"
	"os"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/version"
)

// BuildReport is the text of build-report; the command line sets it.
var BuildReport = version.Report

// registerCommands installs the built-in commands kea-dhcp6 shares with
// kea-dhcp4 that this server implements so far.
func (s *Server) registerCommands() {
	reg := func(name string, h ctrl.Handler) {
		if err := s.cmds.Register(name, h); err != nil {
			panic(err) // duplicate registration: a programming error
		}
	}
	reg("version-get", func(*ctrl.Command) ctrl.Answer {
		return ctrl.Answer{Result: ctrl.ResultSuccess, Text: version.Version, Args: map[string]string{"extended": version.Extended()}}
	})
	reg("build-report", func(*ctrl.Command) ctrl.Answer { return ctrl.Success(BuildReport()) })
	reg("config-get", s.cmdConfigGet)
	reg("config-reload", s.cmdConfigReload)
	reg("shutdown", s.cmdShutdown)
	reg("status-get", s.cmdStatusGet)
	reg("dhcp-disable", func(*ctrl.Command) ctrl.Answer {
		s.disabled.Store(true)
		return ctrl.Success("DHCPv6 service disabled")
	})
	reg("dhcp-enable", func(*ctrl.Command) ctrl.Answer {
		s.disabled.Store(false)
		return ctrl.Success("DHCP service successfully enabled")
	})
	if err := s.stats.RegisterCommands(s.cmds); err != nil {
		panic(err)
	}
}

func (s *Server) cmdConfigGet(*ctrl.Command) ctrl.Answer {
	cfg := s.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	doc := config.Unparse6(cfg)
	h, err := config.Hash(doc)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	doc.Set("hash", config.NewString(h))
	b, err := config.Compact(doc)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(ctrl.RawKea(b))
}

func (s *Server) cmdConfigReload(*ctrl.Command) ctrl.Answer {
	cfg, _, err := config.LoadDhcp6File(s.opts.ConfigFile)
	if err != nil {
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.check(cfg); err != nil {
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	if s.opts.ManageLogging {
		if err := daemon.ApplyLoggers(cfg.Loggers); err != nil {
			return ctrl.Error("Config reload failed: " + err.Error())
		}
	}
	if err := s.configure(cfg); err != nil {
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	return ctrl.Success("Configuration successful.")
}

func (s *Server) cmdShutdown(c *ctrl.Command) ctrl.Answer {
	exit := 0
	if c.Args != nil && c.Args.Kind() == ctrl.Map {
		if v, _ := c.Args.Get("exit-value"); v != nil {
			n, err := v.IntValue()
			if err != nil {
				return ctrl.Error("parameter 'exit-value' is not an integer")
			}
			exit = int(n)
		}
	}
	s.Stop(exit)
	return ctrl.Success("Shutting down.")
}

func (s *Server) cmdStatusGet(*ctrl.Command) ctrl.Answer {
	now := time.Now()
	args := map[string]any{
		"pid":    os.Getpid(),
		"uptime": int64(now.Sub(s.started).Seconds()),
		"reload": int64(now.Sub(s.reloaded).Seconds()),
	}
	if cfg := s.Config(); cfg != nil {
		args["multi-threading-enabled"] = cfg.MultiThreading.Enable
	}
	s.mu.Lock()
	if s.sockets != nil {
		args["sockets"] = s.sockets.Status()
	}
	s.mu.Unlock()
	return ctrl.SuccessArgs(args)
}
