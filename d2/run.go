package d2

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/daemon"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/stats"
)

// BuildReport returns build-report's text; the command sets it.
var BuildReport = version.Report

// Daemon is a configured, serving kea-dhcp-ddns: the server, its commands
// and control socket.
type Daemon struct {
	*Server
	mu           sync.Mutex
	cmds         *daemon.CoreCommands[config.D2Config]
	Commands     *ctrl.Manager
	socks        *daemon.ControlSockets
	done         chan int
	once         sync.Once
	reloaded     time.Time
	shutdownKind string
	log          *klog.Logger
}

// Options are Start's settings.
type Options struct {
	ConfigFile    string
	ManageLogging bool
}

// Start makes a daemon and applies cfg.
func Start(cfg *config.D2Config, log *klog.Logger, opts Options) (*Daemon, error) {
	d := &Daemon{Server: NewServer(log, stats.New()), done: make(chan int, 1), log: log, reloaded: time.Now()}
	d.Commands = ctrl.NewManager(nil)
	d.socks = &daemon.ControlSockets{Commands: d.Commands}
	d.cmds = &daemon.CoreCommands[config.D2Config]{
		Family: "DHCP-DDNS", Key: "DhcpDdns", ConfigFile: opts.ConfigFile, Mu: &d.mu,
		Config: d.Server.Config,
		Parse:  func(args []byte) (*config.D2Config, error) { return config.ParseDhcpDdns("<string>", args) },
		Load:   config.LoadDhcpDdnsFile,
		Unparse: func(c *config.D2Config) *config.Node {
			return config.UnparseDhcpDdns(c)
		},
		Check:         func(*config.D2Config) error { return nil },
		Apply:         d.apply,
		Loggers:       func(c *config.D2Config) []*config.Logger { return c.Loggers },
		ManageLogging: opts.ManageLogging,
		Stop:          func(exit int) { d.stop(exit) },
		Started:       time.Now(),
		Reloaded:      func() time.Time { return d.reloaded },
		Stats:         d.Server.Stats(),
		BuildReport:   func() string { return BuildReport() },
	}
	if err := d.cmds.Register(d.Commands); err != nil {
		return nil, err
	}
	// kea-dhcp-ddns 2.2 has neither the DHCP service commands nor the
	// statistic-remove and sample limit commands.
	for _, n := range []string{"dhcp-disable", "dhcp-enable", "server-tag-get", "libreload", "config-backend-pull",
		"statistic-remove", "statistic-remove-all", "statistic-sample-age-set", "statistic-sample-age-set-all",
		"statistic-sample-count-set", "statistic-sample-count-set-all", "config-test", "shutdown", "config-hash-get",
		"config-set"} {
		_ = d.Commands.Deregister(n)
	}
	_ = d.Commands.Register("config-test", d.configTest)
	_ = d.Commands.Register("shutdown", d.shutdown)
	_ = d.Commands.Register("config-set", d.configSet)
	if err := d.apply(cfg); err != nil {
		d.Server.Close()
		d.socks.Close()
		return nil, err
	}
	return d, nil
}

func (d *Daemon) apply(cfg *config.D2Config) error {
	if err := d.Server.Configure(cfg); err != nil {
		return err
	}
	if err := d.socks.Apply(cfg.ControlSocket, nil); err != nil {
		return err
	}
	d.reloaded = time.Now()
	d.log.Info(keamsg.DCTL_CONFIG_COMPLETE, config.D2Summary(cfg))
	return nil
}

// configTest is D2's config-test: the arguments are parsed and checked,
// nothing is applied.
func (d *Daemon) configTest(cmd *ctrl.Command) ctrl.Answer {
	if cmd.Args == nil {
		return ctrl.Error("Missing mandatory 'arguments' parameter.")
	}
	if v, err := cmd.Args.Get("DhcpDdns"); err != nil || v == nil {
		return ctrl.Error("Missing mandatory 'DhcpDdns' parameter.")
	}
	if _, err := config.ParseDhcpDdns("<string>", cmd.ArgsJSON()); err != nil {
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Configuration check successful")
}

// configSet is D2's config-set: Kea 2.2's D2 answers without a hash.
func (d *Daemon) configSet(cmd *ctrl.Command) ctrl.Answer {
	if cmd.Args == nil {
		return ctrl.Error("Missing mandatory 'arguments' parameter.")
	}
	if v, err := cmd.Args.Get("DhcpDdns"); err != nil || v == nil {
		return ctrl.Error("Missing mandatory 'DhcpDdns' parameter.")
	}
	cfg, err := config.ParseDhcpDdns("<string>", cmd.ArgsJSON())
	if err != nil {
		return ctrl.Error(err.Error())
	}
	a := d.cmds.Reconfigure(cfg, "")
	if a.Result == ctrl.ResultSuccess {
		return ctrl.Success("Configuration applied successfully.")
	}
	return a
}

// shutdown is D2's shutdown with its "type": normal, drain_first or now.
func (d *Daemon) shutdown(cmd *ctrl.Command) ctrl.Answer {
	kind := "normal"
	exit := 0
	if cmd.Args != nil && cmd.Args.Kind() == ctrl.Map {
		if v, _ := cmd.Args.Get("type"); v != nil {
			s, err := v.StringValue()
			if err != nil || (s != "normal" && s != "drain_first" && s != "now") {
				if err == nil {
					return ctrl.Error("Invalid Shutdown type: " + s)
				}
				return ctrl.Error("Invalid Shutdown type: " + string(v.AppendKea(nil)))
			}
			kind = s
		}
		if v, _ := cmd.Args.Get("exit-value"); v != nil {
			n, err := v.IntValue()
			if err != nil {
				return ctrl.Error("parameter 'exit-value' is not an integer")
			}
			exit = int(n)
		}
	}
	args := "(no arguments)"
	if cmd.Args != nil {
		args = string(cmd.Args.AppendKea(nil))
	}
	d.log.Debug(dbgTrace, msgShutdownCommand, args)
	d.shutdownKind = kind
	d.stop(exit)
	return ctrl.Success("Shutdown initiated, type is: " + kind)
}

func (d *Daemon) stop(exit int) {
	d.once.Do(func() { d.done <- exit })
}

// Done delivers the exit status when the shutdown command is given.
func (d *Daemon) Done() <-chan int { return d.done }

// Reload is config-reload (SIGHUP).
func (d *Daemon) Reload() bool { return d.cmds.Reload() }

// Close stops serving.
func (d *Daemon) Close() error {
	d.socks.Close()
	kind := d.shutdownKind
	if kind == "" {
		kind = "normal"
	}
	d.Server.Shutdown(kind)
	d.Server.Close()
	return nil
}

// Run is kea-dhcp-ddns after its command line was parsed: -t checks the
// configuration file, -c serves it until SIGTERM, SIGINT or the shutdown
// command, with SIGHUP reloading the file. It returns the exit status.
func Run(args cli.DaemonArgs, stdout, stderr io.Writer) int {
	switch args.Mode {
	case cli.ModeCheck, cli.ModeCheckExtra:
		return config.CheckDhcpDdnsFile(args.ConfigFile, stdout, stderr)
	case cli.ModeRun:
	default:
		fmt.Fprintln(stderr, "kea-dhcp-ddns: unsupported mode")
		return 1
	}
	const program = "kea-dhcp-ddns"
	klog.Default.SetRoot(program)
	klog.Default.Startup(args.Debug)
	defer klog.Default.Flush()
	log := klog.NewLogger("dhcpddns")
	cfg, err := config.LoadDhcpDdnsFile(args.ConfigFile)
	if err != nil {
		reason := err.Error()
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Kind == config.SyntaxError {
			reason = "Configuration parsing failed: " + reason
		}
		log.Fatal(msgFailed, reason)
		fmt.Fprintf(stderr, "Service failed: %s\n", reason)
		return 1
	}
	pidPath := daemon.PIDFilePath(args.ConfigFile, program)
	if err := daemon.WritePIDFile(pidPath); err != nil {
		if errors.Is(err, daemon.ErrAlreadyRunning) {
			log.Fatal(msgAlreadyRunning, program, err)
		} else {
			log.Fatal(msgFailed, err)
		}
		fmt.Fprintf(stderr, "Service failed: Launch failed: %v\n", err)
		return 1
	}
	defer os.Remove(pidPath)
	if err := daemon.ApplyLoggers(cfg.Loggers); err != nil {
		fmt.Fprintf(stderr, "Service failed: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	d, err := Start(cfg, log, Options{ConfigFile: args.ConfigFile, ManageLogging: !args.Debug})
	if err != nil {
		log.Fatal(msgFailed, err)
		fmt.Fprintf(stderr, "Service failed: %v\n", err)
		return 1
	}
	if ms, err := d.Stats().ListenMetricsFromEnv("kea_dhcp_ddns", nil); err != nil {
		d.Close()
		fmt.Fprintf(stderr, "Service failed: %s: %v\n", stats.MetricsEnv, err)
		return 1
	} else if ms != nil {
		defer ms.Close()
	}
	log.Info(msgStarted, version.Version)
	exit := 0
loop:
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				log.Info(msgReconfig, "Hangup", args.ConfigFile)
				if !d.Reload() {
					log.Error(keamsg.DCTL_CFG_FILE_RELOAD_ERROR, "see the previous error")
				}
				continue
			}
			log.Info(keamsg.DCTL_SHUTDOWN_SIGNAL_RECVD, sigName(sig))
			break loop
		case exit = <-d.Done():
			break loop
		}
	}
	log.Debug(dbgTrace, msgRunExit)
	d.Close()
	log.Info(msgShutdown, program, os.Getpid(), version.Version)
	return exit
}

func sigName(s os.Signal) string {
	if s == syscall.SIGINT {
		return "Interrupt"
	}
	return "Terminated"
}
