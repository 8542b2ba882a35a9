package server4

import (
	"fmt"
	"github.com/nestordhcp/nestor/internal/daemon"
	"os"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/netio"
)

// BuildReport is the text of build-report (the -W report); the command
// line sets it to include the compiled-in hook libraries.
var BuildReport = version.Report

// registerCommands installs kea-dhcp4's built-in commands.
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
	reg("config-hash-get", s.cmdConfigHashGet)
	reg("config-test", s.cmdConfigTest)
	reg("config-set", s.cmdConfigSet)
	reg("config-reload", s.cmdConfigReload)
	reg("config-write", s.cmdConfigWrite)
	reg("config-backend-pull", func(*ctrl.Command) ctrl.Answer {
		return ctrl.Answer{Result: ctrl.ResultEmpty, Text: "No config backend."}
	})
	reg("shutdown", s.cmdShutdown)
	reg("status-get", s.cmdStatusGet)
	reg("leases-reclaim", s.cmdLeasesReclaim)
	reg("dhcp-disable", s.cmdDHCPDisable)
	reg("dhcp-enable", s.cmdDHCPEnable)
	reg("server-tag-get", func(*ctrl.Command) ctrl.Answer {
		tag := ""
		if c := s.Config(); c != nil {
			tag = c.ServerTag.V
		}
		return ctrl.SuccessArgs(map[string]string{"server-tag": tag})
	})
	reg("libreload", s.cmdLibReload)
	if err := s.stats.RegisterCommands(s.cmds); err != nil {
		panic(err)
	}
}

func (s *Server) cmdConfigGet(*ctrl.Command) ctrl.Answer {
	cfg := s.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	doc := config.Unparse4(cfg)
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

func (s *Server) cmdConfigHashGet(*ctrl.Command) ctrl.Answer {
	cfg := s.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	h, err := config.Hash4(cfg)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(map[string]string{"hash": h})
}

// parseArgsConfig reads the {"Dhcp4": {...}} arguments of config-set and
// config-test with Kea's checks.
func parseArgsConfig(c *ctrl.Command) (*config.Dhcp4, *ctrl.Answer) {
	if c.Args == nil {
		a := ctrl.Error("Missing mandatory 'arguments' parameter.")
		return nil, &a
	}
	d, err := c.Args.Get("Dhcp4")
	if err != nil {
		a := ctrl.ProcessingError(err)
		return nil, &a
	}
	if d == nil {
		a := ctrl.Error("Missing mandatory 'Dhcp4' parameter.")
		return nil, &a
	}
	cfg, _, err := config.ParseDhcp4("<string>", c.ArgsJSON(), config.LoadOptions{})
	if err != nil {
		a := ctrl.Error(err.Error())
		return nil, &a
	}
	return cfg, nil
}

func (s *Server) cmdConfigTest(c *ctrl.Command) ctrl.Answer {
	cfg, bad := parseArgsConfig(c)
	if bad != nil {
		return *bad
	}
	if _, _, err := s.check(cfg); err != nil {
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were sanity checked, but not applied.")
}

func (s *Server) cmdConfigSet(c *ctrl.Command) ctrl.Answer {
	cfg, bad := parseArgsConfig(c)
	if bad != nil {
		return *bad
	}
	return s.reconfigure(cfg, "")
}

func (s *Server) cmdConfigReload(*ctrl.Command) ctrl.Answer {
	cfg, _, err := config.LoadDhcp4File(s.opts.ConfigFile)
	if err != nil {
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	return s.reconfigure(cfg, "Config reload failed: ")
}

// reconfigure applies a new configuration, keeping the current one when
// the new one fails its checks.
func (s *Server) reconfigure(cfg *config.Dhcp4, prefix string) ctrl.Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.check(cfg); err != nil {
		return ctrl.Error(prefix + err.Error())
	}
	if s.opts.ManageLogging {
		if err := daemon.ApplyLoggers(cfg.Loggers); err != nil {
			return ctrl.Error(prefix + err.Error())
		}
	}
	if err := s.configure(cfg); err != nil {
		return ctrl.Error(prefix + err.Error())
	}
	h, err := config.Hash4(cfg)
	if err != nil {
		return ctrl.Success("Configuration successful.")
	}
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "Configuration successful.", Args: map[string]string{"hash": h}}
}

func (s *Server) cmdConfigWrite(c *ctrl.Command) ctrl.Answer {
	name := s.opts.ConfigFile
	if c.Args != nil {
		if c.Args.Kind() != ctrl.Map {
			return ctrl.Error("Invalid arguments for config-write: must be a map.")
		}
		if f, _ := c.Args.Get("filename"); f != nil {
			v, err := f.StringValue()
			if err != nil {
				return ctrl.Error("passed parameter 'filename' is not a string")
			}
			name = v
		}
	}
	if name == "" {
		return ctrl.Error("Unable to determine filename.Please specify filename explicitly.")
	}
	cfg := s.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	b, err := config.Compact(config.Unparse4(cfg))
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	b = append(ctrlReformat(b), '\n')
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return ctrl.Error(fmt.Sprintf("Error during write-config: Unable to open file %s for writing", name))
	}
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "Configuration written to " + name + " successfully",
		Args: map[string]any{"filename": name, "size": len(b)}}
}

// ctrlReformat pretty-prints a compact document for a file.
func ctrlReformat(b []byte) []byte {
	if r, err := ctrl.Reformat(b); err == nil {
		return r
	}
	return b
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
		mt := cfg.MultiThreading
		args["multi-threading-enabled"] = mt.Enable
		if mt.Enable {
			args["thread-pool-size"] = mt.ThreadPoolSize
			args["packet-queue-size"] = mt.PacketQueueSize
			qs := [3]float64{}
			if d := s.dispatcher(); d != nil {
				qs = d.Stats().QueueStats
			}
			args["packet-queue-statistics"] = qs[:]
		}
	}
	s.mu.Lock()
	if s.sockets != nil {
		args["sockets"] = s.sockets.Status()
	}
	s.mu.Unlock()
	return ctrl.SuccessArgs(args)
}

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
	if s.reclaimer == nil {
		return ctrl.Error("No lease database")
	}
	if _, err := s.reclaimer.ReclaimNow(remove); err != nil {
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Reclamation of expired leases is complete.")
}

func originOf(c *ctrl.Command) (string, *ctrl.Answer) {
	origin := "user"
	if c.Args == nil {
		return origin, nil
	}
	if c.Args.Kind() != ctrl.Map {
		a := ctrl.Error("arguments for the 'dhcp-disable' command must be a map")
		return "", &a
	}
	if o, _ := c.Args.Get("origin"); o != nil {
		v, err := o.StringValue()
		if err != nil {
			a := ctrl.Error("'origin' argument must be a string")
			return "", &a
		}
		origin = v
	}
	return origin, nil
}

func (s *Server) cmdDHCPDisable(c *ctrl.Command) ctrl.Answer {
	origin, bad := originOf(c)
	if bad != nil {
		return *bad
	}
	var period time.Duration
	if c.Args != nil {
		if mp, _ := c.Args.Get("max-period"); mp != nil {
			n, err := mp.IntValue()
			if err != nil || n <= 0 {
				return ctrl.Error("'max-period' must be positive integer")
			}
			period = time.Duration(n) * time.Second
		}
	}
	s.disabled.disable(origin, period, func() { s.disabled.enable(origin) })
	if period > 0 {
		return ctrl.Success(fmt.Sprintf("DHCPv4 service disabled for %d seconds", int64(period/time.Second)))
	}
	return ctrl.Success("DHCPv4 service disabled")
}

func (s *Server) cmdDHCPEnable(c *ctrl.Command) ctrl.Answer {
	origin, bad := originOf(c)
	if bad != nil {
		return *bad
	}
	s.disabled.enable(origin)
	return ctrl.Success("DHCP service successfully enabled")
}

func (s *Server) cmdLibReload(*ctrl.Command) ctrl.Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := s.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	libs, err := libraryConfigs(cfg)
	if err == nil {
		err = s.hooks.LoadLibraries(libs, cfg.MultiThreading.Enable)
	}
	if err != nil {
		return ctrl.Error("Failed to reload hooks libraries.")
	}
	return ctrl.Success("Hooks libraries successfully reloaded.")
}

// dispatcher returns the worker pool in use.
func (s *Server) dispatcher() *netio.Dispatcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disp
}
