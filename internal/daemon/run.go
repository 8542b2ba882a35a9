package daemon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/stats"
)

// Messages are the daemon's own IDs for the life-cycle log messages
// (DHCP4_STARTED, DHCP6_STARTED, ...).
type Messages struct {
	Starting                                          *klog.Message
	ConfigLoadFail, InitFail, AlreadyRunning, Started *klog.Message
	Reconfig, ReconfigFail, ReconfigOK                *klog.Message
	ShutdownRequest, Shutdown                         *klog.Message
}

// Instance is a configured, serving daemon as Run drives it.
type Instance interface {
	// Reload is config-reload: it reads the configuration file again and
	// reports whether the new configuration took (the old one stays if not).
	Reload() bool
	// Done delivers the exit status when the shutdown command is given.
	Done() <-chan int
	Stats() *stats.Registry
	Close() error
}

// Spec describes one daemon to Run. C is its configuration type.
type Spec[C any] struct {
	Program          string // Kea's program name: kea-dhcp4
	Logger           string // the daemon's logger under the root: dhcp4
	MetricsNamespace string // kea_dhcp4
	Msgs             Messages
	// Load reads and checks the configuration file.
	Load func(path string) (C, error)
	// Loggers returns the configuration's "loggers" entries.
	Loggers func(C) []*config.Logger
	// Start makes the daemon and applies cfg; on error it has released
	// everything it took.
	Start func(cfg C, log *klog.Logger) (Instance, error)
}

// Run is "PROGRAM -c FILE" for any of Kea's daemons: it loads the
// configuration, takes the PID file, starts the daemon and serves until
// SIGTERM, SIGINT or the shutdown command; SIGHUP reloads the configuration
// file, keeping the running one when the file is broken. It returns the
// process exit status.
func Run[C any](spec Spec[C], args cli.DaemonArgs, stderr io.Writer) int {
	klog.Default.SetRoot(spec.Program)
	klog.Default.Startup(args.Debug)
	defer klog.Default.Flush()
	log := klog.NewLogger(spec.Logger)
	m := spec.Msgs
	fatal := func(format string, a ...any) int {
		fmt.Fprintf(stderr, spec.Program+": Fatal error during start up: "+format+"\n", a...)
		return 1
	}

	if m.Starting != nil {
		log.Info(m.Starting, version.Version, "nestor")
	}
	// A configuration that cannot be loaded or applied is logged as Kea's
	// ControlledDhcpv4Srv::init and main do: DHCP4_CONFIG_LOAD_FAIL with
	// the file and the reason, then DHCP4_INIT_FAIL (an error, not fatal)
	// with "configuration error using file 'FILE': reason", and nothing on
	// standard error.
	initFail := func(err error) int {
		log.Error(m.ConfigLoadFail, args.ConfigFile, err)
		log.Error(m.InitFail, fmt.Sprintf("configuration error using file '%s': %v", args.ConfigFile, err))
		return 1
	}
	cfg, err := spec.Load(args.ConfigFile)
	if err != nil {
		return initFail(err)
	}
	pidPath := PIDFilePath(args.ConfigFile, spec.Program)
	if err := WritePIDFile(pidPath); err != nil {
		if errors.Is(err, ErrAlreadyRunning) {
			log.Fatal(m.AlreadyRunning, spec.Program, err)
		} else {
			log.Fatal(m.InitFail, err)
		}
		return fatal("%v", err)
	}
	defer os.Remove(pidPath)

	if err := ApplyLoggers(spec.Loggers(cfg)); err != nil {
		return fatal("%v", err)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	s, err := spec.Start(cfg, log)
	if err != nil {
		return initFail(err)
	}
	if ms, err := s.Stats().ListenMetricsFromEnv(spec.MetricsNamespace, nil); err != nil {
		s.Close()
		return fatal("%s: %v", stats.MetricsEnv, err)
	} else if ms != nil {
		defer ms.Close()
	}
	log.Info(m.Started, version.Version)
	exit := 0
loop:
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				log.Info(m.Reconfig, args.ConfigFile)
				if s.Reload() {
					log.Info(m.ReconfigOK, args.ConfigFile)
				} else {
					log.Error(m.ReconfigFail, args.ConfigFile)
				}
				continue
			}
			log.Info(m.ShutdownRequest)
			break loop
		case exit = <-s.Done():
			log.Info(m.ShutdownRequest)
			break loop
		}
	}
	if err := s.Close(); err != nil {
		log.Error(m.InitFail, err)
	}
	log.Info(m.Shutdown)
	return exit
}

// ApplyLoggers applies a configuration's "loggers" (Kea's default set-up
// when there are none).
func ApplyLoggers(loggers []*config.Logger) error {
	entries := []klog.LoggerConfig{}
	for _, l := range loggers {
		e := klog.LoggerConfig{Name: l.Name, Severity: l.Severity, DebugLevel: l.DebugLevel}
		for _, o := range l.OutputOptions {
			e.OutputOptions = append(e.OutputOptions, klog.OutputOption{
				Output: o.Output, Flush: o.Flush, MaxSize: o.MaxSize, MaxVer: o.MaxVer, Pattern: o.Pattern,
			})
		}
		entries = append(entries, e)
	}
	return klog.Default.Configure(entries)
}
