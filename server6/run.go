package server6

import (
	"errors"
	"fmt"
	"github.com/nestordhcp/nestor/internal/daemon"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/stats"
)

// Run is "kea-dhcp6 -c FILE": it loads the configuration, takes the PID
// file, starts the server and serves until SIGTERM, SIGINT or the shutdown
// command; SIGHUP reloads the configuration file, keeping the running one
// when the file is broken. It returns the process exit status.
func Run(args cli.DaemonArgs, stdout, stderr io.Writer) int {
	klog.Default.SetRoot("kea-dhcp6")
	klog.Default.Startup(args.Debug)
	defer klog.Default.Flush()
	log := klog.NewLogger("dhcp6")

	cfg, _, err := config.LoadDhcp6File(args.ConfigFile)
	if err != nil {
		reason := err.Error()
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Kind == config.SyntaxError {
			reason = "Configuration parsing failed: " + reason
		}
		log.Error(keamsg.DHCP6_CONFIG_LOAD_FAIL, args.ConfigFile, err)
		fmt.Fprintf(stderr, "kea-dhcp6: Fatal error during start up: %s\n", reason)
		log.Fatal(keamsg.DHCP6_INIT_FAIL, reason)
		return 1
	}
	pidPath := daemon.PIDFilePath(args.ConfigFile, "kea-dhcp6")
	if err := daemon.WritePIDFile(pidPath); err != nil {
		if errors.Is(err, daemon.ErrAlreadyRunning) {
			log.Fatal(keamsg.DHCP6_ALREADY_RUNNING, "kea-dhcp6", err)
		} else {
			log.Fatal(keamsg.DHCP6_INIT_FAIL, err)
		}
		fmt.Fprintf(stderr, "kea-dhcp6: Fatal error during start up: %v\n", err)
		return 1
	}
	defer os.Remove(pidPath)

	s := New(Options{ConfigFile: args.ConfigFile, ServerPort: args.ServerPort, ClientPort: args.ClientPort, Logger: log, ManageLogging: true})
	if err := applyLogging(cfg); err != nil {
		fmt.Fprintf(stderr, "kea-dhcp6: Fatal error during start up: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	if err := s.Configure(cfg); err != nil {
		log.Fatal(keamsg.DHCP6_INIT_FAIL, err)
		fmt.Fprintf(stderr, "kea-dhcp6: Fatal error during start up: %v\n", err)
		s.Close()
		return 1
	}
	if ms, err := s.stats.ListenMetricsFromEnv(metricsNamespace, s.slog); err != nil {
		fmt.Fprintf(stderr, "kea-dhcp6: Fatal error during start up: %s: %v\n", stats.MetricsEnv, err)
		s.Close()
		return 1
	} else if ms != nil {
		defer ms.Close()
	}
	log.Info(keamsg.DHCP6_STARTED, version.Version)
	exit := 0
loop:
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				log.Info(keamsg.DHCP6_DYNAMIC_RECONFIGURATION, args.ConfigFile)
				if a := s.cmdConfigReload(nil); a.Result != 0 {
					log.Error(keamsg.DHCP6_DYNAMIC_RECONFIGURATION_FAIL, args.ConfigFile)
				} else {
					log.Info(keamsg.DHCP6_DYNAMIC_RECONFIGURATION_SUCCESS, args.ConfigFile)
				}
				continue
			}
			log.Info(keamsg.DHCP6_SHUTDOWN_REQUEST)
			break loop
		case exit = <-s.Done():
			log.Info(keamsg.DHCP6_SHUTDOWN_REQUEST)
			break loop
		}
	}
	if err := s.Close(); err != nil {
		log.Error(keamsg.DHCP6_INIT_FAIL, err)
	}
	log.Info(keamsg.DHCP6_SHUTDOWN)
	return exit
}

// applyLogging applies the configuration's loggers (Kea's default when
// there are none).
func applyLogging(cfg *config.Dhcp6) error {
	var entries []klog.LoggerConfig
	for _, l := range cfg.Loggers {
		e := klog.LoggerConfig{Name: l.Name, Severity: l.Severity, DebugLevel: l.DebugLevel}
		for _, o := range l.OutputOptions {
			e.OutputOptions = append(e.OutputOptions, klog.OutputOption{
				Output: o.Output, Flush: o.Flush, MaxSize: o.MaxSize, MaxVer: o.MaxVer, Pattern: o.Pattern,
			})
		}
		entries = append(entries, e)
	}
	if entries == nil {
		entries = []klog.LoggerConfig{}
	}
	return klog.Default.Configure(entries)
}
