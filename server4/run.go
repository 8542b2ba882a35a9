package server4

import (
	"io"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/daemon"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// Run is "kea-dhcp4 -c FILE" (see daemon.Run): it serves until SIGTERM,
// SIGINT or the shutdown command, and SIGHUP reloads the configuration file,
// keeping the running one when the file is broken. It returns the process
// exit status.
func Run(args cli.DaemonArgs, _, stderr io.Writer) int {
	return daemon.Run(daemon.Spec[*config.Dhcp4]{
		Program:          "kea-dhcp4",
		Logger:           "dhcp4",
		MetricsNamespace: metricsNamespace,
		Msgs: daemon.Messages{
			Starting:        keamsg.DHCP4_STARTING,
			ConfigLoadFail:  keamsg.DHCP4_CONFIG_LOAD_FAIL,
			InitFail:        keamsg.DHCP4_INIT_FAIL,
			AlreadyRunning:  keamsg.DHCP4_ALREADY_RUNNING,
			Started:         keamsg.DHCP4_STARTED,
			Reconfig:        keamsg.DHCP4_DYNAMIC_RECONFIGURATION,
			ReconfigFail:    keamsg.DHCP4_DYNAMIC_RECONFIGURATION_FAIL,
			ReconfigOK:      keamsg.DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS,
			ShutdownRequest: keamsg.DHCP4_SHUTDOWN_REQUEST,
			Shutdown:        keamsg.DHCP4_SHUTDOWN,
		},
		Load: func(path string) (*config.Dhcp4, error) {
			cfg, _, err := config.LoadDhcp4File(path)
			return cfg, err
		},
		Loggers: func(c *config.Dhcp4) []*config.Logger { return c.Loggers },
		Start: func(cfg *config.Dhcp4, log *klog.Logger) (daemon.Instance, error) {
			s := New(Options{ConfigFile: args.ConfigFile, ServerPort: args.ServerPort, ClientPort: args.ClientPort, Logger: log, ManageLogging: true})
			if err := s.Configure(cfg); err != nil {
				s.Close()
				return nil, err
			}
			return s, nil
		},
	}, args, stderr)
}

// Reload is config-reload from the file, for SIGHUP.
func (s *Server) Reload() bool { return s.core.Reload() }
